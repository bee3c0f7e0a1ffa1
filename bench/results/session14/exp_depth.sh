#!/usr/bin/env bash
# Session 14 context-fill tables on the Zen 4 guest.
set -u
cd /work/main
out=bench/results/session14/depth
mkdir -p $out
M=/work/bench-models/llama1b-q4_0.gguf
L=build/tools/lumen
date -u > $out/started.txt
$L bench --machine -t 1,2 > $out/machine.txt 2>&1
for t in 1 2; do
  $L bench -m $M -p 512 -n 32 -r 1 -t $t -d 0,512,2048,4096 > $out/depth_f16_t$t.md 2>$out/depth_f16_t$t.log
  $L bench -m $M -p 512 -n 32 -r 1 -t $t -d 0,512,2048,4096 --cache-type-k q8_0 --cache-type-v q8_0 > $out/depth_q8_0_t$t.md 2>$out/depth_q8_0_t$t.log
done
for t in 1 2; do
  $L bench -m $M -p 128,512,2048 -n 0 -r 1 -t $t > $out/prompt_lengths_lumen_t$t.md 2>/dev/null
  ../shared/ref/llama-bench -m $M -p 128,512,2048 -n 0 -r 1 -t $t > $out/prompt_lengths_ref_t$t.md 2>/dev/null
done
LUMEN=$L bash bench/depth_share.sh $M 2 0,512,2048,4096 > $out/share_f16_t2.md 2>&1
LUMEN=$L bash bench/depth_share.sh $M 2 0,512,2048,4096 --cache-type-k q8_0 --cache-type-v q8_0 > $out/share_q8_0_t2.md 2>&1
date -u > $out/finished.txt
