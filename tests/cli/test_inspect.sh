# lumen inspect: human and JSON output on the bundled model, clear errors on bad input.
source "$(dirname "$0")/lib.sh"
model="$ROOT/models/stories260K.gguf"

out="$("$LUMEN" inspect "$model")"; expect_status "inspect exit" $? 0
expect_contains "arch" "$out" "architecture:  llama"
expect_contains "layers" "$out" "layers:        5"
expect_contains "heads" "$out" "heads:         8 (KV heads: 4)"
expect_contains "dim" "$out" "dim:           64"
expect_contains "vocab" "$out" "vocab:         512"
expect_contains "tensor row" "$out" "token_embd.weight"
expect_contains "long arrays summarized" "$out" "[string x 512]"

json="$("$LUMEN" inspect --json "$model")"; expect_status "inspect --json exit" $? 0
check="$(printf '%s' "$json" | python3 -c 'import json,sys; j=json.load(sys.stdin); h=j["hparams"]; print(h["n_layer"], h["n_head"], h["n_head_kv"], h["n_embd"], h["n_vocab"], len(j["tensors"]))')"
expect_contains "json hparams" "$check" "5 8 4 64 512 48"

printf 'GGUF\x09\x00\x00\x00' > "$TMP/bad.gguf"
err="$("$LUMEN" inspect "$TMP/bad.gguf" 2>&1)"; expect_status "bad file exit" $? 1
expect_contains "bad version message" "$err" "bad.gguf: unsupported GGUF version 9"
err="$("$LUMEN" inspect "$TMP/missing.gguf" 2>&1)"; expect_status "missing file exit" $? 1
expect_contains "missing file message" "$err" "cannot open"
finish
