#!/usr/bin/env bash
# The 0.1.0 harness with the 0.1.0 library (v010) and with the current library (h01),
# alternately: MPSC single-item pushes at P = 1, 2, 4, 8 and SPSC single item, 5 rounds x 200 ms.
d=$(cd "$(dirname "$0")" && pwd)
mkdir -p /tmp/s
{ nproc; lscpu; uname -a; } > /tmp/s/machine.txt 2>&1
pack() { tar czf "$OUT/s.tgz" -C /tmp s 2>/dev/null; }
for cycle in 1 2; do
  for b in v010 h01; do
    echo "$(date -u +%T) $b $cycle" >> /tmp/s/progress.txt
    "$d/sb_$b" --modes mpsc --producers 1,2,4,8 --rounds 5 --json /tmp/s/${b}_mpsc_$cycle.json --md /tmp/s/${b}_mpsc_$cycle.md > /dev/null 2>> /tmp/s/progress.txt
    echo "$b mpsc $cycle rc=$?" >> /tmp/s/machine.txt
    "$d/sb_$b" --modes spsc --rounds 5 --json /tmp/s/${b}_spsc_$cycle.json --md /tmp/s/${b}_spsc_$cycle.md > /dev/null 2>> /tmp/s/progress.txt
    echo "$b spsc $cycle rc=$?" >> /tmp/s/machine.txt
    pack
  done
done
pack
tail -8 /tmp/s/machine.txt
