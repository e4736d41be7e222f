#!/usr/bin/env bash
# Builds and runs the scaling benchmark (the main job) on a fresh machine: installs the
# compilers, Google Benchmark and every peer queue, builds optimised (scaling_benchmark,
# bench_final and ringmpsc_gbench), runs scaling_benchmark (all modes, 11 rounds) and
# bench_final, then writes the JSON, a markdown table and a PNG plot to
# bench/results/latest/, or bench/results/quick/ for --quick, or $RINGMPSC_BENCH_OUT.
# Usage: scripts/bench.sh [--help] [--quick] [other scaling_benchmark options, for example
#        --producers 1,2,4,8,12]
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
for a in "$@"; do
  case "$a" in
    --help | -h)
      sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
      exit 0 ;;
    --quick) quick=1 ;;
  esac
done

bash scripts/setup.sh bench
if ((quick)); then
  out="${RINGMPSC_BENCH_OUT:-bench/results/quick}"  # a smoke run keeps the last full run
else
  out="${RINGMPSC_BENCH_OUT:-bench/results/latest}"
fi
mkdir -p "$out"

cmake --preset release -DRINGMPSC_BUILD_TESTS=OFF -DRINGMPSC_BUILD_EXAMPLES=OFF >/dev/null
cmake --build --preset release --target scaling_benchmark bench_final call_cost ringmpsc_gbench

build/release/bench/scaling_benchmark --json "$out/scaling.json" --md "$out/scaling.md" "$@"
final_args=(--json "$out/bench_final.json")
((quick)) && final_args+=(--quick)
build/release/bench/bench_final "${final_args[@]}" | tee "$out/bench_final.md"
/usr/bin/python3 bench/plot.py "$out/scaling.png" "$out/scaling.json"
echo "results: $out/scaling.md, $out/scaling.json, $out/scaling.png, $out/bench_final.md"
echo "also built: build/release/bench/ringmpsc_gbench (Google Benchmark views, docs/benchmarks.md)"
