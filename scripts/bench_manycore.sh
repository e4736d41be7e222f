#!/usr/bin/env bash
# Runs on a many-core machine that has no compiler or packages: the static binaries from
# scripts/build_manycore_bench.sh, pinned, full protocol (11 rounds x 200 ms, rotated).
# The groups run in order of importance, each step into its own report, so that a run cut
# short still leaves every finished step: MPSC single-item pushes at P = 1, 2, 4, 8, 12;
# every consumer style at P = 1, 2, 4, 8; SPSC single item, bulk, ping-pong; MPSC batches;
# SPSC batches; zero-copy and 64-byte messages; bench_final. The whole script takes
# about 9 minutes on 16 cores.
# Output: $OUT (or bench/results/manycore): scaling_<step>.{json,md}, bench_final.*,
# machine.txt (CPU, kernel, the exit status of every step), progress.txt (stderr).
set -uo pipefail
dir="$(cd "$(dirname "$0")" && pwd)"
out="${OUT:-bench/results/manycore}"
mkdir -p "$out"
{ nproc; lscpu; uname -a; } > "$out/machine.txt" 2>&1

step() {  # step NAME scaling_benchmark-arguments...
  local name=$1
  shift
  echo "$(date -u +%T) start $name" >> "$out/progress.txt"
  "$dir/scaling_benchmark" "$@" --json "$out/scaling_$name.json" --md "$out/scaling_$name.md" \
    > /dev/null 2>> "$out/progress.txt"
  echo "$name rc=$?" >> "$out/machine.txt"
}

step mpsc --modes mpsc --producers 1,2,4,8,12
step consumers --modes consumers --producers 1,2,4,8
step spsc --modes spsc,bulk,pingpong
step mpsc_batch --modes mpsc-batch --producers 2,4,8,12
step batch --modes batch
step zerocopy --modes zerocopy,msg64
"$dir/bench_final" --pairs 8 --json "$out/bench_final.json" > "$out/bench_final.md" 2>&1
echo "bench_final rc=$?" >> "$out/machine.txt"
