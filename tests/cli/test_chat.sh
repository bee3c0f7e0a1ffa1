# lumen chat with piped stdin: one turn per line, commands, same seed -> same bytes.
source "$(dirname "$0")/lib.sh"
turns=$'Once upon a time\nThe little dog\n/reset\nOnce upon a time'
a="$(printf '%s\n' "$turns" | "$LUMEN" chat --seed 42 -n 40 2>/dev/null)"; expect_status "piped chat" $? 0
b="$(printf '%s\n' "$turns" | "$LUMEN" chat --seed 42 -n 40 2>/dev/null)"
if [ "$a" = "$b" ]; then PASSES=$((PASSES + 1)); else echo "FAIL: same seed gave different output"; FAILS=$((FAILS + 1)); fi
c="$(printf '%s\n' "$turns" | "$LUMEN" chat --seed 43 -n 40 2>/dev/null)"
if [ "$a" != "$c" ]; then PASSES=$((PASSES + 1)); else echo "FAIL: different seeds gave the same output"; FAILS=$((FAILS + 1)); fi
expect_contains "turn echoed" "$a" "> The little dog"
st="$(printf 'Once upon a time\n/stats\n' | "$LUMEN" chat -n 8 2>/dev/null)"
expect_contains "stats" "$st" "context"
expect_contains "reset" "$a" "(conversation cleared)"
greedy="$(printf 'Once upon a time\n' | "$LUMEN" chat --temp 0 -n 12 2>/dev/null)"
expect_contains "greedy answer" "$greedy" ", there was a little girl named Lily."
info="$(printf 'hi\n' | "$LUMEN" chat -n 4 2>&1 >/dev/null)"
expect_contains "plain mode stated" "$info" "plain continuation mode"
full="$(printf 'Once upon a time\n' | "$LUMEN" chat -c 16 --temp 0 -n 100 --ignore-eos 2>/dev/null)"
expect_contains "context full said" "$full" "the context is full"
tmpl="$(printf 'Hello\n' | "$LUMEN" chat -m "$ROOT/tests/data/models/synth/tiny-q4_0.gguf" --chat-template llama3 -n 4 2>&1)"
expect_contains "template used" "$tmpl" "chat template: llama3"
lst="$("$LUMEN" chat --list-templates)"
expect_contains "list templates" "$lst" "mistral-v7"
printf '[{"role":"user","content":"Q"}]' > "$TMP/c.json"
out="$("$LUMEN" template --name chatml -f "$TMP/c.json" 2>/dev/null)"
expect_contains "template command" "$out" $'<|im_start|>user\nQ<|im_end|>\n<|im_start|>assistant'
finish
