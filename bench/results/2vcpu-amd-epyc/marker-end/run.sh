#!/bin/bash
# A/B: base (scratch/base) vs new (main), alternately.
B=/work/scratch/base/build/release/bench
N=/work/main/build/release/bench
O=/work/scratch/ab/out; mkdir -p $O
for i in 1 2 3; do
  for v in base new; do
    d=$B; [ $v = new ] && d=$N
    taskset -c 0 $d/call_cost --rounds 301 > $O/cc-$v-$i.txt 2>&1
  done
done
for i in 1 2; do
  for v in base new; do
    d=$B; [ $v = new ] && d=$N
    $d/scaling_benchmark --modes spsc,mpsc --producers 1,2,4 --rounds 5 --json $O/sc-$v-$i.json > $O/sc-$v-$i.md 2>&1
    $d/scaling_benchmark --modes pingpong --rounds 11 --json $O/pp-$v-$i.json > $O/pp-$v-$i.md 2>&1
  done
done
echo done
