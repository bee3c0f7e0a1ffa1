# lumen quantize reproduces the reference's i-quant and TQ1_0 files byte for byte
# (whole files: metadata, including the imatrix record, and every tensor), with
# and without an importance matrix.
source "$(dirname "$0")/lib.sh"
synth="$ROOT/tests/data/models/synth"
iq="$synth/iq"
# The reference stores the imatrix path as given: run beside it and name it bare.
cd "$iq" || exit 1
check() {  # check TYPE REFERENCE [lumen options...]
  local type="$1" want="$2"; shift 2
  local out="$TMP/$(basename "$want")"
  if ! "$LUMEN" quantize "$synth/tiny-f32.gguf" "$out" "$type" "$@" 2>"$TMP/log"; then
    echo "FAIL: lumen quantize $type $*"; cat "$TMP/log"; FAILS=$((FAILS + 1)); return
  fi
  if cmp -s "$out" "$want"; then PASSES=$((PASSES + 1));
  else echo "FAIL: $type $* differs from $(basename "$want"): $(cmp "$out" "$want" | head -1)"; FAILS=$((FAILS + 1)); fi
  rm -f "$out"
}
check TQ1_0 "$iq/tiny-tq1_0.gguf" --imatrix tiny.imatrix
check IQ4_XS "$iq/tiny-iq4_xs.gguf" --imatrix tiny.imatrix
check IQ4_XS "$iq/tiny-iq4_xs-noimat.gguf"
check IQ3_S "$iq/tiny-iq3_s.gguf" --imatrix tiny.imatrix
check IQ3_XXS "$iq/tiny-iq3_xxs.gguf" --imatrix tiny.imatrix
check IQ2_XXS "$iq/tiny-iq2_xxs.gguf" --imatrix tiny.imatrix
check IQ2_XS "$iq/tiny-iq2_xs.gguf" --imatrix tiny.imatrix
check IQ1_S "$iq/tiny-iq1_s.gguf" --imatrix tiny.imatrix
check IQ1_M "$iq/tiny-iq1_m.gguf" --imatrix tiny.imatrix
# Importance weights in the K-quant searches.
check Q3_K_M "$synth/imat/tiny-q3_k_m-imat.gguf" --imatrix tiny.imatrix
check Q5_K_M "$synth/imat/tiny-q5_k_m-imat.gguf" --imatrix tiny.imatrix

# The types that need an importance matrix are refused without one, as the reference does.
for t in IQ2_XXS IQ2_XS IQ2_S IQ1_S IQ1_M Q2_K_S; do
  err="$("$LUMEN" quantize "$synth/tiny-f32.gguf" "$TMP/o.gguf" $t 2>&1)"; expect_status "$t without imatrix refused" $? 1
  expect_contains "$t refusal message" "$err" "needs an importance matrix"
done
# IQ3_XXS itself works without, but its mix puts IQ2_S on attn_q/attn_k: refused per tensor.
err="$("$LUMEN" quantize "$synth/tiny-f32.gguf" "$TMP/o.gguf" IQ3_XXS 2>&1)"; expect_status "IQ3_XXS mix without imatrix" $? 1
expect_contains "per-tensor refusal" "$err" "tensor 'blk.0.attn_k.weight': IQ2_S needs an importance matrix"

# Errors: a damaged imatrix, an imatrix that does not fit the model.
head -c 100 tiny.imatrix > "$TMP/cut.imatrix"
err="$("$LUMEN" quantize "$synth/tiny-f32.gguf" "$TMP/o.gguf" IQ4_XS --imatrix "$TMP/cut.imatrix" 2>&1)"
expect_status "damaged imatrix refused" $? 1
expect_contains "damaged imatrix message" "$err" "not a valid imatrix file"
err="$("$LUMEN" quantize "$ROOT/models/stories260K.gguf" "$TMP/o.gguf" IQ4_XS --imatrix tiny.imatrix 2>&1)"
expect_status "foreign imatrix refused" $? 1
expect_contains "foreign imatrix message" "$err" "the tensor needs"
[ ! -e "$TMP/o.gguf" ] && PASSES=$((PASSES + 1)) || { echo "FAIL: output written on error"; FAILS=$((FAILS + 1)); }
# lumen imatrix makes a file in the same format that quantize accepts.
out="$("$LUMEN" imatrix -m "$synth/tiny-f32.gguf" -f "$ROOT/tests/data/golden/ppl/stories.txt" -o "$TMP/t.imatrix" -c 128 --chunks 4 -t 1 2>&1)"
expect_status "lumen imatrix" $? 0
expect_contains "imatrix summary" "$out" "14 entries, 4 chunks"
"$LUMEN" quantize "$synth/tiny-f32.gguf" "$TMP/q.gguf" IQ2_XXS --imatrix "$TMP/t.imatrix" 2>/dev/null
expect_status "quantize with our imatrix" $? 0
expect_contains "imatrix recorded" "$("$LUMEN" inspect "$TMP/q.gguf")" "quantize.imatrix.chunks_count                4"
echo "Once upon a time there was a short text." > "$TMP/short.txt"
err="$("$LUMEN" imatrix -m "$synth/tiny-f32.gguf" -f "$TMP/short.txt" -o "$TMP/u.imatrix" -c 128 2>&1)"
expect_status "imatrix on a short text" $? 1
expect_contains "short text message" "$err" "needs at least 256"
finish
