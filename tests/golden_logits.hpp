// Loading and comparing the reference logits goldens (golden/logits/*.json,
// format in tests/data/golden/README.md section 2).
#pragma once

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "lumen/generate.hpp"
#include "lumen/model.hpp"
#include "lumen/session.hpp"

#include <catch2/catch.hpp>
#include "test_helpers.hpp"

namespace lumen::test {

struct GoldenLogits {
    std::string file, model, prompt;
    std::vector<int32_t> tokens;
    int n_vocab = 0;
    std::vector<std::vector<std::pair<int, float>>> positions;  // top-20 per prompt position
    std::vector<float> last_logits;
    std::vector<int32_t> greedy;
    std::vector<std::vector<std::pair<int, float>>> greedy_top5;
    nlohmann::json lora;

    std::filesystem::path model_file() const {
        if (model == "stories260K.gguf") return source_dir() / "models" / model;
        return data_dir() / "models" / model;
    }
};

inline GoldenLogits load_golden(const std::string& name) {
    const auto j = nlohmann::json::parse(read_text(golden_path("logits/" + name)));
    GoldenLogits g;
    g.file = name;
    g.model = j["model"];
    g.prompt = j["prompt"];
    g.tokens = j["tokens"].get<std::vector<int32_t>>();
    g.n_vocab = j["n_vocab"];
    g.lora = j["lora"];
    for (const auto& p : j["positions"]) {
        std::vector<std::pair<int, float>> top;
        for (const auto& e : p["top"]) top.emplace_back(e[0].get<int>(), e[1].get<float>());
        g.positions.push_back(top);
    }
    g.last_logits = j["last_logits"].get<std::vector<float>>();
    g.greedy = j["greedy"]["tokens"].get<std::vector<int32_t>>();
    for (const auto& s : j["greedy"]["steps"]) {
        std::vector<std::pair<int, float>> top;
        for (const auto& e : s["top5"]) top.emplace_back(e[0].get<int>(), e[1].get<float>());
        g.greedy_top5.push_back(top);
    }
    return g;
}

inline int argmax(std::span<const float> v) {
    return int(std::max_element(v.begin(), v.end()) - v.begin());  // first max: lowest id on ties
}

// Margin between the best and second-best logit.
inline float top_margin(const std::vector<std::pair<int, float>>& top) {
    return top.size() < 2 ? INFINITY : top[0].second - top[1].second;
}

// Greedy continuation of `prompt` (n tokens, no stop at end-of-text).
inline std::vector<int32_t> greedy(Session& s, const std::vector<int32_t>& prompt, int n, bool shift = false,
                                   int n_keep = 1) {
    Sampler sampler({.temp = 0.f});
    std::vector<int32_t> out;
    generate(s, sampler, prompt, {.n_predict = n, .stop_at_eog = false, .context_shift = shift, .n_keep = n_keep},
             [&](int32_t t) {
                 out.push_back(t);
                 return true;
             });
    return out;
}

// Result of running a golden's prompt + greedy decoding through a session.
struct GoldenRun {
    std::vector<std::vector<float>> prompt_logits;  // per prompt position
    std::vector<int32_t> greedy;
    std::vector<std::vector<float>> step_logits;    // logits each greedy token was picked from
};

// Prompt in one batch (all logits), then greedy, stopping after `n_gen` tokens.
inline GoldenRun run_golden(Session& s, const GoldenLogits& g, size_t n_gen) {
    GoldenRun r;
    const auto all = s.eval(g.tokens, true);
    const size_t V = size_t(g.n_vocab);
    for (size_t p = 0; p < g.tokens.size(); ++p) r.prompt_logits.emplace_back(all.begin() + long(p * V), all.begin() + long((p + 1) * V));
    std::vector<float> cur = r.prompt_logits.back();
    for (size_t i = 0; i < n_gen; ++i) {
        r.step_logits.push_back(cur);
        const int32_t tok = argmax(cur);
        r.greedy.push_back(tok);
        if (i + 1 == n_gen) break;
        const auto next = s.eval(std::span<const int32_t>(&tok, 1));
        cur.assign(next.begin(), next.end());
    }
    return r;
}


// Tolerances for compare_golden (the LoRA goldens), relative to the largest
// |logit| of the compared vector (logits here reach 10-20). The forward-pass
// goldens are measured per ISA instead: golden_measure.hpp, golden_tolerances.hpp.
struct Tolerance {
    float prompt;     // every prompt position's top-20 logits
    float steps;      // last-position logits and each greedy step's top-5
    float exact_share;  // share of compared vectors within 1e-4 (rounding flips are rare)
};
constexpr Tolerance kFloat{2e-4f, 1e-3f, 0.8f};     // F32 weights
constexpr Tolerance kQuant{2e-2f, 2e-2f, 0.4f};     // activations quantized to 8 bits (family goldens)
// Models whose matrices are mostly packed Q8_0: lumen completes each block's sum
// in integers before scaling, the reference keeps 8 float lanes per row, so
// agreement is within rounding but not bit for bit (docs/accuracy.md).
constexpr Tolerance kQuantReordered{2e-2f, 2e-2f, 0.0f};

// Largest |ours - reference| over the reference's entries, relative to the largest |reference logit|.
inline float relative_error(const std::vector<float>& ours, const std::vector<std::pair<int, float>>& ref) {
    float err = 0.f, scale = 0.f;
    for (const auto& [id, logit] : ref) {
        err = std::max(err, std::fabs(ours[size_t(id)] - logit));
        scale = std::max(scale, std::fabs(logit));
    }
    return err / scale;
}


// Checks a run against its golden: top-1 at every prompt position, the prompt
// top-20 logits and the last-position logits, and the greedy tokens (with their
// top-5 logits) up to the first near-tie: a golden margin below 0.02 or below
// twice the logit error measured at that step (itself bounded by `tol`).
inline void compare_golden(const GoldenLogits& g, const GoldenRun& r, const Tolerance& tol) {
    int compared = 0, near_exact = 0;
    float worst_prompt = 0.f, worst_steps = 0.f;
    for (size_t p = 0; p < g.positions.size(); ++p) {
        INFO("prompt position " << p);
        CHECK(argmax(r.prompt_logits[p]) == g.positions[p][0].first);
        const float e = relative_error(r.prompt_logits[p], g.positions[p]);
        worst_prompt = std::max(worst_prompt, e);
        ++compared;
        near_exact += e <= 1e-4f;
    }
    std::vector<std::pair<int, float>> last;
    for (size_t i = 0; i < g.last_logits.size(); ++i) last.emplace_back(int(i), g.last_logits[i]);
    worst_steps = relative_error(r.prompt_logits.back(), last);
    size_t steps = 0;
    for (; steps < g.greedy.size(); ++steps) {
        float err_abs = 0.f;
        for (const auto& [id, logit] : g.greedy_top5[steps])
            err_abs = std::max(err_abs, std::fabs(r.step_logits[steps][size_t(id)] - logit));
        if (top_margin(g.greedy_top5[steps]) < std::max(0.02f, 2.f * err_abs)) break;
        INFO("greedy step " << steps);
        REQUIRE(r.greedy[steps] == g.greedy[steps]);
        const float e = relative_error(r.step_logits[steps], g.greedy_top5[steps]);
        worst_steps = std::max(worst_steps, e);
        ++compared;
        near_exact += e <= 1e-4f;
    }
    INFO(g.file << ": worst relative error: prompt " << worst_prompt << ", steps " << worst_steps << "; near-exact "
                << near_exact << "/" << compared << "; " << steps << " greedy steps compared");
    CHECK(worst_prompt <= tol.prompt);
    CHECK(worst_steps <= tol.steps);
    CHECK(float(near_exact) >= tol.exact_share * float(compared));
    CHECK(steps >= 2);
}

}  // namespace lumen::test
