#!/usr/bin/env bash
# Builds static, portable (x86-64-v3) copies of scaling_benchmark and bench_final into
# .manycore/ for a many-core machine that has no compiler or packages (scripts/bench_manycore.sh
# runs them there). oneTBB ships no static library, so its peer is left out of this build.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh bench
cmake -S . -B build/manycore -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS="-march=x86-64-v3" \
  -DCMAKE_EXE_LINKER_FLAGS="-static" -DCMAKE_DISABLE_FIND_PACKAGE_TBB=ON \
  -DRINGMPSC_BUILD_TESTS=OFF -DRINGMPSC_BUILD_EXAMPLES=OFF >/dev/null
cmake --build build/manycore --target scaling_benchmark bench_final
mkdir -p .manycore
cp build/manycore/bench/scaling_benchmark build/manycore/bench/bench_final scripts/bench_manycore.sh .manycore/
echo "built .manycore/: $(ls .manycore | tr '\n' ' ')"
