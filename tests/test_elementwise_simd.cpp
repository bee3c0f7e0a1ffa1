// The element-wise float kernels (softmax numerators and their sum, SiLU times
// up) of every SIMD set against their scalar twins. exp differs: xsimd's
// against std::exp, so values are compared in units in the last place (the
// bound below is the largest difference measured over these inputs, on x86 and
// under qemu for ARM). The softmax sum's order is compared exactly: it must be
// the reference's order over the kernel's own exponentials.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <random>

#include "dispatch.hpp"
#include "exp_tree.hpp"

using namespace lumen;

namespace {

constexpr int kMaxUlp = 2;

int ulp_distance(float a, float b) {
    int32_t ia, ib;
    std::memcpy(&ia, &a, 4);
    std::memcpy(&ib, &b, 4);
    return std::abs(ia - ib);  // same sign throughout these tests (exp > 0; silu*up compared per sign)
}

std::vector<float> random_floats(size_t n, uint32_t seed, float lo, float hi) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> dist(lo, hi);
    std::vector<float> v(n);
    for (auto& x : v) x = dist(rng);
    return v;
}

// The reference order, recomputed from given exponentials.
double ordered_sum(const std::vector<float>& y) {
    double sum = 0.0;
    size_t i = 0;
    for (; i + 16 <= y.size(); i += 16) sum += double(kernels::sum16_halving(&y[i]));
    for (; i < y.size(); ++i) sum += double(y[i]);
    return sum;
}

}  // namespace

TEST_CASE("softmax exponentials and their ordered sum match the scalar twin within 2 ulp, order exact") {
    const kernels::KernelSet& ref = kernels::kernel_set(Isa::scalar);
    for (Isa isa : kAllIsas) {
        if (!isa_supported(isa)) continue;
        const kernels::KernelSet& ks = kernels::kernel_set(isa);
        for (int n : {1, 15, 16, 17, 40, 64, 257, 4096}) {
            INFO(isa_name(isa) << " n=" << n);
            auto x = random_floats(size_t(n), 3u + uint32_t(n), -30.f, 8.f);
            if (n > 1) x[0] = -INFINITY;  // a masked position (never all of them)
            float max = -INFINITY;
            for (float v : x) max = std::max(max, v);
            std::vector<float> y1(x.size()), y2(x.size());
            const double s1 = ks.exp_sum(y1.data(), x.data(), max, n);
            const double s2 = ref.exp_sum(y2.data(), x.data(), max, n);
            if (n > 1) CHECK(y1[0] == 0.f);
            int worst = 0;
            for (size_t i = 0; i < x.size(); ++i) {
                if (x[i] == max) CHECK(y1[i] == 1.f);
                worst = std::max(worst, ulp_distance(y1[i], y2[i]));
            }
            CHECK(worst <= kMaxUlp);
            CHECK(s1 == ordered_sum(y1));  // the order, bit for bit
            CHECK(s2 == ordered_sum(y2));
            // In place, as attention calls it.
            std::vector<float> z = x;
            CHECK(ks.exp_sum(z.data(), z.data(), max, n) == s1);
            CHECK(z == y1);
        }
    }
}

TEST_CASE("SiLU(gate) * up matches the scalar twin within 2 ulp") {
    const kernels::KernelSet& ref = kernels::kernel_set(Isa::scalar);
    for (Isa isa : kAllIsas) {
        if (!isa_supported(isa)) continue;
        const kernels::KernelSet& ks = kernels::kernel_set(isa);
        for (int n : {1, 7, 16, 33, 5632}) {
            INFO(isa_name(isa) << " n=" << n);
            const auto gate = random_floats(size_t(n), 5u + uint32_t(n), -12.f, 12.f);
            const auto up = random_floats(size_t(n), 6u + uint32_t(n), 0.25f, 2.f);  // positive: signs follow gate
            std::vector<float> g1 = gate, g2 = gate;
            ks.silu_mul(g1.data(), up.data(), n);
            ref.silu_mul(g2.data(), up.data(), n);
            int worst = 0;
            for (size_t i = 0; i < gate.size(); ++i) worst = std::max(worst, ulp_distance(g1[i], g2[i]));
            CHECK(worst <= kMaxUlp);
        }
    }
}
