// ops::matmul (as BM_MatVecStream calls it) on ~1 GiB of packed Q4_0 copies; mode: 0 synthetic bytes, 1 real-ish random scales
#include <sys/mman.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>
#include "dispatch.hpp"
#include "packed.hpp"
#include "ops/matmul.hpp"
using namespace lumen;
int main(int argc, char** argv) {
    const int mode = argc > 1 ? atoi(argv[1]) : 0;
    const int64_t rows = 2048, cols = 8192;
    const size_t gb = size_t(cols / 32) * 144, one = gb * (rows / 8);
    std::vector<uint8_t*> mats;
    std::mt19937 rng(1);
    std::vector<uint8_t> src(one);
    for (auto& b : src) b = uint8_t(rng());
    auto* blk = (kernels::BlockQ4_0x8*)src.data();
    for (size_t i = 0; i < one / 144; ++i) for (int r = 0; r < 8; ++r) blk[i].d[r] = mode ? uint16_t(0x2000 + (rng() & 0x3ff)) : 0x3c00;
    for (size_t m = 0; m < (size_t(1) << 30) / one + 1; ++m) { size_t sz = (one + (1 << 21) - 1) & ~size_t((1 << 21) - 1); uint8_t* p = (uint8_t*)aligned_alloc(1 << 21, sz); madvise(p, sz, MADV_HUGEPAGE); memcpy(p, src.data(), one); mats.push_back(p); }
    std::vector<float> x(cols), y(rows);
    std::normal_distribution<float> nd;
    for (auto& v : x) v = nd(rng);
    std::vector<std::byte> scratch;
    const auto& ks = kernels::kernel_set(Isa::avx512);
    for (int rep = 0; rep < 3; ++rep) {
        auto t0 = std::chrono::steady_clock::now();
        for (int r = 0; r < 2; ++r)
            for (auto* m : mats) {
                ops::WeightView view{TensorType::Q4_0, m, rows, cols, size_t(cols / 32 * 18)};
                view.packed = m;
                ops::matmul(ks, view, x.data(), 1, y.data(), rows, scratch, 1);
            }
        auto t1 = std::chrono::steady_clock::now();
        printf(" %.1f", double(one) * mats.size() * 2 / std::chrono::duration<double>(t1 - t0).count() / 1e9);
    }
    printf(" GB/s (mode %d) %g\n", mode, y[5]);
}
