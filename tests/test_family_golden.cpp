// The model families beyond llama/qwen (gemma2, gemma, phi3, granite) against
// reference goldens made with the reference's logits dumper on small synthetic
// models (tests/tools/make_family_model.cpp; tests/data/models/README.md).
// Same checks and tolerances as test_forward_golden.cpp: the prompt's tokens,
// top-1 at every prompt position, top-20 and last-position logits, greedy
// tokens up to the first near-tie.
#include <catch2/catch.hpp>

#include "golden_logits.hpp"
#include "lumen/vocab.hpp"

using namespace lumen;
using namespace lumen::test;

namespace {

// The gemma test models are deep and narrow (the reference accepts only real
// layer counts: 26 for gemma2, 18 for gemma, at width 32), so a rounding
// difference travels through many more layers than in the 2-3 layer files.
// Their quantized files are bit-exact (1e-7) where no rounding flip occurs
// (docs/accuracy.md: the reference's vectorized exp). The F32 files are not:
// gemma agrees at position 0 (where attention is the identity) to 1e-6 and
// differs from position 1 on, gemma2 differs by 5e-5 of the largest logit
// already at position 0; at most 7e-4 anywhere, every greedy token identical.
// Likely cause, not verified: the reference multiplies F32 weights by a whole
// prompt batch in its tinyBLAS order, lumen in the vec-dot order (the 2-layer
// F32 goldens show the same kind of difference, just not amplified). Bars for
// these files only:
constexpr Tolerance kFloatDeep{1e-3f, 1e-3f, 0.25f};
constexpr Tolerance kQuantDeep{3e-2f, 3e-2f, 0.0f};

// Each family has <family>-<type>-p<0|1>.json for types f32, q8_0, q4_0.
struct FamilyBars {
    const char* family;
    Tolerance f32, q8_0, q4_0;
};
const FamilyBars kFamilies[] = {
    {"gemma2", kFloatDeep, kQuantDeep, kQuantDeep},
    {"granite", kFloat, kQuantReordered, kQuant},
    {"phi3", kFloat, kQuantReordered, kQuant},
    {"gemma", kFloatDeep, kQuantReordered, kQuant},
};

void check_family(const FamilyBars& f, std::optional<Isa> isa) {
    const std::pair<const char*, Tolerance> types[] = {{"f32", f.f32}, {"q8_0", f.q8_0}, {"q4_0", f.q4_0}};
    for (const auto& [type, tol] : types)
        for (const char* prompt : {"p0", "p1"}) {
            const std::string file = std::string(f.family) + "-" + type + "-" + prompt + ".json";
            INFO(file);
            const GoldenLogits g = load_golden(file);
            const auto model = Model::load(g.model_file());
            CHECK(model->config().arch == f.family);
            CHECK(model->vocab().encode(g.prompt) == g.tokens);
            Session s(model, {.n_ctx = 512, .n_threads = 1, .isa = isa});
            compare_golden(g, run_golden(s, g, g.greedy.size()), tol);
        }
}

}  // namespace

TEST_CASE("model families match their reference logits goldens") {
    for (const FamilyBars& f : kFamilies) {
        DYNAMIC_SECTION(f.family) { check_family(f, std::nullopt); }
    }
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

TEST_CASE("model families match their reference logits goldens with the AVX2 kernels") {
    if (!isa_supported(Isa::avx2)) {
        WARN("this CPU has no AVX2: nothing to compare");
        return;
    }
    for (const FamilyBars& f : kFamilies) {
        DYNAMIC_SECTION(f.family) { check_family(f, Isa::avx2); }
    }
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
