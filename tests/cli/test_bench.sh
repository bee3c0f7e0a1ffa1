# lumen bench: JSON has llama-bench's keys and ours, md is a table, repetitions give a stddev.
source "$(dirname "$0")/lib.sh"
model="$ROOT/models/stories260K.gguf"
json="$("$LUMEN" bench -m "$model" -p 32 -n 8 -pg 16,4 -r 3 -t 1 -o json 2>"$TMP/err")"; expect_status "bench json" $? 0
check="$(printf '%s' "$json" | python3 -c '
import json, sys
rows = json.load(sys.stdin)
keys = ["model_filename","model_type","model_size","model_n_params","n_prompt","n_gen","n_threads","type_k","type_v",
        "avg_ts","stddev_ts","samples_ts","avg_ns","samples_ns","isa","peak_rss","weight_bytes_per_token",
        "read_bandwidth_gbs","roofline_pct"]
missing = [k for r in rows for k in keys if k not in r]
tests = [(r["n_prompt"], r["n_gen"]) for r in rows]
ok = all(len(r["samples_ts"]) == 3 and r["avg_ts"] > 0 and r["stddev_ts"] >= 0 for r in rows)
tg = [r for r in rows if r["n_prompt"] == 0][0]
print("rows", len(rows), "missing", missing, "tests", tests, "ok", ok, "roof", tg["roofline_pct"] > 0)
')"
expect_contains "json rows" "$check" "rows 3 missing [] tests [(32, 0), (0, 8), (16, 4)] ok True roof True"
expect_contains "progress on stderr" "$(cat "$TMP/err")" "warm-up"

md="$("$LUMEN" bench -m "$model" -p 16 -n 4 -r 2 -t 1 2>/dev/null)"; expect_status "bench md" $? 0
expect_contains "md header" "$md" "| model "
expect_contains "md pp row" "$md" "pp16"
expect_contains "md tg row" "$md" "tg4"
jsonl="$("$LUMEN" bench -m "$model" -p 16 -n 0 -r 2 -t 1 -o jsonl 2>/dev/null)"
expect_contains "jsonl line" "$jsonl" '"n_prompt":16'
csv="$("$LUMEN" bench -m "$model" -p 16 -n 0 -r 2 -t 1 -o csv 2>/dev/null)"
expect_contains "csv header" "$csv" "model_filename,model_type"
err="$("$LUMEN" bench -m "$model" -o xml 2>&1)"; expect_status "bad format" $? 1
expect_contains "bad format message" "$err" "use md, csv, json or jsonl"
# -d: each test at each depth (tokens already in the KV cache); names and keys as llama-bench's.
json="$("$LUMEN" bench -m "$model" -p 8 -n 2 -d 0,16 -r 1 -t 1 -o json 2>/dev/null)"; expect_status "depth json" $? 0
check="$(printf '%s' "$json" | python3 -c '
import json, sys
rows = json.load(sys.stdin)
print("tests", [(r["n_prompt"], r["n_gen"], r["n_depth"]) for r in rows], "ok", all(r["avg_ts"] > 0 for r in rows))
')"
expect_contains "depth rows" "$check" "tests [(8, 0, 0), (8, 0, 16), (0, 2, 0), (0, 2, 16)] ok True"
md="$("$LUMEN" bench -m "$model" -p 8 -n 2 -d 16 -r 1 -t 1 -ctk f32 2>/dev/null)"; expect_status "depth md" $? 0
expect_contains "md depth pp" "$md" "pp8 @ d16"
expect_contains "md depth tg" "$md" "tg2 @ d16"
expect_contains "md cache type columns" "$md" "| type_k | type_v |"
expect_contains "md cache types" "$md" "|    f32 |    f16 |"
md="$("$LUMEN" bench -m "$model" -p 8 -n 0 -r 1 -t 1 2>/dev/null)"
expect_not_contains "md default cache types: no columns" "$md" "type_k"
csv="$("$LUMEN" bench -m "$model" -p 8 -n 0 -d 16 -r 1 -t 1 -o csv 2>/dev/null)"
expect_contains "csv depth column" "$csv" "n_gen,n_depth,"
expect_contains "csv depth value" "$csv" ",8,0,16,"
err="$("$LUMEN" bench -m "$model" -d -1 2>&1)"; expect_status "negative depth" $? 1
expect_contains "negative depth message" "$err" "-d takes depths of 0 or more tokens"
finish
