#!/bin/bash
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
    ih=[x for x in g['rows'] if 'in-house' in x['queue']][0]
    y=[x for x in g['rows'] if 'Yielding' in x['queue']][0]
    p=[x for x in g['rows'] if 'Phased' in x['queue'] and 'recv' not in x['queue']][0]
    print("%-10s rep %s %dP in-house %6.1f | Yielding %6.1f %.2fx | Phased %6.1f %.2fx" % (sys.argv[1], sys.argv[2], g['producers'], ih['median_msgs_per_s']/1e6, y['median_msgs_per_s']/1e6, y['median_msgs_per_s']/ih['median_msgs_per_s'], p['median_msgs_per_s']/1e6, p['median_msgs_per_s']/ih['median_msgs_per_s']))
PY
  done
done
