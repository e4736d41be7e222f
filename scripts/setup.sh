#!/usr/bin/env bash
# Installs what the tests, benchmarks and specs need on a Debian or Ubuntu machine (tested
# on Debian bookworm). Idempotent: installs only what is missing. Prints one line per
# package set; apt's own output goes to a log that is shown only when apt fails.
# Usage: scripts/setup.sh [test|bench|all]
set -euo pipefail
usage="usage: scripts/setup.sh [test|bench|all]"
purpose="${1:-all}"
case "$purpose" in
  test | bench | all) ;;
  -h | --help) echo "$usage"; exit 0 ;;
  *) echo "$usage" >&2; exit 2 ;;
esac

test_pkgs=(cmake ninja-build g++ clang catch2 pkg-config git patchelf
           nlohmann-json3-dev libcurl4-openssl-dev zlib1g-dev librapidcheck-dev python3
           default-jre-headless libasio-dev liburing-dev)
bench_pkgs=(cmake ninja-build g++ libbenchmark-dev python3-matplotlib
            libatomic-queue-dev libreaderwriterqueue-dev libconcurrentqueue-dev
            libboost-dev libtbb-dev libxenium-dev)

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  echo "setup: this script installs Debian/Ubuntu packages with apt-get, which this machine" \
       "lacks; install the equivalents yourself: ${test_pkgs[*]} ${bench_pkgs[*]} nodejs npm" >&2
  exit 1
fi

log="$(mktemp -t ringmpsc-setup.XXXXXX)"
trap 'rm -f "$log"' EXIT
as_root=()
updated=0

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

# Becomes root through sudo when needed; says what to do when that is impossible.
need_root() {
  [ "$(id -u)" -eq 0 ] && return
  if command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
    return
  fi
  echo "setup: $1: installing $2 needs root, but this is not root and sudo is missing;" \
       "run it as root (su -c 'bash scripts/setup.sh $purpose') or install them yourself" >&2
  exit 1
}

apt() {
  if ! "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "$@" >>"$log" 2>&1; then
    echo "setup: apt-get $1 failed; the end of its output:" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
}

apt_update_once() {
  ((updated)) && return
  apt update -qq
  updated=1
}

# install_set NAME PACKAGE...: one summary line for the set.
install_set() {
  local name="$1" missing=() p
  shift
  for p in "$@"; do installed "$p" || missing+=("$p"); done
  if ((${#missing[@]} == 0)); then
    echo "setup: $name: all $# packages present"
    return
  fi
  need_root "$name" "${missing[*]}"
  apt_update_once
  apt install -y -qq --no-install-recommends "${missing[@]}"
  echo "setup: $name: installed ${missing[*]}"
}

# The sanitizer and fuzzer runtimes of the clang that is installed: in libclang-rt-N-dev
# from LLVM 15 and Debian bookworm's 14 on, in libclang-common-N-dev before.
install_clang_runtimes() {
  local dir version p
  dir="$(clang --print-runtime-dir)"
  version="$(clang -dumpversion | cut -d. -f1)"
  if compgen -G "$dir/libclang_rt.asan*" >/dev/null && compgen -G "$dir/libclang_rt.fuzzer*" >/dev/null; then
    echo "setup: clang $version runtimes: present"
    return
  fi
  need_root "clang $version runtimes" "libclang-rt-$version-dev"
  apt_update_once
  for p in "libclang-rt-$version-dev" "libclang-common-$version-dev"; do
    if apt-cache show "$p" >/dev/null 2>&1; then
      install_set "clang $version runtimes" "$p"
      return
    fi
  done
  echo "setup: no package for the runtimes of clang $version (looked for libclang-rt-$version-dev" \
       "and libclang-common-$version-dev); the clang sanitizer presets will not link" >&2
  exit 1
}

# Node.js (for the Quint specs) may come from Debian or from another repository that
# bundles npm: accept any node >= 18 with npm, else install Debian's.
install_node() {
  if command -v npm >/dev/null 2>&1 &&
     node -e 'process.exit(+process.versions.node.split(".")[0] < 18 ? 1 : 0)' 2>/dev/null; then
    echo "setup: Node.js: node $(node --version) and npm present"
    return
  fi
  install_set "Node.js" nodejs npm
}

if [ "$purpose" != bench ]; then
  install_set "test packages" "${test_pkgs[@]}"
  install_clang_runtimes
  install_node
fi
if [ "$purpose" != test ]; then
  install_set "bench packages" "${bench_pkgs[@]}"
fi
