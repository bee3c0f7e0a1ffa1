// The 32-element block types: Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q8_1, IQ4_NL.
// Quantizers reproduce the reference file quantizer bit for bit (no importance
// matrix): note the truncating casts after adding 8.5 / 16.5 / 0.5 — that is
// the reference's rounding, kept on purpose.
#include <algorithm>
#include <cfloat>
#include <cmath>

#include "blocks.hpp"
#include "fp16.hpp"
#include "scalar/reference.hpp"
#include "scalar/rounding.hpp"

namespace lumen::kernels::ref {

namespace {

// The value of largest magnitude in a block (first one on ties), and its magnitude.
void signed_absmax(const float* x, int n, float& max, float& amax) {
    max = 0.f;
    amax = 0.f;
    for (int j = 0; j < n; ++j)
        if (amax < std::fabs(x[j])) {
            amax = std::fabs(x[j]);
            max = x[j];
        }
}

void min_max(const float* x, int n, float& mn, float& mx) {
    mn = FLT_MAX;
    mx = -FLT_MAX;
    for (int j = 0; j < n; ++j) {
        mn = std::min(mn, x[j]);
        mx = std::max(mx, x[j]);
    }
}

// 5th bits of the 32 quants live in a little-endian uint32: bit j for element j.
uint32_t load_qh(const uint8_t* qh) { uint32_t v; std::memcpy(&v, qh, 4); return v; }

// Element j (0..31) of a nibble-packed block: low nibbles hold 0..15, high 16..31.
inline int nibble(const uint8_t* qs, int j) { return j < 16 ? (qs[j] & 0xF) : (qs[j - 16] >> 4); }

int sum_q8(const int8_t* q) {
    int s = 0;
    for (int j = 0; j < QK; ++j) s += q[j];
    return s;
}

}  // namespace

// ---- Q4_0 -------------------------------------------------------------------
void dequant_q4_0(const void* src, float* y, int64_t n) {
    const auto* b = static_cast<const BlockQ4_0*>(src);
    for (int64_t i = 0; i < n / QK; ++i, y += QK) {
        const float d = fp16_to_fp32(b[i].d);
        for (int j = 0; j < QK; ++j) y[j] = float(nibble(b[i].qs, j) - 8) * d;
    }
}
void quant_q4_0(const float* x, void* dst, int64_t n) {
    auto* b = static_cast<BlockQ4_0*>(dst);
    for (int64_t i = 0; i < n / QK; ++i, x += QK) {
        float max, amax;
        signed_absmax(x, QK, max, amax);
        const float d = max / -8;
        const float id = d != 0.f ? 1.0f / d : 0.0f;
        b[i].d = fp32_to_fp16(d);
        for (int j = 0; j < QK / 2; ++j) {
            const uint8_t lo = uint8_t(std::min(15, trunc_clamped(x[j] * id + 8.5f, -128, 127)));
            const uint8_t hi = uint8_t(std::min(15, trunc_clamped(x[j + 16] * id + 8.5f, -128, 127)));
            b[i].qs[j] = uint8_t(lo | (hi << 4));
        }
    }
}
float dot_q4_0(int64_t n, const void* w, const void* a) {
    const auto* x = static_cast<const BlockQ4_0*>(w);
    const auto* y = static_cast<const BlockQ8_0*>(a);
    float sum = 0.f;
    for (int64_t i = 0; i < n / QK; ++i) {
        int isum = 0;
        for (int j = 0; j < QK; ++j) isum += (nibble(x[i].qs, j) - 8) * y[i].qs[j];
        sum += float(isum) * fp16_to_fp32(x[i].d) * fp16_to_fp32(y[i].d);
    }
    return sum;
}

// ---- Q4_1 -------------------------------------------------------------------
void dequant_q4_1(const void* src, float* y, int64_t n) {
    const auto* b = static_cast<const BlockQ4_1*>(src);
    for (int64_t i = 0; i < n / QK; ++i, y += QK) {
        const float d = fp16_to_fp32(b[i].d), m = fp16_to_fp32(b[i].m);
        for (int j = 0; j < QK; ++j) y[j] = float(nibble(b[i].qs, j)) * d + m;
    }
}
void quant_q4_1(const float* x, void* dst, int64_t n) {
    auto* b = static_cast<BlockQ4_1*>(dst);
    for (int64_t i = 0; i < n / QK; ++i, x += QK) {
        float mn, mx;
        min_max(x, QK, mn, mx);
        const float d = (mx - mn) / 15;
        const float id = d != 0.f ? 1.0f / d : 0.0f;
        b[i].d = fp32_to_fp16(d);
        b[i].m = fp32_to_fp16(mn);
        for (int j = 0; j < QK / 2; ++j) {
            const uint8_t lo = uint8_t(std::min(15, trunc_clamped((x[j] - mn) * id + 0.5f, -128, 127)));
            const uint8_t hi = uint8_t(std::min(15, trunc_clamped((x[j + 16] - mn) * id + 0.5f, -128, 127)));
            b[i].qs[j] = uint8_t(lo | (hi << 4));
        }
    }
}
float dot_q4_1(int64_t n, const void* w, const void* a) {
    const auto* x = static_cast<const BlockQ4_1*>(w);
    const auto* y = static_cast<const BlockQ8_1*>(a);
    float sum = 0.f;
    for (int64_t i = 0; i < n / QK; ++i) {
        int isum = 0;
        for (int j = 0; j < QK; ++j) isum += nibble(x[i].qs, j) * y[i].qs[j];
        sum += float(isum) * fp16_to_fp32(x[i].d) * fp16_to_fp32(y[i].d) +
               fp16_to_fp32(x[i].m) * fp16_to_fp32(y[i].s);
    }
    return sum;
}

// ---- Q5_0 -------------------------------------------------------------------
namespace {
inline int q5(const uint8_t* qs, uint32_t qh, int j) { return nibble(qs, j) | int(((qh >> j) & 1) << 4); }
}  // namespace

void dequant_q5_0(const void* src, float* y, int64_t n) {
    const auto* b = static_cast<const BlockQ5_0*>(src);
    for (int64_t i = 0; i < n / QK; ++i, y += QK) {
        const float d = fp16_to_fp32(b[i].d);
        const uint32_t qh = load_qh(b[i].qh);
        for (int j = 0; j < QK; ++j) y[j] = float(q5(b[i].qs, qh, j) - 16) * d;
    }
}
void quant_q5_0(const float* x, void* dst, int64_t n) {
    auto* b = static_cast<BlockQ5_0*>(dst);
    for (int64_t i = 0; i < n / QK; ++i, x += QK) {
        float max, amax;
        signed_absmax(x, QK, max, amax);
        const float d = max / -16;
        const float id = d != 0.f ? 1.0f / d : 0.0f;
        b[i].d = fp32_to_fp16(d);
        uint32_t qh = 0;
        for (int j = 0; j < QK / 2; ++j) {
            const uint32_t lo = uint32_t(std::min(31, trunc_clamped(x[j] * id + 16.5f, -128, 127)));
            const uint32_t hi = uint32_t(std::min(31, trunc_clamped(x[j + 16] * id + 16.5f, -128, 127)));
            b[i].qs[j] = uint8_t((lo & 0xF) | ((hi & 0xF) << 4));
            qh |= ((lo >> 4) & 1) << j;
            qh |= ((hi >> 4) & 1) << (j + 16);
        }
        std::memcpy(b[i].qh, &qh, 4);
    }
}
float dot_q5_0(int64_t n, const void* w, const void* a) {
    const auto* x = static_cast<const BlockQ5_0*>(w);
    const auto* y = static_cast<const BlockQ8_0*>(a);
    float sum = 0.f;
    for (int64_t i = 0; i < n / QK; ++i) {
        const uint32_t qh = load_qh(x[i].qh);
        int isum = 0;
        for (int j = 0; j < QK; ++j) isum += (q5(x[i].qs, qh, j) - 16) * y[i].qs[j];
        sum += float(isum) * fp16_to_fp32(x[i].d) * fp16_to_fp32(y[i].d);
    }
    return sum;
}

// ---- Q5_1 -------------------------------------------------------------------
void dequant_q5_1(const void* src, float* y, int64_t n) {
    const auto* b = static_cast<const BlockQ5_1*>(src);
    for (int64_t i = 0; i < n / QK; ++i, y += QK) {
        const float d = fp16_to_fp32(b[i].d), m = fp16_to_fp32(b[i].m);
        const uint32_t qh = load_qh(b[i].qh);
        for (int j = 0; j < QK; ++j) y[j] = float(q5(b[i].qs, qh, j)) * d + m;
    }
}
void quant_q5_1(const float* x, void* dst, int64_t n) {
    auto* b = static_cast<BlockQ5_1*>(dst);
    for (int64_t i = 0; i < n / QK; ++i, x += QK) {
        float mn, mx;
        min_max(x, QK, mn, mx);
        const float d = (mx - mn) / 31;
        const float id = d != 0.f ? 1.0f / d : 0.0f;
        b[i].d = fp32_to_fp16(d);
        b[i].m = fp32_to_fp16(mn);
        uint32_t qh = 0;
        for (int j = 0; j < QK / 2; ++j) {
            const uint32_t lo = uint32_t(trunc_clamped((x[j] - mn) * id + 0.5f, 0, 255));
            const uint32_t hi = uint32_t(trunc_clamped((x[j + 16] - mn) * id + 0.5f, 0, 255));
            b[i].qs[j] = uint8_t((lo & 0xF) | ((hi & 0xF) << 4));
            qh |= ((lo >> 4) & 1) << j;
            qh |= ((hi >> 4) & 1) << (j + 16);
        }
        std::memcpy(b[i].qh, &qh, 4);
    }
}
float dot_q5_1(int64_t n, const void* w, const void* a) {
    const auto* x = static_cast<const BlockQ5_1*>(w);
    const auto* y = static_cast<const BlockQ8_1*>(a);
    float sum = 0.f;
    for (int64_t i = 0; i < n / QK; ++i) {
        const uint32_t qh = load_qh(x[i].qh);
        int isum = 0;
        for (int j = 0; j < QK; ++j) isum += q5(x[i].qs, qh, j) * y[i].qs[j];
        sum += float(isum) * fp16_to_fp32(x[i].d) * fp16_to_fp32(y[i].d) +
               fp16_to_fp32(x[i].m) * fp16_to_fp32(y[i].s);
    }
    return sum;
}

// ---- Q8_0 / Q8_1 ------------------------------------------------------------
void dequant_q8_0(const void* src, float* y, int64_t n) {
    const auto* b = static_cast<const BlockQ8_0*>(src);
    for (int64_t i = 0; i < n / QK; ++i, y += QK) {
        const float d = fp16_to_fp32(b[i].d);
        for (int j = 0; j < QK; ++j) y[j] = float(b[i].qs[j]) * d;
    }
}
void quant_q8_0(const float* x, void* dst, int64_t n) {
    auto* b = static_cast<BlockQ8_0*>(dst);
    for (int64_t i = 0; i < n / QK; ++i, x += QK) {
        float max, amax;
        signed_absmax(x, QK, max, amax);
        const float d = amax / 127;
        const float id = d != 0.f ? 1.0f / d : 0.0f;
        b[i].d = fp32_to_fp16(d);
        for (int j = 0; j < QK; ++j) b[i].qs[j] = int8_t(round_clamped(x[j] * id, -128, 127));
    }
}
float dot_q8_0(int64_t n, const void* w, const void* a) {
    const auto* x = static_cast<const BlockQ8_0*>(w);
    const auto* y = static_cast<const BlockQ8_0*>(a);
    float sum = 0.f;
    for (int64_t i = 0; i < n / QK; ++i) {
        int isum = 0;
        for (int j = 0; j < QK; ++j) isum += x[i].qs[j] * y[i].qs[j];
        sum += float(isum) * fp16_to_fp32(x[i].d) * fp16_to_fp32(y[i].d);
    }
    return sum;
}

void dequant_q8_1(const void* src, float* y, int64_t n) {
    const auto* b = static_cast<const BlockQ8_1*>(src);
    for (int64_t i = 0; i < n / QK; ++i, y += QK) {
        const float d = fp16_to_fp32(b[i].d);
        for (int j = 0; j < QK; ++j) y[j] = float(b[i].qs[j]) * d;
    }
}
void quant_q8_1(const float* x, void* dst, int64_t n) {
    auto* b = static_cast<BlockQ8_1*>(dst);
    for (int64_t i = 0; i < n / QK; ++i, x += QK) {
        float max, amax;
        signed_absmax(x, QK, max, amax);
        const float d = amax / 127;
        const float id = d != 0.f ? 1.0f / d : 0.0f;
        for (int j = 0; j < QK; ++j) b[i].qs[j] = int8_t(round_clamped(x[j] * id, -128, 127));
        b[i].d = fp32_to_fp16(d);
        b[i].s = fp32_to_fp16(float(sum_q8(b[i].qs)) * d);
    }
}
float dot_q8_1(int64_t, const void*, const void*) { return 0.f; }  // activation-only format

// Run-time activation quantizers: scale 127/amax, round half to even.
void quant_act_q8_0(const float* x, void* dst, int64_t n) {
    auto* b = static_cast<BlockQ8_0*>(dst);
    for (int64_t i = 0; i < n / QK; ++i, x += QK) {
        float max, amax;
        signed_absmax(x, QK, max, amax);
        const float id = amax != 0.f ? 127.f / amax : 0.f;
        for (int j = 0; j < QK; ++j) b[i].qs[j] = int8_t(std::clamp(nearest_int(x[j] * id), -128, 127));
        b[i].d = fp32_to_fp16(amax / 127.f);
    }
}
void quant_act_q8_1(const float* x, void* dst, int64_t n) {
    auto* b = static_cast<BlockQ8_1*>(dst);
    for (int64_t i = 0; i < n / QK; ++i, x += QK) {
        float max, amax;
        signed_absmax(x, QK, max, amax);
        const float d = amax / 127.f;
        const float id = amax != 0.f ? 127.f / amax : 0.f;
        for (int j = 0; j < QK; ++j) b[i].qs[j] = int8_t(std::clamp(nearest_int(x[j] * id), -128, 127));
        b[i].d = fp32_to_fp16(d);
        b[i].s = fp32_to_fp16(float(sum_q8(b[i].qs)) * d);
    }
}

// ---- IQ4_NL (the quantizer is in iq4_quant.cpp) ----------------------------
void dequant_iq4_nl(const void* src, float* y, int64_t n) {
    const auto* b = static_cast<const BlockIQ4_NL*>(src);
    for (int64_t i = 0; i < n / QK; ++i, y += QK) {
        const float d = fp16_to_fp32(b[i].d);
        for (int j = 0; j < QK; ++j) y[j] = d * float(kIQ4NL[nibble(b[i].qs, j)]);
    }
}
float dot_iq4_nl(int64_t n, const void* w, const void* a) {
    const auto* x = static_cast<const BlockIQ4_NL*>(w);
    const auto* y = static_cast<const BlockQ8_0*>(a);
    float sum = 0.f;
    for (int64_t i = 0; i < n / QK; ++i) {
        int isum = 0;
        for (int j = 0; j < QK; ++j) isum += kIQ4NL[nibble(x[i].qs, j)] * y[i].qs[j];
        sum += float(isum) * fp16_to_fp32(x[i].d) * fp16_to_fp32(y[i].d);
    }
    return sum;
}

}  // namespace lumen::kernels::ref
