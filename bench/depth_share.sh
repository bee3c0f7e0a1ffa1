#!/usr/bin/env bash
# Generation speed as the KV cache fills, and the share of a token's time that
# the depth costs (attention over the cache: scores, softmax, weighted V sums).
#
# usage: bench/depth_share.sh MODEL.gguf [THREADS] [DEPTHS] [extra lumen bench args, e.g. -ctk q8_0 -ctv q8_0]
# env:   LUMEN (default build/tools/lumen)
#
# Everything but attention does the same work at every depth, so with t(d)
# the time per generated token at depth d, attention's share at depth d is
# (t(d) - t(0)) / t(d) = 1 - tps(d) / tps(0) (plus attention's tiny cost at
# depth 0, which this leaves out). -n 32 -r 3 keeps it short; the cache fill
# itself is not timed.
set -euo pipefail
model=$1
threads=${2:-1}
depths=${3:-0,512,2048,4096}
shift $(( $# < 3 ? $# : 3 ))
lumen=${LUMEN:-build/tools/lumen}
[[ $depths == 0,* ]] || depths="0,$depths"
"$lumen" bench -m "$model" -t "$threads" -p 0 -n 32 -r 3 -d "$depths" -o json "$@" 2>/dev/null | python3 -c '
import json, sys
rows = json.load(sys.stdin)
base = {}
for r in rows:
    if r["n_depth"] == 0: base[(r["type_k"], r["type_v"])] = r["avg_ts"]
print("| model | threads | cache K/V | depth | tg t/s | attention share |")
print("|---|---:|---|---:|---:|---:|")
for r in rows:
    b = base[(r["type_k"], r["type_v"])]
    share = 1 - r["avg_ts"] / b
    cells = (r["model_type"], r["n_threads"], r["type_k"] + "/" + r["type_v"], r["n_depth"], r["avg_ts"], 100 * share)
    print("| %s | %d | %s | %d | %.2f | %.0f %% |" % cells)
'
