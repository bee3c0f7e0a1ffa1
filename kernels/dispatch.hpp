// Per-ISA kernel sets: for every tensor type the dot product against quantized
// activations, and for every activation format its quantizer. Entries an ISA
// does not provide fall back to the scalar reference, so every set is complete.
#pragma once

#include <array>

#include "lumen/isa.hpp"
#include "lumen/tensor_type.hpp"
#include "packed.hpp"

namespace lumen::kernels {

// out[c] = dot(weights, activations[c]) for c < 4: one pass over the weights
// serves four activation rows (prompt processing). Must give exactly what four
// VecDotFn calls give.
using VecDot4Fn = void (*)(int64_t n, const void* weights, const void* const* activations, float* out);

// acc[i] += double(p * v[i]) (the remainder sums of the reference's F16 dot).
using AxpyF16F64Fn = void (*)(double* acc, float p, const uint16_t* v, int n);
// out[j] = the dot product of F16 rows q and k + j * k_stride for j < count, in
// the reference's summation order (64 float lanes, lane_tree.hpp, remainder in
// double): attention scores against `count` cached keys, one call per (query, head).
using DotsF16OrderedFn = void (*)(int n, const uint16_t* q, const uint16_t* k, size_t k_stride, int count, float* out);
// The same scores in the reference's prompt-GEMM order (16 lanes of fused
// multiply-adds over steps of 16, then halved 8, 4, 2, 1: batch_dot below).
// n % 16 == 0.
using DotsF16GemmFn = DotsF16OrderedFn;
// For j < n_pos, in order: lanes[(j % n_lanes) * n + d] += f16(p[j] * scale) * v[j * v_stride + d]
// (f16(): rounded to F16 and back; the product of two F16 values is exact in
// float, so a fused multiply-add and any vector width give the same bits).
// Lane l holds the reference's partial sum of the probability-weighted V rows
// j = l, l + n_lanes, ... (64 lanes in its F16 dot, 16 in its prompt GEMM);
// the V rows are read in position order.
using WeightedLanesF16Fn = void (*)(float* lanes, int n_lanes, const float* p, float scale, const uint16_t* v,
                                    size_t v_stride, int n_pos, int n);
// The same for n_q query heads sharing the keys / values (grouped-query
// attention), each key and V row read once for all of them: query g is
// q + g * n and its scores go to out + g * out_stride; V lanes g are
// lanes + g * lanes_stride, weighted by p + g * p_stride times scale[g]. Every
// head's results are the one-head kernel's bit for bit. nullptr: call the one-head
// kernel per head.
using DotsF16GroupFn = void (*)(int n, const uint16_t* q, int n_q, const uint16_t* k, size_t k_stride, int count,
                                float* out, size_t out_stride);
using WeightedLanesF16GroupFn = void (*)(float* lanes, size_t lanes_stride, int n_lanes, const float* p,
                                         size_t p_stride, const float* scale, int n_q, const uint16_t* v,
                                         size_t v_stride, int n_pos, int n);

// Attention over a Q8_0 KV cache (q8_cache_math.hpp says why these steps):
// scores of n_q queries (Q8_0 rows of n / 32 blocks, row g at q + g * (n / 32)
// blocks) against `count` Q8_0 key rows (k + j * k_stride bytes):
// out[g * out_stride + j] = ref::dot_q8_0(n, key j, query g) bit for bit.
using DotsQ8_0Fn = void (*)(int n, const void* q, int n_q, const void* k, size_t k_stride, int count, float* out,
                            size_t out_stride);
// For j < count, in order, every d < n and head g < n_q:
// out[g * n + d] += w * q_j[d], w = round_to_16_bits((p[g * p_stride + j] * scale[g]) * d_j),
// d_j the scale of V row j's block holding d (rows at v + j * v_stride bytes).
using WeightedSumQ8_0Fn = void (*)(float* out, const float* p, size_t p_stride, const float* scale, int n_q,
                                   const void* v, size_t v_stride, int count, int n);

// The reference's tree (lane_tree.hpp) over 64 lane rows of n floats
// (lanes[l * n + d]); out[d] = row 0 afterwards. Overwrites `lanes`.
using ReduceLanes64Fn = void (*)(float* lanes, int n, float* out);

// Softmax numerators: y[i] = exp(x[i] - shift) for i < n, returning their sum
// in the reference's AVX-512 order: each whole chunk of 16 is summed in float
// as a halving tree and added in double, the tail one by one in double. exp is
// elementwise_math.hpp's (within 1 ulp of expf): every set gives the same bits.
using ExpSumFn = double (*)(float* y, const float* x, float shift, int n);
// x[i] *= scale for i < n; returns the largest x[i] afterwards (-inf if n == 0;
// the maximum of floats is the same in any order, up to the sign of a zero).
using ScaleMaxFn = float (*)(float* x, int n, float scale);
// gate[i] = silu(gate[i]) * up[i] = gate[i] / (1 + exp(-gate[i])) * up[i].
using SiluMulFn = void (*)(float* gate, const float* up, int64_t n);

struct KernelSet {
    static constexpr size_t kSlots = 36;  // type ids 0..35

    AxpyF16F64Fn axpy_f16_f64 = nullptr;
    DotsF16OrderedFn dots_f16_ordered = nullptr;
    DotsF16GemmFn dots_f16_gemm = nullptr;
    WeightedLanesF16Fn weighted_lanes_f16 = nullptr;
    DotsF16GroupFn dots_f16_ordered_group = nullptr;  // optional (see above)
    DotsF16GroupFn dots_f16_gemm_group = nullptr;
    WeightedLanesF16GroupFn weighted_lanes_f16_group = nullptr;
    ReduceLanes64Fn reduce_lanes64 = nullptr;
    DotsQ8_0Fn dots_q8_0 = nullptr;
    WeightedSumQ8_0Fn weighted_sum_q8_0 = nullptr;
    ExpSumFn exp_sum = nullptr;
    SiluMulFn silu_mul = nullptr;
    ScaleMaxFn scale_max = nullptr;

    Isa isa = Isa::scalar;
    // The weight-streaming kernels prefetch ahead in software (else they leave
    // it to the hardware prefetchers); set from the CPU's policy before the
    // ISA fills the set (isa_rows.hpp: weight_prefetch_policy).
    bool software_prefetch = true;
    std::array<VecDotFn, kSlots> vec_dot{};
    std::array<VecDot4Fn, kSlots> vec_dot4{};  // nullptr: use vec_dot four times
    std::array<QuantizeRowFn, kSlots> quantize_activation{};
    std::array<PackedGemmFn, kSlots> packed_gemm{};  // for 8-row interleaved weights (packed.hpp)
    // Optional: the same on 16 rows, two adjacent 8-row groups of one column
    // tile (the second at packed_group + packed_group_bytes(type, cols)); out
    // gets 16 floats per activation. Where a set has one, ops::matmul takes
    // the groups in pairs (the same bits per row as packed_gemm).
    std::array<PackedGemmFn, kSlots> packed_gemm16{};
    // F32/F16 weights times a prompt batch: the reference multiplies those with
    // its tiled GEMM (one 16-lane FMA accumulator over steps of 16, then the
    // lanes halved 8, 4, 2, 1), not in vec_dot's order. nullptr: use vec_dot.
    std::array<VecDotFn, kSlots> batch_dot{};

    void set(TensorType t, VecDotFn f) { vec_dot[size_t(t)] = f; }
    void set4(TensorType t, VecDot4Fn f) { vec_dot4[size_t(t)] = f; }
    VecDot4Fn dot4(TensorType t) const { return vec_dot4[size_t(t)]; }
    PackedGemmFn packed(TensorType t) const { return packed_gemm[size_t(t)]; }
    PackedGemmFn packed16(TensorType t) const { return packed_gemm16[size_t(t)]; }
    VecDotFn batch(TensorType t) const { return batch_dot[size_t(t)]; }
    void set_activation(TensorType t, QuantizeRowFn f) { quantize_activation[size_t(t)] = f; }

    VecDotFn dot(TensorType t) const { return vec_dot[size_t(t)]; }
    QuantizeRowFn activation_quantizer(TensorType t) const { return quantize_activation[size_t(t)]; }
};

// The kernel set of `isa` (throws lumen::Error if this CPU cannot run it).
// Sets are immutable once built.
const KernelSet& kernel_set(Isa isa);

}  // namespace lumen::kernels
