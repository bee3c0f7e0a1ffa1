// The library's packed Q4_0 kernel on the stand-alone buffer of q40.cpp.
#include <sys/mman.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>
#include "dispatch.hpp"
#include "packed.hpp"
#include "blocks.hpp"
using namespace lumen;
int main(int argc, char** argv) {
    const size_t hot = argc > 1 ? atol(argv[1]) : 0; const bool split = argc > 2;
    const auto& ks = kernels::kernel_set(Isa::avx512);
    auto gemm = ks.packed(TensorType::Q4_0);
    const long cols = 8192, nbr = cols / 32;
    const size_t n = hot ? hot : size_t(1) << 30;
    const size_t gb = nbr * 144, groups = n / gb, bytes = groups * gb;
    uint8_t* buf = (uint8_t*)aligned_alloc(1 << 21, (bytes + (1 << 21)) & ~size_t((1 << 21) - 1));
    madvise(buf, bytes, MADV_HUGEPAGE);
    for (size_t i = 0; i < bytes; ++i) buf[i] = uint8_t(i * 2654435761u >> 13);
    auto* blk = (kernels::BlockQ4_0x8*)buf;
    for (size_t i = 0; i < groups * nbr; ++i) for (int r = 0; r < 8; ++r) blk[i].d[r] = 0x3c00;
    static kernels::BlockQ8_0 y[256]; static kernels::ActBlockInfo info[256];
    for (int b = 0; b < 256; ++b) { y[b].d = 0x3c00; int s = 0; for (int j = 0; j < 32; ++j) { y[b].qs[j] = int8_t(j * 7 - 100); s += y[b].qs[j]; } info[b] = {1.f, s}; }
    static float out[1 << 20];
    std::vector<uint8_t*> mats;
    if (split) for (size_t m = 0; m < bytes / (256 * gb); ++m) { size_t sz = ((256 * gb) + (1 << 21) - 1) & ~size_t((1 << 21) - 1); uint8_t* p = (uint8_t*)aligned_alloc(1 << 21, sz); madvise(p, sz, MADV_HUGEPAGE); memcpy(p, buf, 256 * gb); mats.push_back(p); }
    const void* acts[1] = {y}; const kernels::ActBlockInfo* ai[1] = {info};
    const int reps = hot ? int((size_t(1) << 32) / bytes) : 2;
    double best = 0;
    for (int rep = 0; rep < 3; ++rep) {
        auto t0 = std::chrono::steady_clock::now();
        for (int r = 0; r < reps; ++r)
            if (split) { for (size_t m = 0; m < mats.size(); ++m) for (size_t g = 0; g < 256; ++g) gemm(cols, mats[m] + g * gb, acts, ai, 1, out + 8 * g, 1); }
            else for (size_t g = 0; g < groups; ++g) gemm(cols, buf + g * gb, acts, ai, 1, out + 8 * (g & 1023), 1);
        auto t1 = std::chrono::steady_clock::now();
        double gbs = double(bytes) * reps / std::chrono::duration<double>(t1 - t0).count() / 1e9;
        if (gbs > best) best = gbs; printf(" %.1f", gbs);
    }
    printf("lib hot=%zu %.1f GB/s %.1f cyc/blk (%g)\n", hot, best, 144 / best * 3.6, out[3]);
}
