#!/usr/bin/env bash
# Regenerates the model-family test models (tests/data/models/synth/<family>-*.gguf)
# and their reference goldens (tests/data/golden/logits/<family>-*.json).
#   tests/tools/make_family_goldens.sh BUILD_DIR REF_LOGITS [FAMILY...]
# BUILD_DIR: a lumen build with the make_family_model and lumen targets;
# REF_LOGITS: the reference's logits dumper (shared/ref/ref-logits).
set -euo pipefail
build=$1; ref=$2; shift 2
families=("${@:-gemma2 gemma phi3 granite}")
root="$(cd "$(dirname "$0")/../.." && pwd)"
models="$root/tests/data/models/synth"; golden="$root/tests/data/golden/logits"
templates="$root/tests/data/golden/chat/templates"
vocab="$root/models/stories260K.gguf"   # SentencePiece vocabulary, 512 tokens
prompts=("Once upon a time" "The little dog ran to the park and saw a big red ball. He")
declare -A template=(
  [gemma2]="$templates/google-gemma-2-2b-it.jinja" [gemma]="$templates/google-gemma-2-2b-it.jinja"
  [phi3]="$templates/microsoft-Phi-3.5-mini-instruct.jinja" [granite]="$templates/ibm-granite-granite-3.3-2b-instruct.jinja")
for fam in ${families[*]}; do
  "$build/tests/make_family_model" "$fam" "$vocab" "$models/$fam-f32.gguf" "${template[$fam]}"
  for type in q8_0 q4_0; do
    "$build/tools/lumen" quantize "$models/$fam-f32.gguf" "$models/$fam-$type.gguf" "${type^^}" > /dev/null
  done
  for type in f32 q8_0 q4_0; do
    for i in 0 1; do
      "$ref" -m "$models/$fam-$type.gguf" -p "${prompts[$i]}" -n 32 --name "synth/$fam-$type.gguf" \
        > "$golden/$fam-$type-p$i.json"
    done
  done
done
# K-quant variants (rows of 256): <family>-wide in Q4_K_M (phi3 and granite also
# Q6_K; gemma2's Q6_K file would exceed 2 MB). The F32 source is not kept.
declare -A wide_types=([gemma2]="q4_k_m" [gemma]="q4_k_m" [phi3]="q4_k_m q6_k" [granite]="q4_k_m q6_k")
for fam in ${families[*]}; do
  src=$(mktemp --suffix=.gguf)
  "$build/tests/make_family_model" "$fam-wide" "$vocab" "$src"
  for type in ${wide_types[$fam]}; do
    "$build/tools/lumen" quantize "$src" "$models/$fam-wide-$type.gguf" "${type^^}" > /dev/null 2>&1
    for i in 0 1; do
      "$ref" -m "$models/$fam-wide-$type.gguf" -p "${prompts[$i]}" -n 32 --name "synth/$fam-wide-$type.gguf" \
        > "$golden/$fam-wide-$type-p$i.json"
    done
  done
  rm -f "$src"
done
