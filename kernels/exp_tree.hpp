// The sum of 16 floats as the reference's AVX-512 softmax forms it (a 512-bit
// horizontal add): lanes i + (i + 8), then + 4, + 2, + 1. Written once for the
// scalar kernel and every SIMD variant, so the softmax sum has the same bits
// whatever the vector width.
#pragma once

namespace lumen::kernels {

inline float sum16_halving(const float* v) {
    float t[8];
    for (int i = 0; i < 8; ++i) t[i] = v[i] + v[i + 8];
    for (int w = 4; w >= 1; w /= 2)
        for (int i = 0; i < w; ++i) t[i] = t[i] + t[i + w];
    return t[0];
}

}  // namespace lumen::kernels
