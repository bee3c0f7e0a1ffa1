// The element-wise float kernels (softmax numerators and their sum, SiLU times
// up): every SIMD set against the scalar twin, bit for bit (one arithmetic,
// elementwise_math.hpp), and that arithmetic's exp against the C library's
// (the bounds are what was measured: at most 2 ulp, 46 % of values equal).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>

#include "dispatch.hpp"
#include "elementwise_math.hpp"

using namespace lumen;

namespace {

int ulp_distance(float a, float b) {  // a, b finite and of one sign
    int32_t ia, ib;
    std::memcpy(&ia, &a, 4);
    std::memcpy(&ib, &b, 4);
    return std::abs(ia - ib);
}

std::vector<float> random_floats(size_t n, uint32_t seed, float lo, float hi) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> dist(lo, hi);
    std::vector<float> v(n);
    for (auto& x : v) x = dist(rng);
    return v;
}

// The reference order, recomputed from given exponentials (rows of 16, the
// last one padded with zeros).
double ordered_sum(const std::vector<float>& y) {
    double sum = 0.0;
    for (size_t i = 0; i < y.size(); i += 16) {
        float row[16] = {};
        for (size_t k = 0; k < 16 && i + k < y.size(); ++k) row[k] = y[i + k];
        sum += double(kernels::sum16_halving(row));
    }
    return sum;
}

}  // namespace

TEST_CASE("exp of the element-wise kernels (the reference's) is within 2 ulp of the C library's, with exact edges") {
    int worst = 0;
    long equal = 0, total = 0;
    for (float x = -103.f; x < 88.7f; x += 3.1e-4f, ++total) {  // normal and denormal results
        const int d = ulp_distance(kernels::exp_same_bits(x), std::exp(x));
        worst = std::max(worst, d);
        equal += d == 0;
    }
    CHECK(worst <= 2);
    CHECK(double(equal) / double(total) > 0.4);  // measured: 46 %
    CHECK(kernels::exp_same_bits(0.f) == 1.f);
    CHECK(kernels::exp_same_bits(-INFINITY) == 0.f);
    CHECK(kernels::exp_same_bits(-200.f) == 0.f);
    CHECK(std::isinf(kernels::exp_same_bits(100.f)));
    CHECK(std::isinf(kernels::exp_same_bits(INFINITY)));
}

TEST_CASE("softmax exponentials and their ordered sum: every ISA equals the scalar twin bit for bit") {
    const kernels::KernelSet& ref = kernels::kernel_set(Isa::scalar);
    for (Isa isa : kAllIsas) {
        if (!isa_supported(isa)) continue;
        const kernels::KernelSet& ks = kernels::kernel_set(isa);
        for (int n : {1, 15, 16, 17, 40, 64, 257, 4096}) {
            INFO(isa_name(isa) << " n=" << n);
            auto x = random_floats(size_t(n), 3u + uint32_t(n), -120.f, 8.f);
            if (n > 1) x[0] = -INFINITY;  // a masked position (never all of them)
            float max = -INFINITY;
            for (float v : x) max = std::max(max, v);
            std::vector<float> y1(x.size()), y2(x.size());
            const double s1 = ks.exp_sum(y1.data(), x.data(), max, n);
            const double s2 = ref.exp_sum(y2.data(), x.data(), max, n);
            CHECK(y1 == y2);
            CHECK(s1 == s2);
            CHECK(s2 == ordered_sum(y2));  // the documented order
            if (n > 1) CHECK(y1[0] == 0.f);
            for (size_t i = 0; i < x.size(); ++i)
                if (x[i] == max) CHECK(y1[i] == 1.f);
            std::vector<float> z = x;  // in place, as attention calls it
            CHECK(ks.exp_sum(z.data(), z.data(), max, n) == s1);
            CHECK(z == y1);
        }
    }
}

TEST_CASE("scaled attention scores and their maximum: every ISA equals the scalar twin") {
    const kernels::KernelSet& ref = kernels::kernel_set(Isa::scalar);
    for (Isa isa : kAllIsas) {
        if (!isa_supported(isa)) continue;
        const kernels::KernelSet& ks = kernels::kernel_set(isa);
        for (int n : {0, 1, 7, 16, 33, 4096}) {
            INFO(isa_name(isa) << " n=" << n);
            auto x = random_floats(size_t(n), 9u + uint32_t(n), -50.f, 50.f);
            if (n > 20) x[size_t(n) - 3] = 1e30f;  // the maximum in the tail or a late batch
            std::vector<float> a = x, b = x;
            const float m1 = ks.scale_max(a.data(), n, 0.125f), m2 = ref.scale_max(b.data(), n, 0.125f);
            CHECK(a == b);
            CHECK(m1 == m2);
            CHECK(m2 == (n == 0 ? -INFINITY : *std::max_element(b.begin(), b.end())));
            if (n > 20) CHECK(m2 == 1e30f * 0.125f);
        }
    }
}

TEST_CASE("SiLU(gate) * up: every ISA equals the scalar twin bit for bit") {
    const kernels::KernelSet& ref = kernels::kernel_set(Isa::scalar);
    for (Isa isa : kAllIsas) {
        if (!isa_supported(isa)) continue;
        const kernels::KernelSet& ks = kernels::kernel_set(isa);
        for (int n : {1, 7, 16, 33, 5632}) {
            INFO(isa_name(isa) << " n=" << n);
            auto gate = random_floats(size_t(n), 5u + uint32_t(n), -100.f, 100.f);
            gate[0] = 0.f;
            const auto up = random_floats(size_t(n), 6u + uint32_t(n), -2.f, 2.f);
            std::vector<float> g1 = gate, g2 = gate;
            ks.silu_mul(g1.data(), up.data(), n);
            ref.silu_mul(g2.data(), up.data(), n);
            for (size_t i = 0; i < g1.size(); ++i)
                if (std::memcmp(&g1[i], &g2[i], 4) != 0) {
                    INFO("first difference at " << i << ": gate " << gate[i] << ", up " << up[i] << ": " << g1[i]
                                                << " vs " << g2[i]);
                    CHECK(false);
                    break;
                }
            CHECK(g1 == g2);
            CHECK(g2[0] == 0.f);
        }
    }
}
