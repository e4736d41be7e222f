#!/usr/bin/env bash
# Installs what the tests, benchmarks and specs need on a fresh Debian bookworm machine.
# Idempotent: installs only what is missing. Usage: scripts/setup.sh [test|bench|all]
set -euo pipefail
purpose="${1:-all}"

test_pkgs=(cmake ninja-build g++ clang libclang-rt-14-dev catch2 pkg-config
           nlohmann-json3-dev libcurl4-openssl-dev librapidcheck-dev python3
           libasio-dev liburing-dev)
bench_pkgs=(cmake ninja-build g++ libbenchmark-dev python3-matplotlib
            libatomic-queue-dev libreaderwriterqueue-dev libconcurrentqueue-dev
            libboost-dev libtbb-dev libxenium-dev)

case "$purpose" in
  test) want=("${test_pkgs[@]}") ;;
  bench) want=("${bench_pkgs[@]}") ;;
  all) want=("${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
  *) echo "usage: $0 [test|bench|all]" >&2; exit 2 ;;
esac

missing=()
# Node.js (for the Quint specs) may come from Debian or from another repository that
# bundles npm: accept any node >= 18 with npm, else install Debian's.
if [ "$purpose" != bench ]; then
  if ! command -v npm >/dev/null 2>&1 || ! node -e 'process.exit(+process.versions.node.split(".")[0] < 18 ? 1 : 0)' 2>/dev/null; then
    missing+=(nodejs npm)
  fi
fi
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all ${#want[@]} packages present"
fi
