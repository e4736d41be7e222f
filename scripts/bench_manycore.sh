#!/usr/bin/env bash
# Runs on a many-core machine that has no compiler or packages: the static binaries from
# scripts/build_manycore_bench.sh, pinned, P = 1, 2, 4, 8, 12, full protocol. The MPSC
# scaling groups run first so that they come back even if time runs short.
# Output: $OUT (or bench/results/manycore): JSON, markdown, machine description.
set -uo pipefail
dir="$(cd "$(dirname "$0")" && pwd)"
out="${OUT:-bench/results/manycore}"
mkdir -p "$out"
{ nproc; lscpu; uname -a; } > "$out/machine.txt" 2>&1
"$dir/scaling_benchmark" --producers 1,2,4,8,12 --modes mpsc,mpsc-batch \
  --json "$out/scaling_mpsc.json" --md "$out/scaling_mpsc.md" > /dev/null 2>> "$out/progress.txt"
echo "mpsc rc=$?" >> "$out/machine.txt"
"$dir/scaling_benchmark" --modes spsc,batch,zerocopy,msg64 \
  --json "$out/scaling_spsc.json" --md "$out/scaling_spsc.md" > /dev/null 2>> "$out/progress.txt"
echo "spsc rc=$?" >> "$out/machine.txt"
"$dir/bench_final" --pairs 8 --json "$out/bench_final.json" > "$out/bench_final.md" 2>&1
echo "bench_final rc=$?" >> "$out/machine.txt"
