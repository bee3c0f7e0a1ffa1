// Dot products of the 32-element block types (part of the ARM kernel body; see
// arm_kernels.inl). Each kernel is written once as dotc_<type><C>: one pass
// over a weight row computes its dot product with C activation rows, decoding
// each weight block once. dot_<type> (C = 1, generation) and dot4_<type>
// (C = 4, prompt processing) are instances of the same code. Per block the
// float steps are the scalar reference's, in its order.

#define LUMEN_DOT_ENTRY_POINTS(name)                                                   \
    float dot_##name(int64_t n, const void* w, const void* a) {                         \
        float r;                                                                        \
        dotc_##name<1>(n, w, &a, &r);                                                   \
        return r;                                                                       \
    }                                                                                   \
    void dot4_##name(int64_t n, const void* w, const void* const* a, float* out) {      \
        dotc_##name<4>(n, w, a, out);                                                   \
    }

// Signed weights against Q8_0 activations (Q8_0, Q4_0, Q5_0, IQ4_NL):
// decode(i, w0, w1) gives block i's weights 0..15 and 16..31 and returns its
// scale; sum += float(isum) * d_w * d_a, as ref::dot_q4_0.
template <int C, class Block, class Decode>
void dotc_signed32(int64_t n, const Block* x, const void* const* av, float* out, Decode decode) {
    const BlockQ8_0* y[C];
    activation_blocks(av, y);
    float sum[C] = {};
    for (int64_t i = 0; i < n / QK; ++i) {
        prefetch_ahead(x + i);
        int8x16_t w0, w1;
        const float dx = decode(x[i], w0, w1);
        for (int c = 0; c < C; ++c) sum[c] += float(dot32(w0, w1, y[c][i].qs)) * dx * half(y[c][i].d);
    }
    for (int c = 0; c < C; ++c) out[c] = sum[c];
}

inline float decode_q8_0(const BlockQ8_0& b, int8x16_t& w0, int8x16_t& w1) {
    w0 = load16(b.qs);
    w1 = load16(b.qs + 16);
    return half(b.d);
}

inline float decode_q4_0(const BlockQ4_0& b, int8x16_t& w0, int8x16_t& w1) {
    const uint8x16_t q = load16(b.qs);
    w0 = vsubq_s8(low_nibbles(q), vdupq_n_s8(8));
    w1 = vsubq_s8(high_nibbles(q), vdupq_n_s8(8));
    return half(b.d);
}

// The 5-bit values (nibble | fifth bit << 4) of a Q5_0 / Q5_1 block.
template <class Block>
inline void q5_values(const Block& b, int8x16_t& w0, int8x16_t& w1) {
    uint32_t qh;
    std::memcpy(&qh, b.qh, 4);
    const uint8x16_t q = load16(b.qs), bit4 = vdupq_n_u8(0x10);
    w0 = as_s8(vorrq_u8(vandq_u8(q, vdupq_n_u8(0x0F)), vandq_u8(bits_to_bytes16(qh), bit4)));
    w1 = as_s8(vorrq_u8(vshrq_n_u8(q, 4), vandq_u8(bits_to_bytes16(qh >> 16), bit4)));
}

inline float decode_q5_0(const BlockQ5_0& b, int8x16_t& w0, int8x16_t& w1) {
    q5_values(b, w0, w1);
    w0 = vsubq_s8(w0, vdupq_n_s8(16));
    w1 = vsubq_s8(w1, vdupq_n_s8(16));
    return half(b.d);
}

inline float decode_iq4_nl(const BlockIQ4_NL& b, int8x16_t& w0, int8x16_t& w1) {
    const int8x16_t levels = vld1q_s8(kIQ4NL);
    const uint8x16_t q = load16(b.qs);
    w0 = vqtbl1q_s8(levels, vandq_u8(q, vdupq_n_u8(0x0F)));
    w1 = vqtbl1q_s8(levels, vshrq_n_u8(q, 4));
    return half(b.d);
}

#define LUMEN_SIGNED32_KERNEL(name, Block)                                            \
    template <int C>                                                                  \
    void dotc_##name(int64_t n, const void* wv, const void* const* av, float* out) {  \
        dotc_signed32<C>(n, static_cast<const Block*>(wv), av, out,                   \
                         [](const Block& b, int8x16_t& w0, int8x16_t& w1) {           \
                             return decode_##name(b, w0, w1);                         \
                         });                                                          \
    }                                                                                 \
    LUMEN_DOT_ENTRY_POINTS(name)

LUMEN_SIGNED32_KERNEL(q8_0, BlockQ8_0)
LUMEN_SIGNED32_KERNEL(q4_0, BlockQ4_0)
LUMEN_SIGNED32_KERNEL(q5_0, BlockQ5_0)
LUMEN_SIGNED32_KERNEL(iq4_nl, BlockIQ4_NL)
#undef LUMEN_SIGNED32_KERNEL

// Q4_1 and Q5_1: unsigned values with a per-block minimum (activations in Q8_1):
// sum += float(isum) * d_w * d_a + m_w * s_a, as ref::dot_q4_1.
template <int C, class Block, class Values>
void dotc_unsigned32(int64_t n, const Block* x, const void* const* av, float* out, Values values) {
    const BlockQ8_1* y[C];
    activation_blocks(av, y);
    float sum[C] = {};
    for (int64_t i = 0; i < n / QK; ++i) {
        prefetch_ahead(x + i);
        int8x16_t w0, w1;
        values(x[i], w0, w1);
        const float dx = half(x[i].d), mx = half(x[i].m);
        for (int c = 0; c < C; ++c)
            sum[c] += float(dot32(w0, w1, y[c][i].qs)) * dx * half(y[c][i].d) + mx * half(y[c][i].s);
    }
    for (int c = 0; c < C; ++c) out[c] = sum[c];
}

template <int C>
void dotc_q4_1(int64_t n, const void* wv, const void* const* av, float* out) {
    dotc_unsigned32<C>(n, static_cast<const BlockQ4_1*>(wv), av, out,
                       [](const BlockQ4_1& b, int8x16_t& w0, int8x16_t& w1) {
                           const uint8x16_t q = load16(b.qs);
                           w0 = low_nibbles(q);
                           w1 = high_nibbles(q);
                       });
}
LUMEN_DOT_ENTRY_POINTS(q4_1)

template <int C>
void dotc_q5_1(int64_t n, const void* wv, const void* const* av, float* out) {
    dotc_unsigned32<C>(n, static_cast<const BlockQ5_1*>(wv), av, out,
                       [](const BlockQ5_1& b, int8x16_t& w0, int8x16_t& w1) { q5_values(b, w0, w1); });
}
LUMEN_DOT_ENTRY_POINTS(q5_1)
