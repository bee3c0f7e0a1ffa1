# lumen quantize reproduces every quantized model the reference tool made from
# the same F32 model: same per-tensor types, same bytes. $3 = gguf_tensors_equal helper.
source "$(dirname "$0")/lib.sh"
EQUAL="$3"
synth="$ROOT/tests/data/models/synth"
check() {  # check SOURCE TYPE REFERENCE
  local out="$TMP/$(basename "$3")"
  if ! "$LUMEN" quantize "$1" "$out" "$2" 2>"$TMP/log"; then
    echo "FAIL: lumen quantize $(basename "$1") $2"; cat "$TMP/log"; FAILS=$((FAILS + 1)); return
  fi
  if diff_out="$("$EQUAL" "$out" "$3")"; then PASSES=$((PASSES + 1));
  else echo "FAIL: $2 from $(basename "$1") differs from $(basename "$3"): $diff_out"; FAILS=$((FAILS + 1)); fi
  rm -f "$out"
}
for t in f16 q8_0 q4_0 q4_1 q5_0 q2_k q3_k_m q4_k_m q5_k_m q6_k tq2_0; do check "$synth/tiny-f32.gguf" "$t" "$synth/tiny-$t.gguf"; done
for t in q8_0 q4_0 q4_k_m; do check "$synth/tiny-qwen2-f32.gguf" "$t" "$synth/tiny-qwen2-$t.gguf"; done
for t in q2_k q3_k_m q4_k_m q5_k_m q6_k tq2_0; do
  check "$ROOT/models/stories260K.gguf" "$t" "$ROOT/tests/data/models/stories260K-quant/stories260K-$t.gguf"
done

# Progress on stderr, metadata, errors, atomic output.
"$LUMEN" quantize "$synth/tiny-f32.gguf" "$TMP/a.gguf" Q4_0 2>"$TMP/log"; expect_status "quantize Q4_0" $? 0
expect_contains "progress" "$(cat "$TMP/log")" "[ 21/ 21]"
expect_contains "file type" "$("$LUMEN" inspect "$TMP/a.gguf")" "general.file_type                            2"
err="$("$LUMEN" quantize "$TMP/a.gguf" "$TMP/b.gguf" Q8_0 2>&1)"; expect_status "requantize refused" $? 1
expect_contains "requantize message" "$err" "is already Q"
err="$("$LUMEN" quantize "$synth/tiny-f32.gguf" "$TMP/b.gguf" Q7_X 2>&1)"; expect_status "unknown type" $? 1
expect_contains "unknown type message" "$err" "unknown quantization type 'Q7_X'"
[ ! -e "$TMP/b.gguf" ] && PASSES=$((PASSES + 1)) || { echo "FAIL: output written on error"; FAILS=$((FAILS + 1)); }
"$LUMEN" quantize "$ROOT/models/stories260K.gguf" "$TMP/s.gguf" Q8_0 2>/dev/null; expect_status "Q8_0 on 172-wide rows falls back" $? 0
expect_contains "ffn_down fallback" "$("$LUMEN" quantize "$ROOT/models/stories260K.gguf" "$TMP/x.gguf" Q8_0 --dry-run)" "row length 172 does not fit Q8_0: F16"
finish
