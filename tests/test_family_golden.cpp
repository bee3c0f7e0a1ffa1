// The model families beyond llama/qwen (gemma2, gemma, phi3, granite) against
// reference goldens made with the reference's logits dumper on small synthetic
// models (tests/tools/make_family_model.cpp; tests/data/models/README.md),
// measured per ISA like test_forward_golden.cpp: the largest logit error at the
// prompt and over the greedy steps and the first greedy departure, each within
// the (file, ISA) row of tests/golden_tolerances.hpp (the fallback rule there
// for an ISA without rows).
#include <catch2/catch.hpp>

#include "golden_check.hpp"
#include "lumen/vocab.hpp"

using namespace lumen;
using namespace lumen::test;

namespace {

const char* const kFamilies[] = {"gemma2", "gemma", "phi3", "granite"};
const char* const kTypes[] = {"f32", "q8_0", "q4_0"};

// The K-quant variants (n_embd 256: rows of whole 256-blocks), <family>-wide-<type>.
const char* const kWide[] = {"gemma2-wide-q4_k_m", "gemma-wide-q4_k_m", "phi3-wide-q4_k_m",
                             "phi3-wide-q6_k",     "granite-wide-q4_k_m", "granite-wide-q6_k"};

// Every family golden: <model>-p<0|1>.json.
std::vector<std::string> family_goldens() {
    std::vector<std::string> models;
    for (const char* family : kFamilies)
        for (const char* type : kTypes) models.push_back(std::string(family) + "-" + type);
    models.insert(models.end(), std::begin(kWide), std::end(kWide));
    std::vector<std::string> files;
    for (const std::string& m : models)
        for (const char* prompt : {"p0", "p1"}) files.push_back(m + "-" + prompt + ".json");
    return files;
}

void measure_families(const char* isa_name_) {
    const auto isa = runnable_isa(isa_name_);
    if (!isa) {
        WARN(isa_name_ << ": not built for or not supported by this CPU; nothing to measure");
        return;
    }
    for (const std::string& file : family_goldens()) {
        DYNAMIC_SECTION(file) {
            const GoldenLogits g = load_golden(file);
            const auto model = Model::load(g.model_file());
            CHECK(file.starts_with(model->config().arch + "-"));
            CHECK(model->vocab().encode(g.prompt) == g.tokens);
            measure_and_check(g, model, *isa);
        }
    }
}

}  // namespace

LUMEN_TEST_CASE_PER_ISA("model families measured", measure_families)

TEST_CASE("model families: every golden has measured bounds for scalar, avx2 and avx512") {
    check_rows_for_x86(family_goldens());
}

// Coverage the older goldens lack: a tied output in a K-quant mix (token_embd
// in Q6_K is both the embedding table and the output matrix, as in the Q4_K_M
// files of Gemma 2, Granite, Qwen2.5 and Llama 3.2).
TEST_CASE("tied Q6_K embeddings as the output matrix match the reference") {
    const GoldenLogits g = load_golden("tiny-tied-q4_k_m-p0.json");
    const auto model = Model::load(g.model_file());
    REQUIRE(model->config().tied_output);
    Session s(model, {.n_ctx = 512, .n_threads = 1});
    compare_golden(g, run_golden(s, g, g.greedy.size()), kQuant);
}

// The family hooks (fused splits, windows, post norms, soft-caps) split work by
// token like the rest of the forward pass: 2 threads give the same bits as 1.
TEST_CASE("model families: 2 threads give the same logits as 1") {
    for (const char* file : {"synth/gemma2-q4_0.gguf", "synth/phi3-f32.gguf", "synth/granite-q8_0.gguf"}) {
        INFO(file);
        const auto model = Model::load(model_path(file));
        const std::vector<int32_t> prompt = model->vocab().encode("The little dog ran to the park and saw a big red ball.");
        Session one(model, {.n_ctx = 64, .n_threads = 1}), two(model, {.n_ctx = 64, .n_threads = 2});
        const auto a = one.eval(prompt, true);
        const std::vector<float> first(a.begin(), a.end());
        const auto b = two.eval(prompt, true);
        CHECK(std::equal(first.begin(), first.end(), b.begin(), b.end()));
    }
}
