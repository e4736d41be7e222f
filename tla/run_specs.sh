#!/usr/bin/env bash
# Checks every specification in tla/.
#
#   Quint (pinned in package.json; the TypeScript backend, since the Rust backend
#   downloads a binary at run time):
#     quint test     the embedded runs of each module
#     quint run      bounded random simulation against each invariant; the Wakeup
#                    mutants (NoFence, NoBump, FdEarly, ArmLate) must be found violating
#   TLC (the TLA+ model checker, exhaustive within each .cfg's bounds):
#     every tla/*.cfg; its header says which spec it checks and what must happen:
#       \* SPEC: <module>
#       \* EXPECT: pass                 no error
#       \* EXPECT: violation <name>     TLC must fail (exit status) naming <name>: a mutant
#       \* EXPECT: reachable <name>     likewise, for an invariant that negates a scenario
#                                      the checks rely on (so they cannot pass vacuously)
#     For each it prints distinct states, the diameter (depth of the state graph) and
#     the time.
#
# Given a directory, also writes fresh RingSPSC and ChannelMPSC traces there for the
# model-based tests (ChannelMPSC started with serialInit: calls that do not interleave).
#
# Usage: tla/run_specs.sh [--quint | --tlc] [trace-dir]     (default: both)
# Environment:
#   QUINT_SAMPLES   simulation samples per invariant (default 300)
#   TLA2TOOLS_JAR   the TLA+ tools jar; else <repo>/../shared/tools/tla2tools.jar when
#                   present; else the official release below is downloaded (once, into
#                   ${XDG_CACHE_HOME:-~/.cache}/ringmpsc) and its SHA-256 checked
#   JAVA            the Java 11+ runtime (default: java on PATH)
#   TLC_WORKERS     TLC worker threads (default 2)
#   TLC_ONLY        a substring: check only the .cfg files whose name contains it
# Exit status: 0 all checks passed; 1 a check failed; 77 TLC alone was asked for and
# could not run (no Java, or no jar and no download): the reason is printed.
set -euo pipefail
cd "$(dirname "$0")"
here="$(pwd)"
repo="$(cd .. && pwd)"

TLA_VERSION="1.7.4"
TLA_SHA256="936a262061c914694dfd669a543be24573c45d5aa0ff20a8b96b23d01e050e88"
TLA_URL="https://github.com/tlaplus/tlaplus/releases/download/v${TLA_VERSION}/tla2tools.jar"

run_quint=1 run_tlc=1
case "${1:-}" in
  --quint) run_tlc=0; shift ;;
  --tlc) run_quint=0; shift ;;
  --all) shift ;;
esac
trace_dir="${1:-}"

# ------------------------------------------------------------------------- Quint ---
quint_checks() {
  [ -x node_modules/.bin/quint ] || npm ci --no-audit --no-fund --loglevel=error
  quint() { node_modules/.bin/quint "$@" --backend=typescript; }
  local samples="${QUINT_SAMPLES:-300}" target main file

  for target in RingSPSC:RingSPSC.qnt ChannelMPSC:ChannelMPSC.qnt \
                WakeupFenced:Wakeup.qnt WakeupAsymmetric:Wakeup.qnt WakeupNoFence:Wakeup.qnt \
                WakeupNoBump:Wakeup.qnt WakeupFdEarly:Wakeup.qnt WakeupArmLate:Wakeup.qnt \
                WakeupFdAlways:Wakeup.qnt; do
    main="${target%%:*}" file="${target#*:}"
    echo "--- quint test ${main}"
    quint test --main="${main}" --max-samples=200 "${file}"
  done

  local init
  for target in RingSPSC:init:RingSPSC.qnt ChannelMPSC:init:ChannelMPSC.qnt \
                ChannelMPSC:serialInit:ChannelMPSC.qnt WakeupFenced:init:Wakeup.qnt \
                WakeupAsymmetric:init:Wakeup.qnt; do
    main="${target%%:*}" init="${target#*:}" file="${init#*:}" init="${init%%:*}"
    echo "--- quint run ${main} --init=${init} --invariant=safetyInvariant (${samples} samples)"
    quint run --main="${main}" --init="${init}" --invariant=safetyInvariant \
      --max-samples="${samples}" --max-steps=40 "${file}" | tail -n 4
  done

  local out
  for main in WakeupNoFence WakeupNoBump WakeupFdEarly WakeupArmLate; do
    echo "--- quint run ${main}: the lost wake-up must be found"
    if out=$(quint run --main="${main}" --invariant=noLostWakeup --max-samples=5000 \
               --max-steps=40 Wakeup.qnt 2>&1); then
      echo "${out}" | tail -n 4
      echo "FAIL: ${main} should lose a wake-up, and no violation was found" >&2
      return 1
    fi
    echo "${out}" | grep -q "violation" || { echo "${out}"; return 1; }
    echo "ok: violation found, as expected"
  done

  if [ -n "${trace_dir}" ]; then
    mkdir -p "${trace_dir}"
    rm -f "${trace_dir}"/ring_*.itf.json "${trace_dir}"/channel_*.itf.json
    quint run --main=RingSPSC --max-samples=40 --n-traces=40 --max-steps=40 \
      --out-itf="${trace_dir}/ring_{seq}.itf.json" RingSPSC.qnt >/dev/null
    quint run --main=ChannelMPSC --init=serialInit --max-samples=40 --n-traces=40 --max-steps=100 \
      --out-itf="${trace_dir}/channel_{seq}.itf.json" ChannelMPSC.qnt >/dev/null
    echo "--- wrote $(ls "${trace_dir}" | wc -l) RingSPSC and ChannelMPSC (serial) traces to ${trace_dir}"
  fi
}

# --------------------------------------------------------------------------- TLC ---
sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1
  else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

# Sets `jar`, or prints why there is none and returns 1.
find_jar() {
  if [ -n "${TLA2TOOLS_JAR:-}" ]; then
    [ -f "${TLA2TOOLS_JAR}" ] || { echo "error: TLA2TOOLS_JAR=${TLA2TOOLS_JAR} does not exist" >&2; exit 1; }
    jar="${TLA2TOOLS_JAR}"; return 0
  fi
  if [ -f "${repo}/../shared/tools/tla2tools.jar" ]; then
    jar="$(cd "${repo}/../shared/tools" && pwd)/tla2tools.jar"; return 0
  fi
  local cache="${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/ringmpsc"
  jar="${cache}/tla2tools-${TLA_VERSION}.jar"
  if [ -f "${jar}" ] && [ "$(sha256_of "${jar}")" = "${TLA_SHA256}" ]; then return 0; fi
  mkdir -p "${cache}"
  local tmp="${jar}.tmp.$$"
  echo "--- downloading tla2tools.jar ${TLA_VERSION} from ${TLA_URL}"
  if ! { command -v curl >/dev/null 2>&1 && curl -fsSL --retry 2 -o "${tmp}" "${TLA_URL}"; } &&
     ! { command -v wget >/dev/null 2>&1 && wget -q -O "${tmp}" "${TLA_URL}"; }; then
    rm -f "${tmp}"
    echo "TLC SKIPPED: no tla2tools.jar: TLA2TOOLS_JAR is not set, ${repo}/../shared/tools/tla2tools.jar"
    echo "  is absent, and ${TLA_URL} could not be downloaded (offline, or no curl/wget)."
    echo "  Set TLA2TOOLS_JAR to a copy of tla2tools.jar (TLA+ tools ${TLA_VERSION} or later) to check the TLA+ specs."
    return 1
  fi
  local got; got="$(sha256_of "${tmp}")"
  if [ "${got}" != "${TLA_SHA256}" ]; then
    rm -f "${tmp}"
    echo "error: ${TLA_URL} has SHA-256 ${got}, expected ${TLA_SHA256}; not used" >&2
    exit 1
  fi
  mv "${tmp}" "${jar}"
}

cfg_field() { sed -n "s/^\\\\\\* $2: *//p" "$1" | head -n 1; }
now() { if [ -n "${EPOCHREALTIME:-}" ]; then echo "${EPOCHREALTIME/,/.}"; else date +%s; fi; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

tlc_checks() {
  local java="${JAVA:-java}"
  if ! command -v "${java}" >/dev/null 2>&1; then
    echo "TLC SKIPPED: no Java runtime (${java} not found). TLC needs Java 11 or later,"
    echo "  e.g. Debian's openjdk-17-jre-headless; set JAVA to its java binary."
    return 77
  fi
  local jar
  find_jar || return 77
  echo "--- TLC from ${jar}, ${TLC_WORKERS:-2} workers, $(nproc 2>/dev/null || echo '?') CPUs, load average$(uptime | sed -n 's/.*load average[s]*:\(.*\)/\1/p')"

  # TLC writes states/ and trace files next to the spec: check a scratch copy.
  work="$(mktemp -d "${TMPDIR:-/tmp}/ringmpsc-tlc.XXXXXX")"
  trap 'rm -rf "${work}"' EXIT
  cp ./*.tla ./*.cfg "${work}/"

  local failures=0 checked=0 total_start cfg name spec expect prop log rc secs cpu cpu_total=0
  local states depth verdict
  total_start=$(now)
  for cfg in ./*.cfg; do
    name="$(basename "${cfg}" .cfg)"
    [[ -n "${TLC_ONLY:-}" && "${name}" != *"${TLC_ONLY}"* ]] && continue
    spec="$(cfg_field "${cfg}" SPEC)"; expect="$(cfg_field "${cfg}" EXPECT)"
    if [ -z "${spec}" ] || [ -z "${expect}" ]; then
      echo "FAIL ${name}.cfg: no '\\* SPEC:' or '\\* EXPECT:' line"; failures=$((failures + 1)); continue
    fi
    log="${work}/${name}.log"
    set +e
    { TIMEFORMAT='%R %U %S'; time (cd "${work}" && "${java}" -XX:+UseParallelGC -cp "${jar}" tlc2.TLC \
        -workers "${TLC_WORKERS:-2}" -metadir "${work}/states-${name}" -config "${name}.cfg" \
        "${spec}.tla" > "${log}" 2>&1); } 2> "${work}/${name}.time"
    rc=$?
    set -e
    # wall-clock and CPU (user + system) seconds
    read -r secs cpu < <(awk '{ printf "%.1f %.1f\n", $1, $2 + $3 }' "${work}/${name}.time")
    cpu_total=$(awk -v a="${cpu_total}" -v b="${cpu}" 'BEGIN { printf "%.1f", a + b }')
    [ ${checked} -eq 0 ] && echo "    $(grep -m1 -o 'TLC2 Version.*' "${log}" || true)"
    checked=$((checked + 1))
    states="$(sed -n 's/^[0-9,]* states generated, \([0-9,]*\) distinct states found.*/\1/p' "${log}" | tail -n 1)"
    depth="$(sed -n 's/^The depth of the complete state graph search is \([0-9]*\).*/\1/p' "${log}" | tail -n 1)"
    case "${expect}" in
      pass)
        if [ ${rc} -eq 0 ] && grep -q "No error has been found" "${log}"; then
          verdict="ok"
        else
          verdict="FAIL (expected no error; TLC exit ${rc})"
        fi ;;
      violation\ *)
        prop="${expect#violation }"
        if [ ${rc} -ne 0 ] && grep -Eq "(Invariant|Temporal property|Action property) ${prop} (is|was) violated" "${log}"; then
          verdict="ok: violates ${prop}, as it must (trace of $(grep -cE '^State [0-9]+:' "${log}") states)"
        else
          verdict="FAIL (expected TLC to report ${prop} violated; exit ${rc})"
        fi ;;
      reachable\ *)
        prop="${expect#reachable }"
        if [ ${rc} -ne 0 ] && grep -Eq "Invariant ${prop} is violated" "${log}"; then
          verdict="ok: reachable (${prop} negated after $(grep -cE '^State [0-9]+:' "${log}") states)"
        else
          verdict="FAIL (expected TLC to reach the state ${prop} negates; exit ${rc})"
        fi ;;
      *) verdict="FAIL (unknown expectation '${expect}')" ;;
    esac
    printf -- '--- TLC %-28s %10s distinct states  diameter %3s  %6s s (CPU %6s s)  %s\n' \
      "${name}" "${states:-?}" "${depth:-?}" "${secs}" "${cpu}" "${verdict}"
    if [[ "${verdict}" == FAIL* ]]; then
      failures=$((failures + 1))
      sed -n '/^Error/,$p' "${log}" | head -n 60
      grep -q "Error" "${log}" || tail -n 30 "${log}"
    fi
  done
  echo "--- TLC: ${checked} configurations in $(elapsed "${total_start}") s (CPU ${cpu_total} s)"
  if [ ${checked} -eq 0 ]; then echo "FAIL: no TLC configuration matched" >&2; return 1; fi
  if [ ${failures} -ne 0 ]; then echo "FAIL: ${failures} of ${checked} TLC configurations did not behave as expected" >&2; return 1; fi
  return 0
}

tlc_note=""
if [ ${run_quint} -eq 1 ]; then quint_checks; fi
if [ ${run_tlc} -eq 1 ]; then
  set +e; tlc_checks; status=$?; set -e
  if [ ${status} -eq 77 ]; then
    [ ${run_quint} -eq 1 ] || exit 77
    tlc_note=" (TLC skipped: see above)"
  elif [ ${status} -ne 0 ]; then
    exit 1
  fi
fi
echo "specs: all checks passed${tlc_note}"
