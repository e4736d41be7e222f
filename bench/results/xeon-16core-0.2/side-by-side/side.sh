#!/usr/bin/env bash
# 0.1.0, the commit before the write-mode change (base) and after it (new), alternately:
# MPSC single-item pushes at P = 1, 2, 4, 8 and SPSC single item (+ ping-pong where the
# binary has it), 5 rounds x 200 ms each. Reports tarred into $OUT as they finish.
d=$(cd "$(dirname "$0")" && pwd)
mkdir -p /tmp/s
{ nproc; lscpu; uname -a; } > /tmp/s/machine.txt 2>&1
pack() { tar czf "$OUT/s.tgz" -C /tmp s 2>/dev/null; }
for cycle in 1 2; do
  for b in v010 base new; do
    modes=spsc,pingpong; [ $b = v010 ] && modes=spsc
    echo "$(date -u +%T) $b mpsc $cycle" >> /tmp/s/progress.txt
    "$d/sb_$b" --modes mpsc --producers 1,2,4,8 --rounds 5 --json /tmp/s/${b}_mpsc_$cycle.json --md /tmp/s/${b}_mpsc_$cycle.md > /dev/null 2>> /tmp/s/progress.txt
    echo "$b mpsc $cycle rc=$?" >> /tmp/s/machine.txt
    "$d/sb_$b" --modes $modes --rounds 5 --json /tmp/s/${b}_spsc_$cycle.json --md /tmp/s/${b}_spsc_$cycle.md > /dev/null 2>> /tmp/s/progress.txt
    echo "$b spsc $cycle rc=$?" >> /tmp/s/machine.txt
    pack
  done
done
pack
tail -14 /tmp/s/machine.txt
