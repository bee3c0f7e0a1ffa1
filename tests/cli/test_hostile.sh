#!/usr/bin/env bash
# Hostile inputs beyond GGUF: conversation JSON, chat template files, perplexity
# texts, prompt files and LoRA adapters that are malformed, huge, or not UTF-8
# each get a clear error (exit 1) naming the file and the problem.
source "$(dirname "$0")/lib.sh"
M="$ROOT/tests/data/models/synth"
# refused NAME EXPECTED_TEXT CMD...: exit status 1 and the message on stderr.
refused() {
  local name="$1" want="$2"; shift 2
  local err; err="$("$@" 2>&1 >/dev/null)"; expect_status "$name" $? 1
  expect_contains "$name" "$err" "$want"
  case "$err" in *bad_alloc*|*"internal error"*|*"unexpected error"*) echo "FAIL: $name: $err"; FAILS=$((FAILS + 1));; esac
}
printf '[{"role": "user", "content": "hi"}]' > "$TMP/ok.json"
printf '[{"role": "user", "content": "caf\xe9"}]' > "$TMP/latin1.json"
printf '[{"role": "user", "content": ' > "$TMP/cut.json"
printf '{"role": "user"}' > "$TMP/object.json"
truncate -s 100M "$TMP/huge.json"   # sparse: no disk used
python3 -c 'print("[" * 200000 + "]" * 200000)' > "$TMP/deep.json"
printf '{%% for m in messages %%}\xff{{ m.content }}{%% endfor %%}' > "$TMP/latin1.jinja"
head -c 2000000 /dev/zero | tr '\0' 'x' > "$TMP/big.jinja"
printf 'Once upon a time \xc3\x28 there was' > "$TMP/bad.txt"
truncate -s 1G "$TMP/huge.txt"

T=(template --name chatml -f)
refused "conversation: not UTF-8" "latin1.json: the conversation is not UTF-8 text (byte 0xE9 at offset 33)" "$LUMEN" "${T[@]}" "$TMP/latin1.json"
refused "conversation: cut short" "cut.json: not valid JSON" "$LUMEN" "${T[@]}" "$TMP/cut.json"
refused "conversation: wrong shape" "object.json: expected a list of" "$LUMEN" "${T[@]}" "$TMP/object.json"
refused "conversation: huge" "huge.json: the conversation is 100.0 MiB, more than the 64.0 MiB" "$LUMEN" "${T[@]}" "$TMP/huge.json"
refused "conversation: a directory" ": cannot read the conversation: it is a directory" "$LUMEN" "${T[@]}" "$TMP"
refused "conversation: missing" "none.json: cannot read the conversation: no such file" "$LUMEN" "${T[@]}" "$TMP/none.json"
refused "conversation: 200000 levels deep" "deep.json: " "$LUMEN" "${T[@]}" "$TMP/deep.json"
refused "template file: not UTF-8" "latin1.jinja: the chat template is not UTF-8 text (byte 0xFF" \
  "$LUMEN" template --template-file "$TMP/latin1.jinja" -f "$TMP/ok.json"
refused "template file: huge" "big.jinja: the chat template is 1.9 MiB, more than the 1.0 MiB" \
  "$LUMEN" template --template-file "$TMP/big.jinja" -f "$TMP/ok.json"
printf 'not a template at all' > "$TMP/odd.jinja"
err="$("$LUMEN" template --template-file "$TMP/odd.jinja" -f "$TMP/ok.json" 2>&1)"; expect_status "template file: unknown" $? 0
expect_contains "template file: unknown falls back with a warning" "$err" "warning: template not recognized; using chatml"
refused "perplexity text: not UTF-8" "bad.txt: the perplexity text is not UTF-8 text (byte 0xC3 at offset 17)" \
  "$LUMEN" perplexity -f "$TMP/bad.txt" -c 64
refused "perplexity text: huge" "huge.txt: the perplexity text is 1024.0 MiB, more than the 512.0 MiB" \
  "$LUMEN" perplexity -f "$TMP/huge.txt" -c 64
refused "prompt file: not UTF-8" "bad.txt: the prompt file is not UTF-8 text" "$LUMEN" run -f "$TMP/bad.txt" -n 1
refused "prompt file: huge" "huge.txt: the prompt file is 1024.0 MiB" "$LUMEN" run -f "$TMP/huge.txt" -n 1
printf 'GGUF' > "$TMP/short.gguf"
refused "adapter: 4 bytes" "short.gguf" "$LUMEN" run -m "$M/tiny-f32.gguf" --lora "$TMP/short.gguf" -p hi -n 1
head -c 5000 /dev/urandom > "$TMP/random.gguf"
refused "adapter: random bytes" "random.gguf: not a GGUF file" "$LUMEN" run -m "$M/tiny-f32.gguf" --lora "$TMP/random.gguf" -p hi -n 1
refused "adapter: a model" "not a LoRA adapter" "$LUMEN" run -m "$M/tiny-f32.gguf" --lora "$M/tiny-f32.gguf" -p hi -n 1
finish
