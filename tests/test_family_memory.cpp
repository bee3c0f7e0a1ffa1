// Gemma 2's shapes must not blow up a session's memory: head size 256 and a
// 256 k vocabulary. A model with Gemma-2-2B's heads, head size, layer count and
// vocabulary (but width 32, zero Q8_0 weights) is written to a temporary file;
// the session's KV cache must be exactly the F16 keys and values, and its
// scratch must not grow with batch x vocabulary.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>

#include "lumen/gguf.hpp"
#include "lumen/model.hpp"
#include "lumen/session.hpp"
#include "test_helpers.hpp"

using namespace lumen;

namespace {

constexpr int64_t kLayers = 26, kEmbd = 32, kHeads = 8, kKvHeads = 4, kHeadDim = 256, kFf = 64, kVocab = 256000;

// Zero weights in Q8_0 (every block: scale 0), F32 norms of ones.
void add_matrix(GgufWriter& w, const std::string& name, int64_t cols, int64_t rows) {
    const std::vector<int64_t> ne = {cols, rows};
    w.add_tensor(name, TensorType::Q8_0, ne, std::vector<std::byte>(row_bytes(TensorType::Q8_0, cols) * size_t(rows)));
}
void add_norm(GgufWriter& w, const std::string& name) {
    const std::vector<float> ones(kEmbd, 1.f);
    std::vector<std::byte> bytes(ones.size() * sizeof(float));
    std::memcpy(bytes.data(), ones.data(), bytes.size());
    const std::vector<int64_t> ne = {kEmbd};
    w.add_tensor(name, TensorType::F32, ne, std::move(bytes));
}

std::filesystem::path write_gemma2_shaped(const std::filesystem::path& dir) {
    GgufWriter w;
    w.set("general.architecture", GgufValue::string("gemma2"));
    auto u32 = [&](const std::string& k, uint32_t v) { w.set("gemma2." + k, GgufValue::u32(v)); };
    u32("context_length", 8192);
    u32("embedding_length", kEmbd);
    u32("block_count", kLayers);
    u32("feed_forward_length", kFf);
    u32("attention.head_count", kHeads);
    u32("attention.head_count_kv", kKvHeads);
    u32("attention.key_length", kHeadDim);
    u32("attention.value_length", kHeadDim);
    u32("attention.sliding_window", 4096);
    w.set("gemma2.attention.layer_norm_rms_epsilon", GgufValue::f32(1e-6f));
    std::vector<std::string> tokens;
    for (const char* special : {"<unk>", "<s>", "</s>"}) tokens.emplace_back(special);
    for (int64_t i = 3; i < kVocab; ++i) tokens.push_back(std::to_string(i));
    w.set("tokenizer.ggml.model", GgufValue::string("llama"));
    w.set("tokenizer.ggml.tokens", GgufValue::string_array(std::move(tokens)));
    add_matrix(w, "token_embd.weight", kEmbd, kVocab);
    add_norm(w, "output_norm.weight");
    for (int64_t l = 0; l < kLayers; ++l) {
        const std::string p = "blk." + std::to_string(l) + ".";
        for (const char* n : {"attn_norm", "post_attention_norm", "ffn_norm", "post_ffw_norm"}) add_norm(w, p + n + ".weight");
        add_matrix(w, p + "attn_q.weight", kEmbd, kHeads * kHeadDim);
        add_matrix(w, p + "attn_k.weight", kEmbd, kKvHeads * kHeadDim);
        add_matrix(w, p + "attn_v.weight", kEmbd, kKvHeads * kHeadDim);
        add_matrix(w, p + "attn_output.weight", kHeads * kHeadDim, kEmbd);
        add_matrix(w, p + "ffn_gate.weight", kEmbd, kFf);
        add_matrix(w, p + "ffn_up.weight", kEmbd, kFf);
        add_matrix(w, p + "ffn_down.weight", kFf, kEmbd);
    }
    const auto path = dir / "gemma2-shaped.gguf";
    w.write(path);
    return path;
}

}  // namespace

TEST_CASE("gemma2 shapes: head size 256 and a 256k vocabulary keep session memory bounded") {
    test::TempDir dir;
    const auto model = Model::load(write_gemma2_shaped(dir.path));
    REQUIRE(model->config().head_dim == kHeadDim);
    REQUIRE(model->config().n_vocab == kVocab);
    const int n_ctx = 64;
    Session s(model, {.n_ctx = n_ctx, .n_threads = 1});
    // Exactly F16 keys and values: layers x positions x KV heads x head size x 2 bytes, twice.
    CHECK(s.kv_cache_bytes() == uint64_t(2 * kLayers * n_ctx * kKvHeads * kHeadDim * 2));
    // Scratch: the activations of one batch (n_batch = n_ctx here: residual,
    // normed input, q, attention output, k, v, gate, up) and ONE row of logits,
    // plus at most 1 MiB of per-thread attention and activation-quantization
    // buffers: never a batch x vocabulary block.
    const uint64_t q_dim = kHeads * kHeadDim, kv_dim = kKvHeads * kHeadDim;
    const uint64_t activations = uint64_t(n_ctx) * (kEmbd + q_dim + q_dim + q_dim + 2 * kv_dim + 2 * kFf) * 4;
    const uint64_t one_logit_row = uint64_t(kVocab) * 4;
    CHECK(s.scratch_bytes() >= activations + one_logit_row);
    CHECK(s.scratch_bytes() <= activations + one_logit_row + (1u << 20));
    const std::vector<int32_t> prompt = {1, 5, 9, 200000};
    const auto logits = s.eval(prompt);
    REQUIRE(logits.size() == size_t(kVocab));
    CHECK(std::count(logits.begin(), logits.end(), 0.f) == kVocab);  // zero weights: soft-capped zeros
    CHECK(s.scratch_bytes() <= activations + one_logit_row + (1u << 20));
}
