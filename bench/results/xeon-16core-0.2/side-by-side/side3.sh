#!/usr/bin/env bash
# The current library (new), with line-granular sweeps (vl), and with the hand-back quantum
# set to 1 (vq), alternately: MPSC single-item pushes at P = 2, 4, 8, 3 rounds x 200 ms.
d=$(cd "$(dirname "$0")" && pwd)
mkdir -p /tmp/s
pack() { tar czf "$OUT/s.tgz" -C /tmp s 2>/dev/null; }
for cycle in 1 2; do
  for b in new vl vq; do
    echo "$(date -u +%T) $b $cycle" >> /tmp/s/progress.txt
    "$d/sb_$b" --modes mpsc --producers 2,4,8 --rounds 3 --json /tmp/s/${b}_mpsc_$cycle.json --md /tmp/s/${b}_mpsc_$cycle.md > /dev/null 2>> /tmp/s/progress.txt
    echo "$b mpsc $cycle rc=$?" >> /tmp/s/progress.txt
    pack
  done
done
tail -3 /tmp/s/progress.txt
