#!/usr/bin/env bash
# Builds static, portable (x86-64-v3) copies of scaling_benchmark and bench_final into
# .device/ for a many-core machine that has no compiler or packages (scripts/bench_device.sh
# runs them there). oneTBB ships no static library, so its peer is left out of this build.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh bench
cmake -S . -B build/device -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS="-march=x86-64-v3" \
  -DCMAKE_EXE_LINKER_FLAGS="-static" -DCMAKE_DISABLE_FIND_PACKAGE_TBB=ON \
  -DRINGMPSC_BUILD_TESTS=OFF -DRINGMPSC_BUILD_EXAMPLES=OFF >/dev/null
cmake --build build/device --target scaling_benchmark bench_final
mkdir -p .device
cp build/device/bench/scaling_benchmark build/device/bench/bench_final scripts/bench_device.sh .device/
echo "built .device/: $(ls .device | tr '\n' ' ')"
