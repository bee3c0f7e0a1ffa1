// Each sampler on hand-built logits with exactly known distributions.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>

#include "lumen/sampler.hpp"

using namespace lumen;

namespace {

// logits = log(p) for the given probabilities: softmax gives p back.
std::vector<float> log_probs(std::vector<double> p) {
    std::vector<float> l;
    for (double x : p) l.push_back(float(std::log(x)));
    return l;
}

std::map<int32_t, float> as_map(const std::vector<TokenProb>& d) {
    std::map<int32_t, float> m;
    for (const auto& t : d) m[t.id] = t.p;
    return m;
}

SamplerParams plain() {
    SamplerParams p;
    p.temp = 1.f;
    p.top_k = 0;
    p.top_p = 1.f;
    p.min_p = 0.f;
    p.typical_p = 1.f;
    return p;
}

}  // namespace

TEST_CASE("sampler: plain softmax at temperature 1") {
    auto d = as_map(Sampler(plain()).distribution(log_probs({0.1, 0.2, 0.3, 0.4})));
    REQUIRE(d.size() == 4);
    CHECK(d[3] == Approx(0.4));
    CHECK(d[0] == Approx(0.1));
}

TEST_CASE("sampler: temperature sharpens and flattens") {
    auto p = plain();
    p.temp = 0.5f;  // p^2 renormalized: 1,4,9,16 / 30
    auto d = as_map(Sampler(p).distribution(log_probs({0.1, 0.2, 0.3, 0.4})));
    CHECK(d[3] == Approx(16.0 / 30));
    CHECK(d[0] == Approx(1.0 / 30));
    p.temp = 2.f;  // sqrt(p) renormalized
    d = as_map(Sampler(p).distribution(log_probs({0.1, 0.2, 0.3, 0.4})));
    const double z = std::sqrt(0.1) + std::sqrt(0.2) + std::sqrt(0.3) + std::sqrt(0.4);
    CHECK(d[1] == Approx(std::sqrt(0.2) / z));
}

TEST_CASE("sampler: greedy at temperature 0, lowest id on ties") {
    auto p = plain();
    p.temp = 0.f;
    Sampler s(p);
    CHECK(s.sample(std::vector<float>{1.f, 5.f, 5.f, 2.f}) == 1);
    const auto d = s.distribution(std::vector<float>{1.f, 5.f, 3.f});
    REQUIRE(d.size() == 1);
    CHECK(d[0].id == 1);
}

TEST_CASE("sampler: top-k keeps the k most likely") {
    auto p = plain();
    p.top_k = 2;
    auto d = as_map(Sampler(p).distribution(log_probs({0.1, 0.2, 0.3, 0.4})));
    REQUIRE(d.size() == 2);
    CHECK(d[3] == Approx(0.4 / 0.7));
    CHECK(d[2] == Approx(0.3 / 0.7));
}

TEST_CASE("sampler: top-p keeps the smallest set reaching p") {
    auto p = plain();
    p.top_p = 0.65f;  // 0.4 + 0.3 = 0.7 >= 0.65
    auto d = as_map(Sampler(p).distribution(log_probs({0.1, 0.2, 0.3, 0.4})));
    REQUIRE(d.size() == 2);
    CHECK(d[3] == Approx(0.4 / 0.7));
    p.top_p = 0.35f;  // the top token alone
    d = as_map(Sampler(p).distribution(log_probs({0.1, 0.2, 0.3, 0.4})));
    REQUIRE(d.size() == 1);
    CHECK(d[3] == Approx(1.0));
}

TEST_CASE("sampler: min-p keeps tokens at least min_p times the best") {
    auto p = plain();
    p.min_p = 0.5f;  // threshold 0.2: keeps 0.4, 0.3, 0.2
    auto d = as_map(Sampler(p).distribution(log_probs({0.1, 0.2, 0.3, 0.4})));
    REQUIRE(d.size() == 3);
    CHECK(d[1] == Approx(0.2 / 0.9));
}

TEST_CASE("sampler: typical keeps tokens closest to the entropy") {
    auto p = plain();
    p.typical_p = 0.5f;
    // Entropy H of {0.1,0.2,0.3,0.4}; |-log p - H| is smallest for 0.3, then 0.2.
    auto d = as_map(Sampler(p).distribution(log_probs({0.1, 0.2, 0.3, 0.4})));
    REQUIRE(d.size() == 2);
    CHECK(d.count(2) == 1);
    CHECK(d.count(1) == 1);
    CHECK(d[2] == Approx(0.3 / 0.5));
}

TEST_CASE("sampler: repeat, presence and frequency penalties") {
    auto p = plain();
    p.repeat_penalty = 2.f;
    Sampler s(p);
    s.accept(0);
    s.accept(1);
    s.accept(1);
    // logit 2 -> 1 (divided); logit -1 -> -2 (multiplied); token 2 untouched.
    auto d = as_map(s.distribution(std::vector<float>{2.f, -1.f, 0.5f}));
    double z = std::exp(1.0) + std::exp(-2.0) + std::exp(0.5);
    CHECK(d[0] == Approx(std::exp(1.0) / z));
    CHECK(d[1] == Approx(std::exp(-2.0) / z));
    p.repeat_penalty = 1.f;
    p.presence_penalty = 0.5f;
    p.frequency_penalty = 0.25f;
    Sampler f(p);
    f.accept(1);
    f.accept(1);
    // token 1: 0 - (2*0.25 + 0.5) = -1
    d = as_map(f.distribution(std::vector<float>{0.f, 0.f}));
    z = 1.0 + std::exp(-1.0);
    CHECK(d[1] == Approx(std::exp(-1.0) / z));
}

TEST_CASE("sampler: the same seed gives the same tokens") {
    SamplerParams p;
    p.seed = 42;
    Sampler a(p), b(p);
    const auto logits = log_probs({0.05, 0.15, 0.2, 0.25, 0.35});
    std::vector<int32_t> ta, tb;
    std::map<int32_t, int> counts;
    for (int i = 0; i < 200; ++i) {
        ta.push_back(a.sample(logits));
        tb.push_back(b.sample(logits));
        ++counts[ta.back()];
    }
    CHECK(ta == tb);
    CHECK(counts.size() >= 2);  // it does sample, not always the top token
    p.seed = 43;
    Sampler c(p);
    std::vector<int32_t> tc;
    for (int i = 0; i < 200; ++i) tc.push_back(c.sample(logits));
    CHECK(tc != ta);
}
