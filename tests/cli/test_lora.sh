# LoRA from the command line: run with --lora / --lora-scaled gives the reference's
# tokens, lora merge writes a model that continues the same way, chat /lora, bench --lora.
source "$(dirname "$0")/lib.sh"
M="$ROOT/tests/data/models/synth"
golden_ids() { python3 -c "import json,sys; print(' '.join(map(str, json.load(open(sys.argv[1]))['greedy']['tokens'][:16])))" "$1"; }
g1="$(golden_ids "$ROOT/tests/data/golden/logits/tiny-f32-lora-s1.0-p0.json")"
g05="$(golden_ids "$ROOT/tests/data/golden/logits/tiny-f32-lora-s0.5-p0.json")"
out="$("$LUMEN" run -m "$M/tiny-f32.gguf" --lora "$M/tiny-lora-r8.gguf" -p "Once upon a time" -n 16 --temp 0 --ids 2>/dev/null)"
expect_contains "run --lora" "$out" "$g1"
out="$("$LUMEN" run -m "$M/tiny-f32.gguf" --lora-scaled "$M/tiny-lora-r8.gguf" 0.5 -p "Once upon a time" -n 16 --temp 0 --ids 2>/dev/null)"
expect_contains "run --lora-scaled 0.5" "$out" "$g05"
"$LUMEN" lora merge -m "$M/tiny-f32.gguf" --lora "$M/tiny-lora-r8.gguf:1.0" -o "$TMP/merged.gguf" 2>"$TMP/log"
expect_status "lora merge" $? 0
expect_contains "merge progress" "$(cat "$TMP/log")" "wrote"
out="$("$LUMEN" run -m "$TMP/merged.gguf" -p "Once upon a time" -n 16 --temp 0 --ids 2>/dev/null)"
expect_contains "merged model" "$out" "$g1"
"$LUMEN" lora merge -m "$M/tiny-q4_k_m.gguf" --lora "$M/tiny-lora-r8.gguf" -o "$TMP/mq.gguf" 2>/dev/null
expect_status "merge onto a quantized base" $? 0
expect_contains "stays quantized" "$("$LUMEN" inspect "$TMP/mq.gguf")" "Q4_K"
err="$("$LUMEN" run -m "$ROOT/models/stories260K.gguf" --lora "$M/tiny-lora-r8.gguf" -p hi 2>&1)"
expect_status "adapter for another model" $? 1
expect_contains "shape message" "$err" "shapes do not fit"
chat="$(printf '/lora\n/lora add %s 0.5\n/lora\n/lora scale 1 1.0\n/lora rm 1\n/lora rm 3\n' "$M/tiny-lora-r8.gguf" | "$LUMEN" chat -m "$M/tiny-f32.gguf" -n 4 2>/dev/null)"
expect_contains "no adapters" "$chat" "no adapters attached"
expect_contains "attached" "$chat" "(1 adapter attached; conversation cleared)"
expect_contains "listed" "$chat" "tiny-lora-r8.gguf (scale 0.50)"
expect_contains "bad number" "$chat" "(no adapter number 3)"
b="$("$LUMEN" bench -m "$M/tiny-f32.gguf" --lora "$M/tiny-lora-r8.gguf" -p 8 -n 4 -r 1 -t 1 -o jsonl 2>/dev/null)"
expect_contains "bench --lora" "$b" '"n_gen":4'
finish
