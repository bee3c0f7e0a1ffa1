// F32 and F16 weights times a prompt batch (KernelSet::batch_dot) in the order
// of the reference's AVX-512 prompt GEMM: one 16-lane accumulator per output,
// fused multiply-adds over steps of 16, then the lanes halved 8, 4, 2, 1.
// The 16 lanes are two 8-lane halves here, so AVX2 and AVX-512 give the same
// bits (and the same as the portable ref::dot_*_lanes16). n % 16 == 0.
// Included inside the ISA namespace of avx2.cpp / avx512.cpp.

template <class Load8>
float dot_lanes16(int64_t n, Load8 load) {
    __m256 lo = _mm256_setzero_ps(), hi = _mm256_setzero_ps();
    for (int64_t i = 0; i < n; i += 16) {
        __m256 w, a;
        load(i, w, a);
        lo = _mm256_fmadd_ps(w, a, lo);
        load(i + 8, w, a);
        hi = _mm256_fmadd_ps(w, a, hi);
    }
    const __m256 half8 = _mm256_add_ps(hi, lo);  // lane l + lane l + 8
    const __m128 q = _mm_add_ps(_mm256_extractf128_ps(half8, 1), _mm256_castps256_ps128(half8));
    const __m128 p = _mm_add_ps(_mm_shuffle_ps(q, q, _MM_SHUFFLE(1, 0, 3, 2)), q);
    return _mm_cvtss_f32(_mm_add_ss(_mm_shuffle_ps(p, p, _MM_SHUFFLE(0, 0, 0, 1)), p));
}

float batch_dot_f32(int64_t n, const void* wv, const void* av) {
    const float* w = static_cast<const float*>(wv);
    const float* a = static_cast<const float*>(av);
    return dot_lanes16(n, [w, a](int64_t i, __m256& x, __m256& y) {
        x = _mm256_loadu_ps(w + i);
        y = _mm256_loadu_ps(a + i);
    });
}

float batch_dot_f16(int64_t n, const void* wv, const void* av) {
    const uint16_t* w = static_cast<const uint16_t*>(wv);
    const uint16_t* a = static_cast<const uint16_t*>(av);
    return dot_lanes16(n, [w, a](int64_t i, __m256& x, __m256& y) {
        x = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w + i)));
        y = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i)));
    });
}
