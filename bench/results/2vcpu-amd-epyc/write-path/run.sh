#!/bin/bash
# Alternates builds of one harness that differ only in the library's write path; per run,
# prints ringmpsc::Channel (Yielding) and the in-house ring-per-producer consumer.
# usage: run.sh OUTDIR REPS MODES PRODUCERS label=binary ...
out=$1; reps=$2; modes=$3; prods=$4; shift 4
mkdir -p $out
for r in $(seq $reps); do
  for kv in "$@"; do
    l=${kv%%=*}; b=${kv#*=}
    $b --modes $modes --producers $prods --rounds 3 --json $out/$l.$r.json >/dev/null 2>&1
    python3 - "$l" "$r" $out/$l.$r.json <<'PY'
import json,sys
d=json.load(open(sys.argv[3]))
for g in d['groups']:
    ours=[x for x in g['rows'] if 'Yielding' in x['queue']][0]
    ih=[x for x in g['rows'] if 'in-house' in x['queue']][0]
    print("%-10s rep %s %dP  channel %6.1f  in-house %6.1f  ratio %.2f" % (sys.argv[1], sys.argv[2], g['producers'], ours['median_msgs_per_s']/1e6, ih['median_msgs_per_s']/1e6, ours['median_msgs_per_s']/ih['median_msgs_per_s']))
PY
  done
done
