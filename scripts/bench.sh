#!/usr/bin/env bash
# Builds and runs the scaling benchmark (the main job) on a fresh machine: installs the
# compilers, Google Benchmark and every peer queue, builds optimised, runs
# scaling_benchmark (all modes, 11 rounds) and bench_final, then writes the JSON, a
# markdown table and a PNG plot to bench/results/latest/ (or $RINGMPSC_BENCH_OUT).
# Extra arguments go to scaling_benchmark (for example --quick, --producers 1,2,4,8,12).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh bench
out="${RINGMPSC_BENCH_OUT:-bench/results/latest}"
mkdir -p "$out"

cmake --preset release -DRINGMPSC_BUILD_TESTS=OFF -DRINGMPSC_BUILD_EXAMPLES=OFF >/dev/null
cmake --build --preset release --target scaling_benchmark bench_final

build/release/bench/scaling_benchmark --json "$out/scaling.json" --md "$out/scaling.md" "$@"
build/release/bench/bench_final --json "$out/bench_final.json" $([[ " $* " == *" --quick "* ]] && echo --quick) \
  | tee "$out/bench_final.md"
/usr/bin/python3 bench/plot.py "$out/scaling.png" "$out/scaling.json"
echo "results: $out/scaling.md, $out/scaling.json, $out/scaling.png, $out/bench_final.md"
