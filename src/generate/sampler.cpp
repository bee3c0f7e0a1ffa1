#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>

#include "lumen/error.hpp"
#include "lumen/sampler.hpp"

namespace lumen {

namespace {

struct Cand {
    int32_t id;
    float logit;
    float p = 0.f;
};

// Sorts by logit (highest first, lower id on ties) and sets p = softmax(logit).
void softmax_sorted(std::vector<Cand>& c) {
    std::sort(c.begin(), c.end(), [](const Cand& a, const Cand& b) {
        return a.logit > b.logit || (a.logit == b.logit && a.id < b.id);
    });
    const float max = c.front().logit;
    double sum = 0.0;
    for (auto& x : c) {
        x.p = std::exp(x.logit - max);
        sum += x.p;
    }
    for (auto& x : c) x.p = float(x.p / sum);
}

void top_k(std::vector<Cand>& c, int k) {
    if (k > 0 && size_t(k) < c.size()) c.resize(size_t(k));
}

// Smallest prefix whose probabilities reach p (at least one token).
void top_p(std::vector<Cand>& c, float p) {
    if (p >= 1.f) return;
    softmax_sorted(c);
    double cum = 0.0;
    size_t keep = c.size();
    for (size_t i = 0; i < c.size(); ++i) {
        cum += c[i].p;
        if (cum >= p) {
            keep = i + 1;
            break;
        }
    }
    c.resize(keep);
}

// Tokens at least min_p times as likely as the most likely one.
void min_p(std::vector<Cand>& c, float m) {
    if (m <= 0.f) return;
    softmax_sorted(c);
    const float threshold = c.front().p * m;
    size_t keep = 1;
    while (keep < c.size() && c[keep].p >= threshold) ++keep;
    c.resize(keep);
}

// Locally typical sampling: keep the tokens whose surprise is closest to the
// distribution's entropy, until their mass reaches `t`.
void typical(std::vector<Cand>& c, float t) {
    if (t >= 1.f) return;
    softmax_sorted(c);
    double entropy = 0.0;
    for (const auto& x : c)
        if (x.p > 0.f) entropy -= double(x.p) * std::log(double(x.p));
    std::vector<size_t> order(c.size());
    std::iota(order.begin(), order.end(), size_t(0));
    auto deviation = [&](size_t i) { return std::fabs(-std::log(double(c[i].p)) - entropy); };
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return deviation(a) < deviation(b); });
    double cum = 0.0;
    size_t keep = order.size();
    for (size_t i = 0; i < order.size(); ++i) {
        cum += c[order[i]].p;
        if (cum > t) {
            keep = i + 1;
            break;
        }
    }
    std::vector<Cand> out;
    for (size_t i = 0; i < keep; ++i) out.push_back(c[order[i]]);
    c = std::move(out);
}

}  // namespace

Sampler::Sampler(SamplerParams params) : params_(params), state_(params.seed) {
    if (params_.repeat_penalty <= 0.f) throw Error("repeat penalty must be positive");
}

void Sampler::reset() {
    history_.clear();
    state_ = params_.seed;
}

void Sampler::accept(int32_t token) {
    if (params_.repeat_last_n == 0) return;
    history_.push_back(token);
    const size_t cap = params_.repeat_last_n < 0 ? SIZE_MAX : size_t(params_.repeat_last_n);
    while (history_.size() > cap) history_.pop_front();
}

// splitmix64: a small, fully specified generator, so a seed gives the same
// tokens on every platform and standard library.
double Sampler::next_uniform() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return double(z >> 11) * 0x1.0p-53;
}

std::vector<TokenProb> Sampler::candidates(std::span<const float> logits) const {
    if (logits.empty()) throw Error("sampler: no logits");
    std::vector<Cand> c(logits.size());
    for (size_t i = 0; i < logits.size(); ++i) c[i] = {int32_t(i), logits[i]};
    // Penalties on the recent history.
    if (!history_.empty() && (params_.repeat_penalty != 1.f || params_.presence_penalty != 0.f ||
                              params_.frequency_penalty != 0.f)) {
        std::unordered_map<int32_t, int> counts;
        for (int32_t t : history_) ++counts[t];
        for (const auto& [id, n] : counts) {
            if (id < 0 || size_t(id) >= c.size()) continue;
            float& l = c[size_t(id)].logit;
            l = l <= 0.f ? l * params_.repeat_penalty : l / params_.repeat_penalty;
            l -= float(n) * params_.frequency_penalty + params_.presence_penalty;
        }
    }
    if (params_.temp <= 0.f) {
        const auto best = std::max_element(c.begin(), c.end(), [](const Cand& a, const Cand& b) {
            return a.logit < b.logit || (a.logit == b.logit && a.id > b.id);
        });
        return {{best->id, 1.f}};
    }
    softmax_sorted(c);
    top_k(c, params_.top_k);
    typical(c, params_.typical_p);
    top_p(c, params_.top_p);
    min_p(c, params_.min_p);
    for (auto& x : c) x.logit /= params_.temp;
    softmax_sorted(c);
    std::vector<TokenProb> out;
    out.reserve(c.size());
    for (const auto& x : c) out.push_back({x.id, x.p});
    return out;
}

std::vector<TokenProb> Sampler::distribution(std::span<const float> logits) const { return candidates(logits); }

int32_t Sampler::sample(std::span<const float> logits) {
    const auto dist = candidates(logits);
    int32_t pick = dist.back().id;
    if (dist.size() == 1) {
        pick = dist.front().id;
    } else {
        const double u = next_uniform();
        double cum = 0.0;
        for (const auto& t : dist) {
            cum += t.p;
            if (u < cum) {
                pick = t.id;
                break;
            }
        }
    }
    accept(pick);
    return pick;
}

}  // namespace lumen
