// The accuracy bounds of the forward-pass goldens, in one place.
//
// kMeasured: one line per golden file, one entry per ISA, set from a measurement on a
// development machine (docs/accuracy.md has the table and the machine): the
// largest absolute logit error at the prompt and over the greedy steps before
// the first departure, each the measured value x 1.5 (at least 1e-5, for
// libm/compiler rounding), and the first greedy step where lumen's token departs
// from the reference's (-1: it never does; a later departure is fine, an
// earlier one fails). Kernels are deterministic, so a row only changes when the
// arithmetic does: re-measure with LUMEN_ACCURACY_TABLE=FILE and update the
// table here and in docs/accuracy.md together.
//
// ARM rows (neon, dotprod, i8mm): measured under qemu-aarch64 -cpu max on the
// x86 CI host; the three variants give identical bits, equal to the scalar
// kernels for every quantized type (docs/arm.md), and to the x86 AVX-512 order
// for F32/F16 matrices.
//
// An ISA with no rows (a new CPU family) gets the fallback rule: greedy tokens
// agree up to the first golden step whose reference top-2 margin is below 0.02
// (float weights) or 0.25 (quantized weights: one int8 rounding flip moves later
// logits by ~0.1-0.2), and every logit compared up to there is within the
// class's bound.
#pragma once

#include <cstring>
#include <span>
#include <string>

namespace lumen::test {

struct MeasuredBound {
    const char* isa;  // nullptr: unused slot
    float prompt;     // max |logit error| over the prompt
    float steps;      // max |logit error| over the greedy steps before the departure
    int departure;    // measured first departing greedy step, -1: none
};

struct FileBounds {
    const char* file;
    MeasuredBound by_isa[6];  // room for every ISA lumen has kernels for
};

// clang-format off
constexpr FileBounds kMeasured[] = {
    {"stories260K-f32.json", {{"scalar", 1.0e-5f, 1.3e-2f, -1}, {"avx2", 1.0e-5f, 2.2e-3f, -1}, {"avx512", 1.0e-5f, 2.2e-3f, -1}, {"neon", 1.0e-5f, 2.2e-3f, -1}, {"dotprod", 1.0e-5f, 2.2e-3f, -1}, {"i8mm", 1.0e-5f, 2.2e-3f, -1}}},
    {"stories260K-q2_k.json", {{"scalar", 1.0e-5f, 9.8e-2f, -1}, {"avx2", 1.0e-5f, 2.4e-1f, -1}, {"avx512", 1.0e-5f, 2.4e-1f, -1}, {"neon", 1.0e-5f, 9.8e-2f, -1}, {"dotprod", 1.0e-5f, 9.8e-2f, -1}, {"i8mm", 1.0e-5f, 9.8e-2f, -1}}},
    {"stories260K-q3_k_m.json", {{"scalar", 1.0e-5f, 1.9e-1f, -1}, {"avx2", 1.0e-5f, 1.8e-1f, -1}, {"avx512", 1.0e-5f, 1.8e-1f, -1}, {"neon", 1.0e-5f, 1.9e-1f, -1}, {"dotprod", 1.0e-5f, 1.9e-1f, -1}, {"i8mm", 1.0e-5f, 1.9e-1f, -1}}},
    {"stories260K-q4_k_m.json", {{"scalar", 1.0e-5f, 2.1e-1f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 2.1e-1f, -1}, {"dotprod", 1.0e-5f, 2.1e-1f, -1}, {"i8mm", 1.0e-5f, 2.1e-1f, -1}}},
    {"stories260K-q5_k_m.json", {{"scalar", 1.0e-5f, 3.1e-1f, -1}, {"avx2", 1.0e-5f, 1.9e-2f, -1}, {"avx512", 1.0e-5f, 1.9e-2f, -1}, {"neon", 1.0e-5f, 3.1e-1f, -1}, {"dotprod", 1.0e-5f, 3.1e-1f, -1}, {"i8mm", 1.0e-5f, 3.1e-1f, -1}}},
    {"stories260K-q6_k.json", {{"scalar", 1.0e-5f, 2.0e-1f, -1}, {"avx2", 1.0e-5f, 2.0e-1f, -1}, {"avx512", 1.0e-5f, 2.0e-1f, -1}, {"neon", 1.0e-5f, 2.0e-1f, -1}, {"dotprod", 1.0e-5f, 2.0e-1f, -1}, {"i8mm", 1.0e-5f, 2.0e-1f, -1}}},
    {"stories260K-tq2_0.json", {{"scalar", 1.0e-5f, 1.0e-5f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.0e-5f, -1}, {"dotprod", 1.0e-5f, 1.0e-5f, -1}, {"i8mm", 1.0e-5f, 1.0e-5f, -1}}},
    {"tiny-f32-p0.json", {{"scalar", 1.0e-5f, 9.4e-4f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.0e-5f, -1}, {"dotprod", 1.0e-5f, 1.0e-5f, -1}, {"i8mm", 1.0e-5f, 1.0e-5f, -1}}},
    {"tiny-f16-p0.json", {{"scalar", 1.0e-5f, 6.3e-3f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.0e-5f, -1}, {"dotprod", 1.0e-5f, 1.0e-5f, -1}, {"i8mm", 1.0e-5f, 1.0e-5f, -1}}},
    {"tiny-q8_0-p0.json", {{"scalar", 1.2e-1f, 9.6e-2f, -1}, {"avx2", 1.2e-1f, 9.6e-2f, -1}, {"avx512", 1.2e-1f, 9.6e-2f, -1}, {"neon", 1.2e-1f, 9.6e-2f, -1}, {"dotprod", 1.2e-1f, 9.6e-2f, -1}, {"i8mm", 1.2e-1f, 9.6e-2f, -1}}},
    {"tiny-q4_0-p0.json", {{"scalar", 1.0e-5f, 1.0e-5f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.0e-5f, -1}, {"dotprod", 1.0e-5f, 1.0e-5f, -1}, {"i8mm", 1.0e-5f, 1.0e-5f, -1}}},
    {"tiny-q4_1-p0.json", {{"scalar", 1.1e-1f, 1.4e-1f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.1e-1f, 1.4e-1f, -1}, {"dotprod", 1.1e-1f, 1.4e-1f, -1}, {"i8mm", 1.1e-1f, 1.4e-1f, -1}}},
    {"tiny-q5_0-p0.json", {{"scalar", 1.0e-5f, 1.8e-1f, -1}, {"avx2", 1.0e-5f, 1.8e-1f, -1}, {"avx512", 1.0e-5f, 1.8e-1f, -1}, {"neon", 1.0e-5f, 1.8e-1f, -1}, {"dotprod", 1.0e-5f, 1.8e-1f, -1}, {"i8mm", 1.0e-5f, 1.8e-1f, -1}}},
    {"tiny-q2_k-p0.json", {{"scalar", 1.0e-5f, 8.2e-2f, -1}, {"avx2", 1.0e-5f, 6.8e-2f, -1}, {"avx512", 1.0e-5f, 6.8e-2f, -1}, {"neon", 1.0e-5f, 8.2e-2f, -1}, {"dotprod", 1.0e-5f, 8.2e-2f, -1}, {"i8mm", 1.0e-5f, 8.2e-2f, -1}}},
    {"tiny-q3_k_m-p0.json", {{"scalar", 1.0e-5f, 1.0e-5f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.0e-5f, -1}, {"dotprod", 1.0e-5f, 1.0e-5f, -1}, {"i8mm", 1.0e-5f, 1.0e-5f, -1}}},
    {"tiny-q4_k_m-p0.json", {{"scalar", 1.0e-5f, 1.0e-5f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.0e-5f, -1}, {"dotprod", 1.0e-5f, 1.0e-5f, -1}, {"i8mm", 1.0e-5f, 1.0e-5f, -1}}},
    {"tiny-q5_k_m-p0.json", {{"scalar", 1.0e-5f, 1.0e-5f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.0e-5f, -1}, {"dotprod", 1.0e-5f, 1.0e-5f, -1}, {"i8mm", 1.0e-5f, 1.0e-5f, -1}}},
    {"tiny-q6_k-p0.json", {{"scalar", 1.0e-5f, 1.0e-5f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.0e-5f, -1}, {"dotprod", 1.0e-5f, 1.0e-5f, -1}, {"i8mm", 1.0e-5f, 1.0e-5f, -1}}},
    {"tiny-tq2_0-p0.json", {{"scalar", 1.0e-5f, 9.7e-2f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 9.7e-2f, -1}, {"dotprod", 1.0e-5f, 9.7e-2f, -1}, {"i8mm", 1.0e-5f, 9.7e-2f, -1}}},
    {"tiny-qwen2-f32-p0.json", {{"scalar", 1.0e-5f, 4.2e-4f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.0e-5f, -1}, {"dotprod", 1.0e-5f, 1.0e-5f, -1}, {"i8mm", 1.0e-5f, 1.0e-5f, -1}}},
    {"tiny-qwen2-q8_0-p0.json", {{"scalar", 1.9e-1f, 9.7e-2f, -1}, {"avx2", 1.9e-1f, 9.7e-2f, -1}, {"avx512", 1.9e-1f, 9.7e-2f, -1}, {"neon", 1.9e-1f, 9.7e-2f, -1}, {"dotprod", 1.9e-1f, 9.7e-2f, -1}, {"i8mm", 1.9e-1f, 9.7e-2f, -1}}},
    {"tiny-qwen2-q4_0-p0.json", {{"scalar", 1.0e-5f, 1.0e-5f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.0e-5f, -1}, {"dotprod", 1.0e-5f, 1.0e-5f, -1}, {"i8mm", 1.0e-5f, 1.0e-5f, -1}}},
    {"tiny-qwen2-q4_k_m-p0.json", {{"scalar", 1.0e-5f, 1.0e-5f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.0e-5f, -1}, {"dotprod", 1.0e-5f, 1.0e-5f, -1}, {"i8mm", 1.0e-5f, 1.0e-5f, -1}}},
    {"tiny-tied-f32-p0.json", {{"scalar", 1.0e-5f, 8.2e-4f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.0e-5f, -1}, {"dotprod", 1.0e-5f, 1.0e-5f, -1}, {"i8mm", 1.0e-5f, 1.0e-5f, -1}}},
    {"tiny-ropefreqs-f32-p0.json", {{"scalar", 1.0e-5f, 1.2e-3f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.0e-5f, -1}, {"dotprod", 1.0e-5f, 1.0e-5f, -1}, {"i8mm", 1.0e-5f, 1.0e-5f, -1}}},
    {"tiny-lora-merged-f16-p0.json", {{"scalar", 1.0e-5f, 1.4e-3f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.0e-5f, -1}, {"dotprod", 1.0e-5f, 1.0e-5f, -1}, {"i8mm", 1.0e-5f, 1.0e-5f, -1}}},
    // model families (tests/test_family_golden.cpp; -wide: the K-quant variants); no ARM rows yet: the fallback rule
    {"gemma2-f32-p0.json", {{"scalar", 1.0e-5f, 1.8e-3f, -1}, {"avx2", 1.0e-5f, 2.3e-4f, -1}, {"avx512", 1.0e-5f, 2.3e-4f, -1}, {"dotprod", 1.0e-5f, 1.0e-5f, -1}, {"i8mm", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.0e-5f, -1}}},  // x86 steps: 1.5e-4 measured in the Windows build under Wine (MinGW's tanhf in the soft-caps: the gemma files, GELU without soft-caps, are exact there), 0 on Linux
    {"gemma2-f32-p1.json", {{"scalar", 1.0e-3f, 8.4e-4f, -1}, {"avx2", 1.0e-3f, 3.4e-4f, -1}, {"avx512", 1.0e-3f, 3.4e-4f, -1}, {"dotprod", 1.0e-5f, 1.0e-5f, -1}, {"i8mm", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.0e-5f, -1}}},  // x86: 6.6e-4 prompt, 2.2e-4 steps (scalar 5.6e-4) measured in the Windows build under Wine (MinGW's tanhf in the soft-caps), 0 / 0 on Linux (scalar steps 5.2e-4)
    {"gemma2-q8_0-p0.json", {{"scalar", 1.5e-1f, 6.3e-2f, 13}, {"avx2", 1.5e-1f, 6.3e-2f, 13}, {"avx512", 1.5e-1f, 6.3e-2f, 13}, {"dotprod", 1.5e-1f, 6.3e-2f, 13}, {"i8mm", 1.5e-1f, 6.3e-2f, 13}, {"neon", 1.5e-1f, 6.3e-2f, 13}}},
    {"gemma2-q8_0-p1.json", {{"scalar", 1.7e-1f, 8.3e-2f, -1}, {"avx2", 1.7e-1f, 8.3e-2f, -1}, {"avx512", 1.7e-1f, 8.3e-2f, -1}, {"dotprod", 1.7e-1f, 8.3e-2f, -1}, {"i8mm", 1.7e-1f, 8.3e-2f, -1}, {"neon", 1.7e-1f, 8.3e-2f, -1}}},
    {"gemma2-q4_0-p0.json", {{"scalar", 1.0e-5f, 1.0e-5f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"dotprod", 1.0e-5f, 1.0e-5f, -1}, {"i8mm", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.0e-5f, -1}}},
    {"gemma2-q4_0-p1.json", {{"scalar", 1.0e-5f, 1.0e-5f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"dotprod", 1.0e-5f, 1.0e-5f, -1}, {"i8mm", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.0e-5f, -1}}},
    {"gemma-f32-p0.json", {{"scalar", 1.0e-5f, 1.4e-3f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"dotprod", 1.0e-5f, 1.0e-5f, -1}, {"i8mm", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.0e-5f, -1}}},
    {"gemma-f32-p1.json", {{"scalar", 1.0e-5f, 2.6e-3f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"dotprod", 1.0e-5f, 1.0e-5f, -1}, {"i8mm", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.0e-5f, -1}}},
    {"gemma-q8_0-p0.json", {{"scalar", 1.0e-5f, 8.4e-2f, -1}, {"avx2", 1.0e-5f, 8.4e-2f, -1}, {"avx512", 1.0e-5f, 8.4e-2f, -1}, {"dotprod", 1.0e-5f, 8.4e-2f, -1}, {"i8mm", 1.0e-5f, 8.4e-2f, -1}, {"neon", 1.0e-5f, 8.4e-2f, -1}}},
    {"gemma-q8_0-p1.json", {{"scalar", 1.0e-5f, 1.0e-5f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"dotprod", 1.0e-5f, 1.0e-5f, -1}, {"i8mm", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.0e-5f, -1}}},
    {"gemma-q4_0-p0.json", {{"scalar", 1.0e-5f, 1.0e-5f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"dotprod", 1.0e-5f, 1.0e-5f, -1}, {"i8mm", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.0e-5f, -1}}},
    {"gemma-q4_0-p1.json", {{"scalar", 1.0e-5f, 1.0e-5f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"dotprod", 1.0e-5f, 1.0e-5f, -1}, {"i8mm", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.0e-5f, -1}}},
    {"phi3-f32-p0.json", {{"scalar", 1.0e-5f, 1.5e-3f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"dotprod", 1.0e-5f, 1.0e-5f, -1}, {"i8mm", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.0e-5f, -1}}},
    {"phi3-f32-p1.json", {{"scalar", 1.0e-5f, 1.3e-3f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"dotprod", 1.0e-5f, 1.0e-5f, -1}, {"i8mm", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.0e-5f, -1}}},
    {"phi3-q8_0-p0.json", {{"scalar", 1.9e-1f, 1.6e-1f, -1}, {"avx2", 1.9e-1f, 1.6e-1f, -1}, {"avx512", 1.9e-1f, 1.6e-1f, -1}, {"dotprod", 1.9e-1f, 1.6e-1f, -1}, {"i8mm", 1.9e-1f, 1.6e-1f, -1}, {"neon", 1.9e-1f, 1.6e-1f, -1}}},
    {"phi3-q8_0-p1.json", {{"scalar", 1.0e-5f, 1.0e-5f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"dotprod", 1.0e-5f, 1.0e-5f, -1}, {"i8mm", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.0e-5f, -1}}},
    {"phi3-q4_0-p0.json", {{"scalar", 1.0e-5f, 1.0e-5f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"dotprod", 1.0e-5f, 1.0e-5f, -1}, {"i8mm", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.0e-5f, -1}}},
    {"phi3-q4_0-p1.json", {{"scalar", 1.0e-5f, 1.0e-5f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"dotprod", 1.0e-5f, 1.0e-5f, -1}, {"i8mm", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.0e-5f, -1}}},
    {"granite-f32-p0.json", {{"scalar", 1.0e-5f, 1.0e-5f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"dotprod", 1.0e-5f, 1.0e-5f, -1}, {"i8mm", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.0e-5f, -1}}},
    {"granite-f32-p1.json", {{"scalar", 1.0e-5f, 9.6e-4f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"dotprod", 1.0e-5f, 1.0e-5f, -1}, {"i8mm", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.0e-5f, -1}}},
    {"granite-q8_0-p0.json", {{"scalar", 1.0e-5f, 1.0e-5f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"dotprod", 1.0e-5f, 1.0e-5f, -1}, {"i8mm", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.0e-5f, -1}}},
    {"granite-q8_0-p1.json", {{"scalar", 1.0e-5f, 2.3e-2f, -1}, {"avx2", 1.0e-5f, 2.3e-2f, -1}, {"avx512", 1.0e-5f, 2.3e-2f, -1}, {"dotprod", 1.0e-5f, 2.3e-2f, -1}, {"i8mm", 1.0e-5f, 2.3e-2f, -1}, {"neon", 1.0e-5f, 2.3e-2f, -1}}},
    {"granite-q4_0-p0.json", {{"scalar", 1.0e-5f, 1.0e-5f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"dotprod", 1.0e-5f, 1.0e-5f, -1}, {"i8mm", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.0e-5f, -1}}},
    {"granite-q4_0-p1.json", {{"scalar", 1.0e-5f, 1.0e-5f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"dotprod", 1.0e-5f, 1.0e-5f, -1}, {"i8mm", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.0e-5f, -1}}},
    {"gemma2-wide-q4_k_m-p0.json", {{"scalar", 1.0e-5f, 6.7e-2f, -1}, {"avx2", 1.0e-5f, 6.7e-2f, -1}, {"avx512", 1.0e-5f, 6.7e-2f, -1}, {"dotprod", 1.0e-5f, 6.7e-2f, -1}, {"i8mm", 1.0e-5f, 6.7e-2f, -1}, {"neon", 1.0e-5f, 6.7e-2f, -1}}},
    {"gemma2-wide-q4_k_m-p1.json", {{"scalar", 6.7e-2f, 8.0e-2f, 22}, {"avx2", 6.7e-2f, 8.0e-2f, 22}, {"avx512", 6.7e-2f, 8.0e-2f, 22}, {"dotprod", 6.7e-2f, 8.0e-2f, 22}, {"i8mm", 6.7e-2f, 8.0e-2f, 22}, {"neon", 6.7e-2f, 8.0e-2f, 22}}},
    {"gemma-wide-q4_k_m-p0.json", {{"scalar", 1.0e-5f, 9.0e-2f, -1}, {"avx2", 1.0e-5f, 9.0e-2f, -1}, {"avx512", 1.0e-5f, 9.0e-2f, -1}, {"dotprod", 1.0e-5f, 9.0e-2f, -1}, {"i8mm", 1.0e-5f, 9.0e-2f, -1}, {"neon", 1.0e-5f, 9.0e-2f, -1}}},
    {"gemma-wide-q4_k_m-p1.json", {{"scalar", 1.0e-5f, 4.6e-2f, -1}, {"avx2", 1.0e-5f, 4.6e-2f, -1}, {"avx512", 1.0e-5f, 4.6e-2f, -1}, {"dotprod", 1.0e-5f, 4.6e-2f, -1}, {"i8mm", 1.0e-5f, 4.6e-2f, -1}, {"neon", 1.0e-5f, 4.6e-2f, -1}}},
    {"phi3-wide-q4_k_m-p0.json", {{"scalar", 1.0e-5f, 1.0e-5f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"dotprod", 1.0e-5f, 1.0e-5f, -1}, {"i8mm", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.0e-5f, -1}}},
    {"phi3-wide-q4_k_m-p1.json", {{"scalar", 1.0e-5f, 1.0e-5f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"dotprod", 1.0e-5f, 1.0e-5f, -1}, {"i8mm", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.0e-5f, -1}}},
    {"phi3-wide-q6_k-p0.json", {{"scalar", 1.0e-5f, 1.0e-5f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"dotprod", 1.0e-5f, 1.0e-5f, -1}, {"i8mm", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.0e-5f, -1}}},
    {"phi3-wide-q6_k-p1.json", {{"scalar", 1.0e-5f, 1.0e-5f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"dotprod", 1.0e-5f, 1.0e-5f, -1}, {"i8mm", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.0e-5f, -1}}},
    {"granite-wide-q4_k_m-p0.json", {{"scalar", 1.0e-5f, 1.0e-5f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"dotprod", 1.0e-5f, 1.0e-5f, -1}, {"i8mm", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.0e-5f, -1}}},
    {"granite-wide-q4_k_m-p1.json", {{"scalar", 1.0e-5f, 1.0e-5f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"dotprod", 1.0e-5f, 1.0e-5f, -1}, {"i8mm", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.0e-5f, -1}}},
    {"granite-wide-q6_k-p0.json", {{"scalar", 1.0e-5f, 1.0e-5f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"dotprod", 1.0e-5f, 1.0e-5f, -1}, {"i8mm", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.0e-5f, -1}}},
    {"granite-wide-q6_k-p1.json", {{"scalar", 1.0e-5f, 1.0e-5f, -1}, {"avx2", 1.0e-5f, 1.0e-5f, -1}, {"avx512", 1.0e-5f, 1.0e-5f, -1}, {"dotprod", 1.0e-5f, 1.0e-5f, -1}, {"i8mm", 1.0e-5f, 1.0e-5f, -1}, {"neon", 1.0e-5f, 1.0e-5f, -1}}},
};
// clang-format on

inline const MeasuredBound* measured_bound(const std::string& file, const std::string& isa,
                                          std::span<const FileBounds> table = kMeasured) {
    for (const auto& f : table)
        if (file == f.file)
            for (const auto& b : f.by_isa)
                if (b.isa != nullptr && isa == b.isa) return &b;
    return nullptr;
}

struct FallbackRule {
    float margin;  // greedy must agree up to the first reference margin below this
    float logits;  // bound on every compared |logit error| up to there
};

// Float weights: files named *-f32* / *-f16*; everything else is quantized.
inline FallbackRule fallback_rule(const std::string& file) {
    const bool float_weights = file.find("-f32") != std::string::npos || file.find("-f16") != std::string::npos;
    return float_weights ? FallbackRule{0.02f, 0.03f} : FallbackRule{0.25f, 0.5f};
}

}  // namespace lumen::test
