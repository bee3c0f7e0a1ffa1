// TQ1_0 quantizer: ternary values {-1, 0, 1} times one F16 scale (the block's
// absolute maximum) per 256 values, packed base 3. A byte holding trits t0..t4
// (t0 most significant) stores ceil(256 * value / 243), so a dequantizer reads
// trit k as (((byte * 3^k) mod 256) * 3) >> 8. Layout and rounding follow the
// reference quantizer (identical bytes).
#include <algorithm>
#include <cmath>

#include "fp16.hpp"
#include "iq_blocks.hpp"
#include "scalar/file_quantizers.hpp"
#include "scalar/rounding.hpp"

namespace lumen::kernels {

namespace {

// Trits of x[0], x[stride], ... (count of them) as one base-3 number, first most
// significant, then scaled to a byte by ceiling division.
uint8_t pack_trits(const float* x, int count, int stride, float id, bool pad_to_five) {
    int q = 0;
    for (int k = 0; k < count; ++k) q = q * 3 + (round_clamped(x[k * stride] * id, -1, 1) + 1);
    if (pad_to_five) q *= 3;  // 4 trits: the first one still lands in the top place
    return uint8_t((q * 256 + 242) / 243);
}

}  // namespace

void quantize_tq1_0_rows(const float* x, void* dst, int64_t n, const float*) {
    auto* b = static_cast<BlockTQ1_0*>(dst);
    constexpr int kQs = int(sizeof b->qs), kQh = int(sizeof b->qh);  // 48, 4
    for (int64_t i = 0; i < n / QK_K; ++i) {
        float amax = 0;
        for (int k = 0; k < QK_K; ++k) amax = std::max(amax, std::fabs(x[k]));
        const float id = amax != 0.f ? 1.0f / amax : 0.0f;
        b[i].d = fp32_to_fp16(amax);
        // qs: 32-byte runs of 5 x 32 values, then a 16-byte run of 5 x 16 values.
        const int long_run = kQs - kQs % 32;
        for (int j = 0; j < long_run; j += 32, x += 5 * 32)
            for (int m = 0; m < 32; ++m) b[i].qs[j + m] = pack_trits(x + m, 5, 32, id, false);
        for (int j = long_run; j < kQs; j += 16, x += 5 * 16)
            for (int m = 0; m < 16; ++m) b[i].qs[j + m] = pack_trits(x + m, 5, 16, id, false);
        // qh: 4 values per byte, strided by 4.
        for (int j = 0; j < kQh; ++j) b[i].qh[j] = pack_trits(x + j, 4, kQh, id, true);
        x += 4 * kQh;
    }
}

}  // namespace lumen::kernels
