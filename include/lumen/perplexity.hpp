// Perplexity and KL divergence, computed the conventional way: the text is cut
// into non-overlapping chunks of n_ctx tokens, each evaluated on a fresh context
// starting with BOS, and only the second half of each chunk is scored.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <vector>

#include "lumen/export.hpp"
#include "lumen/model.hpp"
#include "lumen/session.hpp"

namespace lumen {

struct PerplexityOptions {
    int n_ctx = 512;
    SessionOptions session;  // n_ctx is taken from above
    // KL divergence: write this model's log-probabilities as the base, or
    // compare against a base written earlier (e.g. by the F32 model).
    std::optional<std::filesystem::path> save_base, compare_base;
};

struct PerplexityResult {
    int n_chunks = 0, n_scored = 0;
    std::vector<double> running;  // estimate after each chunk
    double ppl = 0, ppl_error = 0;
    // With compare_base:
    bool has_kld = false;
    double base_ppl = 0, mean_kld = 0, kld_error = 0, top1_agreement = 0;  // agreement in [0, 1]
};

// Called after each chunk with (chunk index, chunk count, running estimate).
using PerplexityProgress = std::function<void(int, int, double)>;

LUMEN_API PerplexityResult perplexity(std::shared_ptr<const Model> model, const std::vector<int32_t>& tokens,
                                      const PerplexityOptions& options, const PerplexityProgress& progress = {});

}  // namespace lumen
