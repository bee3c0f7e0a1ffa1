# lumen tokenize: ids and pieces for model and vocabulary files, special tokens on request.
source "$(dirname "$0")/lib.sh"
v="$ROOT/tests/data/vocab"
out="$("$LUMEN" tokenize -m "$v/ggml-vocab-llama-spm.gguf" -p "Hello world" --ids)"; expect_status "spm ids" $? 0
expect_contains "spm ids with BOS" "$out" "[1, 15043, 3186]"
out="$("$LUMEN" tokenize -m "$v/ggml-vocab-gpt-2.gguf" -p "Hello world" --ids --no-bos)"
expect_contains "gpt-2 ids" "$out" "[15496, 995]"
out="$("$LUMEN" tokenize -m "$ROOT/models/stories260K.gguf" -p "Once upon a time")"
expect_contains "pieces" "$out" "403 -> ' Once'"
out="$("$LUMEN" tokenize -m "$v/ggml-vocab-llama-spm.gguf" -p "<s>x" --ids --no-bos --special)"
expect_contains "special parsed" "$out" "[1, "
out="$("$LUMEN" tokenize -m "$v/ggml-vocab-llama-spm.gguf" -p "<s>x" --ids --no-bos)"
expect_contains "special not parsed by default" "$out" "[529, "
printf 'caf\xc3\xa9 \xff' > "$TMP/in.txt"
out="$("$LUMEN" tokenize -m "$v/ggml-vocab-gpt-2.gguf" -f "$TMP/in.txt" --show-count)"; expect_status "invalid utf-8 file" $? 0
expect_contains "count" "$out" "Total number of tokens:"
finish
