# lumen inspect / template / run on the model-family test models (tests/data/models/synth/<family>-*.gguf).
source "$(dirname "$0")/lib.sh"
synth="$ROOT/tests/data/models/synth"

out="$("$LUMEN" inspect "$synth/gemma2-q4_0.gguf")"; expect_status "inspect gemma2 exit" $? 0
expect_contains "gemma2 arch" "$out" "architecture:  gemma2"
expect_contains "gemma2 head size" "$out" "head_size        32"
expect_contains "gemma2 ffn" "$out" "ffn              GeGLU (tanh GELU)"
expect_contains "gemma2 q scale" "$out" "attention_scale  0.176777 (on q)"
expect_contains "gemma2 softcaps" "$out" "attn_softcap     3"
expect_contains "gemma2 final softcap" "$out" "final_softcap    6"
expect_contains "gemma2 window" "$out" "sliding_window   4 (even layers)"
expect_contains "gemma2 post norms" "$out" "post_norms       after attention and FFN"
expect_contains "gemma2 embedding scale" "$out" "embedding_scale  5.65685"
expect_contains "gemma2 tied" "$out" "output           tied to token_embd"

out="$("$LUMEN" inspect "$synth/phi3-f32.gguf")"; expect_status "inspect phi3 exit" $? 0
expect_contains "phi3 fused qkv" "$out" "qkv              fused attn_qkv"
expect_contains "phi3 fused up" "$out" "ffn              SwiGLU, fused gate+up"
expect_contains "phi3 window" "$out" "sliding_window   6 (all layers)"
expect_contains "phi3 rope factors" "$out" "rope_factors     long above 256 positions, else short"
expect_contains "phi3 attn factor" "$out" "rope_attn_factor 1.1"

json="$("$LUMEN" inspect --json "$synth/granite-q8_0.gguf")"; expect_status "inspect granite --json exit" $? 0
check="$(printf '%s' "$json" | python3 -c 'import json,sys; f=json.load(sys.stdin)["family"]; print(f["embedding_scale"], f["attention_scale"], f["residual_scale"], f["logit_scale"])')"
expect_contains "granite multipliers" "$check" "0.5 0.2 (on scores) 0.5 1/2"

printf '[{"role":"user","content":"Why is the sky blue?"}]' > "$TMP/conv.json"
out="$("$LUMEN" template -m "$synth/gemma2-f32.gguf" -f "$TMP/conv.json")"; expect_status "gemma2 template exit" $? 0
expect_contains "gemma2 template" "$out" "<start_of_turn>user"
out="$("$LUMEN" template -m "$synth/phi3-f32.gguf" -f "$TMP/conv.json")"; expect_status "phi3 template exit" $? 0
expect_contains "phi3 template" "$out" "<|user|>"
out="$("$LUMEN" template -m "$synth/granite-f32.gguf" -f "$TMP/conv.json")"; expect_status "granite template exit" $? 0
expect_contains "granite template" "$out" "<|start_of_role|>user<|end_of_role|>Why is the sky blue?<|end_of_text|>"

for fam in gemma2 phi3 granite; do
  out="$(printf 'Hello\n' | "$LUMEN" chat -m "$synth/$fam-q8_0.gguf" -n 2 2>&1)"; expect_status "$fam chat exit" $? 0
  want=$fam; [ $fam = gemma2 ] && want=gemma
  expect_contains "$fam chat template" "$out" "chat template: $want."
done

# The first greedy token of each family's golden (prompt "Once upon a time").
for fam in gemma2 gemma phi3 granite; do
  want="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["greedy"]["tokens"][0])' "$ROOT/tests/data/golden/logits/$fam-q8_0-p0.json")"
  out="$("$LUMEN" run -m "$synth/$fam-q8_0.gguf" -p "Once upon a time" -n 1 --temp 0 --ids 2>/dev/null)"; expect_status "$fam run exit" $? 0
  expect_contains "$fam first token" "$out" "$want"
done
finish
