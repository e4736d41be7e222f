#!/usr/bin/env bash
# Checks every specification with Quint (pinned in package.json; the TypeScript backend,
# since the Rust backend downloads a binary at run time):
#   quint test         the embedded runs of each module
#   quint run          bounded random simulation against each invariant
#   WakeupNoFence      must violate noLostWakeup (the fence is what prevents it)
# and, given a directory, writes fresh RingSPSC traces there for the model-based test.
# Usage: tla/run_specs.sh [trace-dir]      Environment: QUINT_SAMPLES (default 300)
set -euo pipefail
cd "$(dirname "$0")"
[ -x node_modules/.bin/quint ] || npm ci --no-audit --no-fund --loglevel=error
quint() { node_modules/.bin/quint "$@" --backend=typescript; }
samples="${QUINT_SAMPLES:-300}"

for target in RingSPSC:RingSPSC.qnt ChannelMPSC:ChannelMPSC.qnt WakeupFenced:Wakeup.qnt WakeupNoFence:Wakeup.qnt; do
  main="${target%%:*}" file="${target#*:}"
  echo "--- quint test ${main}"
  quint test --main="${main}" --max-samples=200 "${file}"
done

for target in RingSPSC:RingSPSC.qnt ChannelMPSC:ChannelMPSC.qnt WakeupFenced:Wakeup.qnt; do
  main="${target%%:*}" file="${target#*:}"
  echo "--- quint run ${main} --invariant=safetyInvariant (${samples} samples)"
  quint run --main="${main}" --invariant=safetyInvariant --max-samples="${samples}" --max-steps=40 "${file}" | tail -n 4
done

echo "--- quint run WakeupNoFence: the lost wake-up must be found"
if out=$(quint run --main=WakeupNoFence --invariant=noLostWakeup --max-samples=5000 --max-steps=40 Wakeup.qnt 2>&1); then
  echo "${out}" | tail -n 4
  echo "FAIL: without fences the spec should lose a wake-up, and no violation was found" >&2
  exit 1
fi
echo "${out}" | grep -q "violation" || { echo "${out}"; exit 1; }
echo "ok: violation found, as expected"

if [ $# -ge 1 ]; then
  mkdir -p "$1"
  rm -f "$1"/ring_*.itf.json "$1"/channel_*.itf.json
  quint run --main=RingSPSC --max-samples=40 --n-traces=40 --max-steps=40 \
    --out-itf="$1/ring_{seq}.itf.json" RingSPSC.qnt >/dev/null
  quint run --main=ChannelMPSC --max-samples=40 --n-traces=40 --max-steps=40 \
    --out-itf="$1/channel_{seq}.itf.json" ChannelMPSC.qnt >/dev/null
  echo "--- wrote $(ls "$1" | wc -l) RingSPSC and ChannelMPSC traces to $1"
fi
echo "specs: all checks passed"
