// Packing rows into the 8-row interleaved layouts, and the scalar twins of the
// packed matrix kernels: per row, per block, the exact integer sum, then
// acc = fma(float(isum), d_w * d_a, acc) — the order the SIMD kernels use.
#include <cmath>
#include <cstring>
#include <type_traits>

#include "elementwise_math.hpp"
#include "fp16.hpp"
#include "packed.hpp"
#include "scalar/pack_rows.hpp"

namespace lumen::kernels {

namespace {

// Interleaves 8 rows' blocks: chunk k of a packed block holds 4 bytes of each
// row's quants (bytes 4k..4k+3), row after row.
template <int Chunks, class Packed, class Block>
void put_x8(Packed& p, const Block& blk, int r) {
    p.d[r] = blk.d;
    for (int k = 0; k < Chunks; ++k) std::memcpy(&p.qs[32 * k + 4 * r], &blk.qs[4 * k], 4);
}

template <class Block, class Packed, int Chunks>
void pack_x8(const void* src, void* dst, int64_t rows, int64_t cols) {
    pack_rows_x8<Block, Packed, QK>(src, dst, rows, cols, put_x8<Chunks, Packed, Block>);
}

}  // namespace

void pack_q4_0_x8(const void* src, void* dst, int64_t rows, int64_t cols) {
    pack_x8<BlockQ4_0, BlockQ4_0x8, 4>(src, dst, rows, cols);
}
void pack_q8_0_x8(const void* src, void* dst, int64_t rows, int64_t cols) {
    pack_x8<BlockQ8_0, BlockQ8_0x8, 8>(src, dst, rows, cols);
}
void pack_q5_0_x8(const void* src, void* dst, int64_t rows, int64_t cols) {
    pack_rows_x8<BlockQ5_0, BlockQ5_0x8, QK>(src, dst, rows, cols, [](BlockQ5_0x8& p, const BlockQ5_0& blk, int r) {
        put_x8<4>(p, blk, r);
        std::memcpy(&p.qh[r], blk.qh, 4);  // the fifth bits, row by row
    });
}

void pack_iq4_nl_x8(const void* src, void* dst, int64_t rows, int64_t cols) {
    pack_x8<BlockIQ4_NL, BlockQ4_0x8, 4>(src, dst, rows, cols);
}

namespace {

// The fields BlockQ4_Kx8 and BlockQ5_Kx8 share.
template <class Packed, class Block>
void pack_k4_fields(const Block& blk, int r, Packed& p) {
    p.d[r] = blk.d;
    p.dmin[r] = blk.dmin;
    for (int s = 0; s < 8; ++s) unpack_scale_min_k4(s, blk.scales, p.scales[8 * s + r], p.mins[16 * (s / 2) + 2 * r + s % 2]);
    for (int k = 0; k < 4; ++k)
        for (int c = 0; c < 8; ++c) std::memcpy(&p.qs[32 * (8 * k + c) + 4 * r], &blk.qs[32 * k + 4 * c], 4);
}

template <class Packed, class Block>
void pack_k_x8(const void* src, void* dst, int64_t rows, int64_t cols) {
    pack_rows_x8<Block, Packed, QK_K>(src, dst, rows, cols, [](Packed& p, const Block& blk, int r) {
        pack_k4_fields(blk, r, p);
        if constexpr (std::is_same_v<Block, BlockQ5_K>)
            for (int l = 0; l < 8; ++l) std::memcpy(&p.qh[32 * l + 4 * r], &blk.qh[4 * l], 4);
    });
}

}  // namespace

void pack_q4_k_x8(const void* src, void* dst, int64_t rows, int64_t cols) {
    pack_k_x8<BlockQ4_Kx8, BlockQ4_K>(src, dst, rows, cols);
}
void pack_q5_k_x8(const void* src, void* dst, int64_t rows, int64_t cols) {
    pack_k_x8<BlockQ5_Kx8, BlockQ5_K>(src, dst, rows, cols);
}

void pack_q2_k_x8(const void* src, void* dst, int64_t rows, int64_t cols) {
    pack_rows_x8<BlockQ2_K, BlockQ2_Kx8, QK_K>(src, dst, rows, cols, [](BlockQ2_Kx8& p, const BlockQ2_K& blk, int r) {
        p.d[r] = blk.d;
        p.dmin[r] = blk.dmin;
        for (int q = 0; q < 8; ++q) {  // s_a << 4 | s_a+4, a = 8(q / 4) + q % 4
            const int a = 8 * (q / 4) + q % 4;
            p.scales[8 * q + r] = uint8_t((blk.scales[a] & 0xF) << 4 | (blk.scales[a + 4] & 0xF));
        }
        for (int k = 0; k < 4; ++k)  // m_2k+e | m_2k+8+e << 4
            for (int e = 0; e < 2; ++e)
                p.mins[16 * k + 2 * r + e] = uint8_t((blk.scales[2 * k + e] >> 4) | (blk.scales[2 * k + 8 + e] & 0xF0));
        for (int h = 0; h < 2; ++h)
            for (int l = 0; l < 8; ++l) std::memcpy(&p.qs[32 * (8 * h + l) + 4 * r], &blk.qs[32 * h + 4 * l], 4);
    });
}

size_t packed_group_bytes(TensorType type, int64_t cols) {
    if (type == TensorType::Q4_K) return size_t(cols / QK_K) * sizeof(BlockQ4_Kx8);
    if (type == TensorType::Q5_K) return size_t(cols / QK_K) * sizeof(BlockQ5_Kx8);
    if (type == TensorType::Q3_K) return size_t(cols / QK_K) * sizeof(BlockQ3_Kx8);
    return 8 * row_bytes(type, cols);
}

PackFn packer(TensorType type) {
    switch (type) {
        case TensorType::Q4_0: return pack_q4_0_x8;
        case TensorType::Q4_K: return pack_q4_k_x8;
        case TensorType::Q5_K: return pack_q5_k_x8;
        case TensorType::Q2_K: return pack_q2_k_x8;
        case TensorType::Q6_K: return pack_q6_k_x8;
        case TensorType::Q3_K: return pack_q3_k_x8;
        case TensorType::TQ2_0: return pack_tq2_0_x8;
        case TensorType::IQ4_NL: return pack_iq4_nl_x8;
        case TensorType::Q5_0: return pack_q5_0_x8;
        case TensorType::Q8_0: return pack_q8_0_x8;
        default: return nullptr;
    }
}

namespace ref {

namespace {

// The shared loop of the packed kernels: per activation, per row, per block the
// exact integer sum of weight x activation (`weight(w, r, j)`: the value of
// weight j of row r), then acc = fma(isum, d_w * d_a, acc).
template <class Packed, class Weight>
void gemm_x8(int64_t cols, const void* packed_group, const void* const* acts, const ActBlockInfo* const* info,
             int n_act, float* out, int64_t ldo, Weight weight) {
    const auto* w = static_cast<const Packed*>(packed_group);
    const int64_t nb = cols / QK;
    for (int c = 0; c < n_act; ++c) {
        const auto* y = static_cast<const BlockQ8_0*>(acts[c]);
        for (int r = 0; r < 8; ++r) {
            float acc = 0.f;
            for (int64_t b = 0; b < nb; ++b) {
                int32_t isum = 0;
                for (int j = 0; j < QK; ++j) isum += weight(w[b], r, j) * y[b].qs[j];
                acc = std::fma(float(isum), fp16_to_fp32(w[b].d[r]) * info[c][b].d, acc);
            }
            out[c * ldo + r] = acc;
        }
    }
}

// Nibble j (0..31) of row r in the 4-chunk layout: weights 0..15 are the low
// nibbles of bytes 4k..4k+3 of chunk k, weights 16..31 their high nibbles.
inline int nibble(const uint8_t* qs, int r, int j) {
    const int i = j % 16;
    const uint8_t byte = qs[32 * (i / 4) + 4 * r + i % 4];
    return j < 16 ? (byte & 0xF) : (byte >> 4);
}

}  // namespace

void gemm_q4_0_x8(int64_t cols, const void* packed_group, const void* const* acts, const ActBlockInfo* const* info,
                  int n_act, float* out, int64_t ldo) {
    gemm_x8<BlockQ4_0x8>(cols, packed_group, acts, info, n_act, out, ldo,
                         [](const BlockQ4_0x8& w, int r, int j) { return nibble(w.qs, r, j) - 8; });
}

void gemm_q5_0_x8(int64_t cols, const void* packed_group, const void* const* acts, const ActBlockInfo* const* info,
                  int n_act, float* out, int64_t ldo) {
    gemm_x8<BlockQ5_0x8>(cols, packed_group, acts, info, n_act, out, ldo, [](const BlockQ5_0x8& w, int r, int j) {
        return (nibble(w.qs, r, j) | int((w.qh[r] >> j) & 1) << 4) - 16;
    });
}

void gemm_iq4_nl_x8(int64_t cols, const void* packed_group, const void* const* acts, const ActBlockInfo* const* info,
                    int n_act, float* out, int64_t ldo) {
    gemm_x8<BlockQ4_0x8>(cols, packed_group, acts, info, n_act, out, ldo,
                         [](const BlockQ4_0x8& w, int r, int j) { return int(kIQ4NL[nibble(w.qs, r, j)]); });
}

void gemm_q8_0_x8(int64_t cols, const void* packed_group, const void* const* acts, const ActBlockInfo* const* info,
                  int n_act, float* out, int64_t ldo) {
    gemm_x8<BlockQ8_0x8>(cols, packed_group, acts, info, n_act, out, ldo,
                         [](const BlockQ8_0x8& w, int r, int j) { return int(w.qs[32 * (j / 4) + 4 * r + j % 4]); });
}

namespace {

// Row r's value of weight 4l + j of sub-block s (chunk 8 (s / 2) + l).
inline int k4_value(const BlockQ4_Kx8& w, int r, int s, int l, int j) {
    const uint8_t byte = w.qs[32 * (8 * (s / 2) + l) + 4 * r + j];
    return s % 2 == 0 ? byte & 0xF : byte >> 4;
}
inline int k4_value(const BlockQ5_Kx8& w, int r, int s, int l, int j) {
    const uint8_t byte = w.qs[32 * (8 * (s / 2) + l) + 4 * r + j];
    const int high = (w.qh[32 * l + 4 * r + j] >> s) & 1;
    return (s % 2 == 0 ? byte & 0xF : byte >> 4) | high << 4;
}

// Q4_K (kLaneMins: the mins in 4 float lanes) and Q5_K (one float per row).
template <class Packed, bool kLaneMins>
void gemm_k4_x8(int64_t cols, const void* packed_group, const void* const* acts, int n_act, float* out, int64_t ldo) {
    const auto* w = static_cast<const Packed*>(packed_group);
    const int64_t nb = cols / QK_K;
    for (int c = 0; c < n_act; ++c) {
        const auto* y = static_cast<const BlockQ8_K*>(acts[c]);
        for (int r = 0; r < 8; ++r) {
            float acc[8] = {}, acc_min[4] = {}, min_sum = 0.f;
            for (int64_t b = 0; b < nb; ++b) {
                int32_t lanes[8] = {};
                for (int s = 0; s < 8; ++s)
                    for (int l = 0; l < 8; ++l) {
                        int32_t sum4 = 0;
                        for (int j = 0; j < 4; ++j) sum4 += k4_value(w[b], r, s, l, j) * y[b].qs[32 * s + 4 * l + j];
                        lanes[l] += w[b].scales[8 * s + r] * sum4;
                    }
                const float dd = y[b].d * fp16_to_fp32(w[b].d[r]), dm = -y[b].d * fp16_to_fp32(w[b].dmin[r]);
                for (int l = 0; l < 8; ++l) acc[l] = std::fma(dd, float(lanes[l]), acc[l]);
                int32_t m_total = 0;
                for (int k = 0; k < 4; ++k) {
                    const uint8_t* m = &w[b].mins[16 * k + 2 * r];
                    const int32_t ml = m[0] * (y[b].bsums[4 * k] + y[b].bsums[4 * k + 1]) +
                                       m[1] * (y[b].bsums[4 * k + 2] + y[b].bsums[4 * k + 3]);
                    if constexpr (kLaneMins) acc_min[k] = std::fma(dm, float(ml), acc_min[k]);
                    m_total += ml;
                }
                if constexpr (!kLaneMins) min_sum += dm * float(m_total);
            }
            // The reference's horizontal sums: 8 lanes halved, 4 mins lanes halved (+ 2, then + 1).
            const float sum = sum8_halving(acc);
            out[c * ldo + r] = sum + (kLaneMins ? (acc_min[0] + acc_min[2]) + (acc_min[1] + acc_min[3]) : min_sum);
        }
    }
}

}  // namespace

void gemm_q4_k_x8(int64_t cols, const void* packed_group, const void* const* acts, const ActBlockInfo* const*,
                  int n_act, float* out, int64_t ldo) {
    gemm_k4_x8<BlockQ4_Kx8, true>(cols, packed_group, acts, n_act, out, ldo);
}
void gemm_q5_k_x8(int64_t cols, const void* packed_group, const void* const* acts, const ActBlockInfo* const*,
                  int n_act, float* out, int64_t ldo) {
    gemm_k4_x8<BlockQ5_Kx8, false>(cols, packed_group, acts, n_act, out, ldo);
}

// Packed Q2_K: per row and super-block the exact integers
//   isum = sum over the 16 groups g of s_g * (sum of q * a over g's 16 weights),
//   msum = sum over g of m_g * bsum_g,
// then two float steps. Every SIMD kernel adds the same integers in its own order
// (sums per group times the group's scale; some with a power-of-two factor,
// which changes no bit), so all give these bits.
void gemm_q2_k_x8(int64_t cols, const void* packed_group, const void* const* acts, const ActBlockInfo* const*,
                  int n_act, float* out, int64_t ldo) {
    const auto* w = static_cast<const BlockQ2_Kx8*>(packed_group);
    const int64_t nb = cols / QK_K;
    for (int c = 0; c < n_act; ++c) {
        const auto* y = static_cast<const BlockQ8_K*>(acts[c]);
        for (int r = 0; r < 8; ++r) {
            float acc = 0.f;
            for (int64_t b = 0; b < nb; ++b) {
                const BlockQ2_Kx8& blk = w[b];
                int32_t isum = 0, msum = 0;
                for (int g = 0; g < 16; ++g) {  // weights 16g..16g+15: half g / 8, run (g % 8) / 2, lanes 4(g % 2)..+3
                    const int h = g / 8, run = (g % 8) / 2;
                    int32_t sum = 0;
                    for (int l = 4 * (g % 2); l < 4 * (g % 2) + 4; ++l)
                        for (int j = 0; j < 4; ++j)
                            sum += (blk.qs[32 * (8 * h + l) + 4 * r + j] >> (2 * run) & 3) * y[b].qs[128 * h + 32 * run + 4 * l + j];
                    const uint8_t sb = blk.scales[8 * (4 * h + (g % 8) % 4) + r];  // s_a << 4 | s_a+4, a = 8h + (g % 8) % 4
                    const uint8_t mb = blk.mins[16 * ((g % 8) / 2) + 2 * r + g % 2];  // m_g' | m_g'+8 << 4, g' = g % 8
                    isum += (run < 2 ? sb >> 4 : sb & 0xF) * sum;
                    msum += (g < 8 ? mb & 0xF : mb >> 4) * y[b].bsums[g];
                }
                acc = std::fma(y[b].d * fp16_to_fp32(blk.d[r]), float(isum), acc);
                acc = std::fma(-(y[b].d * fp16_to_fp32(blk.dmin[r])), float(msum), acc);
            }
            out[c * ldo + r] = acc;
        }
    }
}

}  // namespace ref
}  // namespace lumen::kernels
