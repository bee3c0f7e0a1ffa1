// Loading and comparing the reference logits goldens (golden/logits/*.json,
// format in tests/data/golden/README.md section 2).
#pragma once

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "lumen/model.hpp"
#include "lumen/session.hpp"
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

}  // namespace lumen::test
