// Dequantization of the i-quants and TQ1_0, bit-exact with the reference: the
// per-group float scale is formed exactly as the reference forms it, then each
// value is scale * grid value (the sign flips exactly).
#include "fp16.hpp"
#include "scalar/iq_reference.hpp"
#include "scalar/iq_unpack.hpp"

namespace lumen::kernels::ref {

namespace {

template <class Block>
const Block* blocks_of(const void* src) { return static_cast<const Block*>(src); }

// IQ2_XXS, IQ3_XXS, IQ3_S: one 4-bit scale s per 32 values; group_scale(d, s)
// forms the group's float scale as the reference does.
template <class Block, void (*Unpack)(const Block&, int, int8_t*, int&), class GroupScale>
void dequant_one_scale(const void* src, float* y, int64_t n, GroupScale group_scale) {
    const auto* b = blocks_of<Block>(src);
    int8_t q[32];
    for (int64_t i = 0; i < n / QK_K; ++i) {
        const float d = fp16_to_fp32(b[i].d);
        for (int ib = 0; ib < 8; ++ib, y += 32) {
            int s;
            Unpack(b[i], ib, q, s);
            const float db = group_scale(d, s);
            for (int k = 0; k < 32; ++k) y[k] = db * float(q[k]);
        }
    }
}

}  // namespace

void dequant_iq2_xxs(const void* src, float* y, int64_t n) {
    dequant_one_scale<BlockIQ2_XXS, iq::unpack_iq2_xxs>(src, y, n,
                                                         [](float d, int s) { return d * (0.5f + float(s)) * 0.25f; });
}
void dequant_iq3_xxs(const void* src, float* y, int64_t n) {
    dequant_one_scale<BlockIQ3_XXS, iq::unpack_iq3_xxs>(src, y, n,
                                                         [](float d, int s) { return d * (0.5f + float(s)) * 0.5f; });
}
void dequant_iq3_s(const void* src, float* y, int64_t n) {
    dequant_one_scale<BlockIQ3_S, iq::unpack_iq3_s>(src, y, n, [](float d, int s) { return d * float(1 + 2 * s); });
}

namespace {

// IQ2_XS and IQ2_S: a 4-bit scale per 16 values, db = d * (0.5 + s) / 4.
template <class Block, void (*Unpack)(const Block&, int, int8_t*, int*)>
void dequant_iq2_two_scales(const void* src, float* y, int64_t n) {
    const auto* b = blocks_of<Block>(src);
    int8_t q[32];
    int s[2];
    for (int64_t i = 0; i < n / QK_K; ++i) {
        const float d = fp16_to_fp32(b[i].d);
        for (int ib = 0; ib < 8; ++ib, y += 32) {
            Unpack(b[i], ib, q, s);
            for (int h = 0; h < 2; ++h) {
                const float db = d * (0.5f + float(s[h])) * 0.25f;
                for (int k = 16 * h; k < 16 * h + 16; ++k) y[k] = db * float(q[k]);
            }
        }
    }
}

}  // namespace

void dequant_iq2_xs(const void* src, float* y, int64_t n) {
    dequant_iq2_two_scales<BlockIQ2_XS, iq::unpack_iq2_xs>(src, y, n);
}
void dequant_iq2_s(const void* src, float* y, int64_t n) {
    dequant_iq2_two_scales<BlockIQ2_S, iq::unpack_iq2_s>(src, y, n);
}

void dequant_iq1_s(const void* src, float* y, int64_t n) {
    const auto* b = blocks_of<BlockIQ1_S>(src);
    int8_t q[32];
    for (int64_t i = 0; i < n / QK_K; ++i) {
        const float d = fp16_to_fp32(b[i].d);
        for (int ib = 0; ib < 8; ++ib, y += 32) {
            int s, delta_sign;
            iq::unpack_iq1_s(b[i], ib, q, s, delta_sign);
            const float dl = d * float(2 * s + 1);
            const float delta = delta_sign < 0 ? -kIQ1Delta : kIQ1Delta;
            for (int k = 0; k < 32; ++k) y[k] = dl * (float(q[k]) + delta);
        }
    }
}

void dequant_iq1_m(const void* src, float* y, int64_t n) {
    const auto* b = blocks_of<BlockIQ1_M>(src);
    int8_t q[32];
    int delta_sign[4], s[2];
    for (int64_t i = 0; i < n / QK_K; ++i) {
        const float d = fp16_to_fp32(iq1_m_scale_bits(b[i]));
        for (int ib = 0; ib < 8; ++ib, y += 32) {
            iq::unpack_iq1_m(b[i], ib, q, delta_sign, s);
            for (int l = 0; l < 4; ++l) {
                const float dl = d * float(2 * s[l / 2] + 1);
                const float delta = delta_sign[l] < 0 ? -kIQ1Delta : kIQ1Delta;
                for (int k = 8 * l; k < 8 * l + 8; ++k) y[k] = dl * (float(q[k]) + delta);
            }
        }
    }
}

void dequant_iq4_xs(const void* src, float* y, int64_t n) {
    const auto* b = blocks_of<BlockIQ4_XS>(src);
    for (int64_t i = 0; i < n / QK_K; ++i) {
        const float d = fp16_to_fp32(b[i].d);
        for (int ib = 0; ib < 8; ++ib, y += 32) {
            const float dl = d * float(iq4_xs_scale(b[i], ib) - 32);
            const uint8_t* qs = b[i].qs + 16 * ib;
            for (int j = 0; j < 16; ++j) {
                y[j] = dl * float(kIQ4NL[qs[j] & 0xF]);
                y[j + 16] = dl * float(kIQ4NL[qs[j] >> 4]);
            }
        }
    }
}

void dequant_tq1_0(const void* src, float* y, int64_t n) {
    const auto* b = blocks_of<BlockTQ1_0>(src);
    int8_t q[QK_K];
    for (int64_t i = 0; i < n / QK_K; ++i, y += QK_K) {
        iq::unpack_tq1_0(b[i], q);
        const float d = fp16_to_fp32(b[i].d);
        for (int k = 0; k < QK_K; ++k) y[k] = float(q[k]) * d;
    }
}

}  // namespace lumen::kernels::ref
