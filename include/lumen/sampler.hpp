// Token sampling: a fixed chain with llama.cpp's order and defaults
//   penalties -> top-k -> typical -> top-p -> min-p -> temperature -> draw
// Greedy (argmax after penalties) when temp <= 0. Same seed, same tokens.
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <vector>

#include "lumen/export.hpp"

namespace lumen {

struct SamplerParams {
    float temp = 0.8f;
    int top_k = 40;               // <= 0: off
    float top_p = 0.95f;          // 1: off
    float min_p = 0.05f;          // 0: off
    float typical_p = 1.0f;       // 1: off
    float repeat_penalty = 1.0f;  // 1: off
    int repeat_last_n = 64;       // tokens of history the penalties look at (0: off, -1: all kept)
    float presence_penalty = 0.0f;
    float frequency_penalty = 0.0f;
    uint64_t seed = 0xC0FFEE;
};

struct TokenProb {
    int32_t id;
    float p;
};

class LUMEN_API Sampler {
public:
    explicit Sampler(SamplerParams params = {});

    // Picks the next token from raw logits (n_vocab floats).
    int32_t sample(std::span<const float> logits);
    // Records a token in the history the penalties see (the sampled one is
    // recorded by sample(); call this for prompt tokens).
    void accept(int32_t token);
    void reset();  // clears the history and restarts the random stream

    // The distribution the final draw would use, highest first (for tests and tools).
    std::vector<TokenProb> distribution(std::span<const float> logits) const;
    const SamplerParams& params() const { return params_; }

private:
    std::vector<TokenProb> candidates(std::span<const float> logits) const;
    double next_uniform();

    SamplerParams params_;
    std::deque<int32_t> history_;
    uint64_t state_;
};

}  // namespace lumen
