// Dot products of the i-quants and TQ1_0 with Q8_K activations, in the
// reference's order: exact integer sums per group times the integer group
// multiplier, one float combination per block (per group of 32 for IQ4_XS), and
// the format's constant factor at the end.
#include "fp16.hpp"
#include "scalar/iq_reference.hpp"
#include "scalar/iq_unpack.hpp"

namespace lumen::kernels::ref {

namespace {

int idot(const int8_t* q, const int8_t* a, int n) {
    int s = 0;
    for (int k = 0; k < n; ++k) s += q[k] * a[k];
    return s;
}

// The IQ2/IQ3 types: 4-bit scales s per 16 values (the same for both halves of a
// group of 32 for IQ2_XXS, IQ3_XXS, IQ3_S), multiplier 2 s + 1, the block's
// integer sum scaled by d_w * d_a, the format's constant factor at the end.
template <class Block, void (*Unpack)(const Block&, int, int8_t*, int*)>
float dot_grid(int64_t n, const void* w, const void* a, float factor) {
    const auto* x = static_cast<const Block*>(w);
    const auto* y = static_cast<const BlockQ8_K*>(a);
    int8_t q[32];
    int s[2];
    float sumf = 0.f;
    for (int64_t i = 0; i < n / QK_K; ++i) {
        const float d = fp16_to_fp32(x[i].d) * y[i].d;
        int bsum = 0;
        for (int ib = 0; ib < 8; ++ib) {
            Unpack(x[i], ib, q, s);
            bsum += idot(q, y[i].qs + 32 * ib, 16) * (2 * s[0] + 1);
            bsum += idot(q + 16, y[i].qs + 32 * ib + 16, 16) * (2 * s[1] + 1);
        }
        sumf += d * float(bsum);
    }
    return factor * sumf;
}

// A one-scale-per-32 decoder as a two-scale one.
template <class Block, void (*Unpack)(const Block&, int, int8_t*, int&)>
void one_scale_as_two(const Block& b, int ib, int8_t* q, int* s) {
    Unpack(b, ib, q, s[0]);
    s[1] = s[0];
}

}  // namespace

float dot_iq2_xxs(int64_t n, const void* w, const void* a) {
    return dot_grid<BlockIQ2_XXS, one_scale_as_two<BlockIQ2_XXS, iq::unpack_iq2_xxs>>(n, w, a, 0.125f);
}
float dot_iq3_xxs(int64_t n, const void* w, const void* a) {
    return dot_grid<BlockIQ3_XXS, one_scale_as_two<BlockIQ3_XXS, iq::unpack_iq3_xxs>>(n, w, a, 0.25f);
}
float dot_iq3_s(int64_t n, const void* w, const void* a) {
    return dot_grid<BlockIQ3_S, one_scale_as_two<BlockIQ3_S, iq::unpack_iq3_s>>(n, w, a, 1.f);
}
float dot_iq2_xs(int64_t n, const void* w, const void* a) {
    return dot_grid<BlockIQ2_XS, iq::unpack_iq2_xs>(n, w, a, 0.125f);
}
float dot_iq2_s(int64_t n, const void* w, const void* a) { return dot_grid<BlockIQ2_S, iq::unpack_iq2_s>(n, w, a, 0.125f); }

float dot_iq1_s(int64_t n, const void* w, const void* a) {
    const auto* x = static_cast<const BlockIQ1_S*>(w);
    const auto* y = static_cast<const BlockQ8_K*>(a);
    int8_t q[32];
    float sumf = 0.f;
    for (int64_t i = 0; i < n / QK_K; ++i) {
        int sumi = 0, sumi1 = 0;
        for (int ib = 0; ib < 8; ++ib) {
            int s, delta_sign;
            iq::unpack_iq1_s(x[i], ib, q, s, delta_sign);
            const int ls = 2 * s + 1;
            sumi += ls * idot(q, y[i].qs + 32 * ib, 32);
            sumi1 += ls * delta_sign * (y[i].bsums[2 * ib] + y[i].bsums[2 * ib + 1]);
        }
        sumf += fp16_to_fp32(x[i].d) * y[i].d * (float(sumi) + kIQ1Delta * float(sumi1));
    }
    return sumf;
}

float dot_iq1_m(int64_t n, const void* w, const void* a) {
    const auto* x = static_cast<const BlockIQ1_M*>(w);
    const auto* y = static_cast<const BlockQ8_K*>(a);
    int8_t q[32];
    int delta_sign[4], s[2];
    float sumf = 0.f;
    for (int64_t i = 0; i < n / QK_K; ++i) {
        int sumi1 = 0, sumi2 = 0;
        for (int ib = 0; ib < 8; ++ib) {
            iq::unpack_iq1_m(x[i], ib, q, delta_sign, s);
            const int8_t* a8 = y[i].qs + 32 * ib;
            for (int h = 0; h < 2; ++h) {
                int sum1 = 0, sum2 = 0;
                for (int l = 2 * h; l < 2 * h + 2; ++l) {
                    int lsum2 = 0;
                    for (int j = 8 * l; j < 8 * l + 8; ++j) {
                        sum1 += q[j] * a8[j];
                        lsum2 += a8[j];
                    }
                    sum2 += lsum2 * delta_sign[l];
                }
                const int ls = 2 * s[h] + 1;
                sumi1 += sum1 * ls;
                sumi2 += sum2 * ls;
            }
        }
        sumf += fp16_to_fp32(iq1_m_scale_bits(x[i])) * y[i].d * (float(sumi1) + kIQ1Delta * float(sumi2));
    }
    return sumf;
}

float dot_iq4_xs(int64_t n, const void* w, const void* a) {
    const auto* x = static_cast<const BlockIQ4_XS*>(w);
    const auto* y = static_cast<const BlockQ8_K*>(a);
    float sumf = 0.f;
    for (int64_t i = 0; i < n / QK_K; ++i) {
        const float d4d8 = fp16_to_fp32(x[i].d) * y[i].d;
        for (int ib = 0; ib < 8; ++ib) {
            const uint8_t* qs = x[i].qs + 16 * ib;
            const int8_t* a8 = y[i].qs + 32 * ib;
            int sumi1 = 0, sumi2 = 0;
            for (int j = 0; j < 16; ++j) {
                sumi1 += a8[j] * kIQ4NL[qs[j] & 0xF];
                sumi2 += a8[j + 16] * kIQ4NL[qs[j] >> 4];
            }
            sumf += d4d8 * float(iq4_xs_scale(x[i], ib) - 32) * float(sumi1 + sumi2);
        }
    }
    return sumf;
}

float dot_tq1_0(int64_t n, const void* w, const void* a) {
    const auto* x = static_cast<const BlockTQ1_0*>(w);
    const auto* y = static_cast<const BlockQ8_K*>(a);
    int8_t q[QK_K];
    float sumf = 0.f;
    for (int64_t i = 0; i < n / QK_K; ++i) {
        iq::unpack_tq1_0(x[i], q);
        const int sum = idot(q, y[i].qs, QK_K);
        sumf += float(sum) * (fp16_to_fp32(x[i].d) * y[i].d);
    }
    return sumf;
}

}  // namespace lumen::kernels::ref
