// Writes a small random-weight model of one architecture family (F32), with
// the tokenizer of an existing GGUF, for the reference goldens of
// tests/data/golden/logits/<family>-*.json (see tests/data/models/README.md).
//
//   make_family_model FAMILY VOCAB.gguf OUT.gguf [CHAT_TEMPLATE.jinja]
//
// FAMILY: gemma2 gemma phi3 granite, or <family>-wide (rows of 256 for the
// K-quants). The shapes are tiny but keep what makes the
// family differ from llama (head size unlike n_embd/n_head, GQA, fused matrices,
// tied output, scales), and the values that the reference only reads from the
// file are set so that they matter within a short prompt (small sliding
// windows, small soft-caps). Weights are drawn from a fixed seed, so the output
// is the same on every machine.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include "lumen/error.hpp"
#include "lumen/gguf.hpp"

using namespace lumen;

namespace {

struct Shape {
    uint32_t layers, embd, heads, kv_heads, head_dim, ff, ctx;
    float emb_std;  // token embedding spread
    bool tied;
    // Strength of each block's output (attn_output/ffn_down gain, or the post-norm
    // weights): with tied embeddings, weak blocks leave every logit vector peaking
    // at the input token, so the greedy text would only repeat it.
    float block_gain;
};

// Deterministic normal numbers: splitmix64 feeding Box-Muller.
class Normal {
public:
    explicit Normal(uint64_t seed) : s_(seed) {}
    float operator()() {
        if (has_spare_) {
            has_spare_ = false;
            return spare_;
        }
        const double u1 = (double(next() >> 11) + 1.0) / 9007199254740993.0, u2 = double(next() >> 11) / 9007199254740992.0;
        const double r = std::sqrt(-2.0 * std::log(u1)), a = 6.283185307179586 * u2;
        spare_ = float(r * std::sin(a));
        has_spare_ = true;
        return float(r * std::cos(a));
    }

private:
    uint64_t next() {
        uint64_t z = (s_ += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    uint64_t s_;
    bool has_spare_ = false;
    float spare_ = 0.f;
};

class ModelBuilder {
public:
    ModelBuilder(std::string arch, uint64_t seed) : arch_(std::move(arch)), rng_(seed) {
        w_.set("general.architecture", GgufValue::string(arch_));
        // (no family name in it: the reference gives names with "phi3" Phi-3's special tokens)
        w_.set("general.name", GgufValue::string("lumen synthetic test model"));
        w_.set("general.file_type", GgufValue::u32(0));  // all F32
    }
    void u32(const std::string& key, uint32_t v) { w_.set(arch_ + "." + key, GgufValue::u32(v)); }
    void f32(const std::string& key, float v) { w_.set(arch_ + "." + key, GgufValue::f32(v)); }
    void set(const std::string& key, GgufValue v) { w_.set(key, std::move(v)); }

    // An F32 tensor of ne = [cols, rows] (rows = 1: a vector) from `value(i)`.
    void tensor(const std::string& name, int64_t cols, int64_t rows, const std::function<float()>& value) {
        std::vector<float> v(size_t(cols * rows));
        for (auto& x : v) x = value();
        std::vector<std::byte> bytes(v.size() * sizeof(float));
        std::memcpy(bytes.data(), v.data(), bytes.size());
        const std::vector<int64_t> ne = rows == 1 ? std::vector<int64_t>{cols} : std::vector<int64_t>{cols, rows};
        w_.add_tensor(name, TensorType::F32, ne, std::move(bytes));
    }
    // A projection with unit-variance outputs for unit-variance inputs.
    void matrix(const std::string& name, int64_t cols, int64_t rows, float gain = 1.f) {
        const float sd = gain / std::sqrt(float(cols));
        tensor(name, cols, rows, [&] { return rng_() * sd; });
    }
    void norm(const std::string& name, int64_t n, float mean = 1.f) {
        tensor(name, n, 1, [&] { return mean * (1.f + 0.1f * rng_()); });
    }
    void constants(const std::string& name, const std::vector<float>& v) {
        size_t i = 0;
        tensor(name, int64_t(v.size()), 1, [&] { return v[i++]; });
    }
    void copy_tokenizer(const GgufFile& vocab) {
        for (const auto& [key, value] : vocab.metadata())
            if (key.rfind("tokenizer.", 0) == 0) w_.set(key, value);
    }
    void write(const char* path) { w_.write(path); }

    Normal& rng() { return rng_; }

private:
    std::string arch_;
    Normal rng_;
    GgufWriter w_;
};

void write_model(const std::string& variant, const GgufFile& vocab, const char* out, const char* chat_template) {
    const int64_t n_vocab = int64_t(vocab.get("tokenizer.ggml.tokens").size());
    // "<family>-wide": rows of 256 (n_embd 256) for the K-quants, whose blocks
    // are 256 long. The deep gemma files keep attn_output and ffn_down narrow
    // (their rows are q_dim and n_ff long: those two fall back to a 32-block
    // type, as in the reference's quantizer) so that they stay below 2 MB.
    const bool wide = variant.ends_with("-wide");
    const std::string family = wide ? variant.substr(0, variant.size() - 5) : variant;
    Shape s{};
    //                         layers embd heads kv head ff   ctx   emb   tied  gain
    if (family == "gemma2") s = {26,   32,  2,    1, 32,  64,  8192, 0.4f, true, 3.f};  // the reference wants 26/42/46 layers
    else if (family == "gemma") s = {18, 32,  2,    1, 32,  64,  8192, 0.4f, true, 3.f};  // ... and 18/28 here
    else if (family == "phi3") s = {3,   64,  4,    2, 16,  128, 1024, 1.0f, false, 1.f};
    else if (family == "granite") s = {2, 64,  4,    2, 16,  128, 4096, 0.8f, true, 4.f};
    else throw Error("unknown family " + family + " (gemma2 gemma phi3 granite, each also <family>-wide)");
    if (wide && (family == "gemma2" || family == "gemma")) {
        s.embd = 256;
        s.emb_std = 0.05f;
        s.block_gain = 8.f;
    } else if (wide) {
        s = {s.layers, 256, 4, 2, 64, 256, s.ctx, s.emb_std * 0.5f, s.tied, 2 * s.block_gain};
    }

    ModelBuilder b(family, 0x6c756d656e + variant.size());
    b.copy_tokenizer(vocab);
    if (chat_template != nullptr) {
        std::ifstream in(chat_template, std::ios::binary);
        if (!in) throw Error(std::string("cannot read ") + chat_template);
        b.set("tokenizer.chat_template", GgufValue::string(std::string(std::istreambuf_iterator<char>(in), {})));
    }
    b.u32("context_length", s.ctx);
    b.u32("embedding_length", s.embd);
    b.u32("block_count", s.layers);
    b.u32("feed_forward_length", s.ff);
    b.u32("attention.head_count", s.heads);
    b.u32("attention.head_count_kv", s.kv_heads);
    b.f32("attention.layer_norm_rms_epsilon", 1e-6f);
    b.f32("rope.freq_base", 10000.f);
    const bool gemma = family == "gemma" || family == "gemma2";
    if (gemma) {  // as the converter writes them (no rope.dimension_count)
        b.u32("attention.key_length", s.head_dim);
        b.u32("attention.value_length", s.head_dim);
    } else {
        b.u32("rope.dimension_count", s.head_dim);
    }
    if (family == "gemma2") {
        b.u32("attention.sliding_window", 4);
        b.f32("attn_logit_softcapping", 3.0f);
        b.f32("final_logit_softcapping", 6.0f);
    }
    if (family == "phi3") {
        b.u32("attention.sliding_window", 6);
        b.u32("rope.scaling.original_context_length", 256);  // 512-token sessions use the long factors
        b.f32("rope.scaling.attn_factor", 1.1f);
    }
    if (family == "granite") {
        b.f32("embedding_scale", 0.5f);
        b.f32("attention.scale", 0.2f);
        b.f32("residual_scale", 0.5f);
        b.f32("logit_scale", 2.0f);
    }

    const int64_t E = s.embd, q_dim = int64_t(s.heads) * s.head_dim, kv_dim = int64_t(s.kv_heads) * s.head_dim;
    b.tensor("token_embd.weight", E, n_vocab, [&] { return b.rng()() * s.emb_std; });
    b.norm("output_norm.weight", E);
    if (!s.tied) b.matrix("output.weight", E, n_vocab, 4.f);
    if (family == "phi3") {
        std::vector<float> long_f, short_f;
        for (uint32_t i = 0; i < s.head_dim / 2; ++i) {
            long_f.push_back(1.f + 0.5f * float(i * i));
            short_f.push_back(1.f + 0.05f * float(i));
        }
        b.constants("rope_factors_long.weight", long_f);
        b.constants("rope_factors_short.weight", short_f);
    }
    for (uint32_t l = 0; l < s.layers; ++l) {
        const std::string p = "blk." + std::to_string(l) + ".";
        b.norm(p + "attn_norm.weight", E);
        if (family == "phi3") {
            b.matrix(p + "attn_qkv.weight", E, q_dim + 2 * kv_dim);
        } else {
            b.matrix(p + "attn_q.weight", E, q_dim);
            b.matrix(p + "attn_k.weight", E, kv_dim);
            b.matrix(p + "attn_v.weight", E, kv_dim);
        }
        const bool post_norms = family == "gemma2";
        b.matrix(p + "attn_output.weight", q_dim, E, post_norms ? 1.f : s.block_gain);
        if (post_norms) b.norm(p + "post_attention_norm.weight", E, s.block_gain);
        b.norm(p + "ffn_norm.weight", E);
        if (family == "phi3") {
            b.matrix(p + "ffn_up.weight", E, 2 * int64_t(s.ff));
        } else {
            b.matrix(p + "ffn_gate.weight", E, s.ff);
            b.matrix(p + "ffn_up.weight", E, s.ff);
        }
        b.matrix(p + "ffn_down.weight", s.ff, E, post_norms ? 1.f : s.block_gain);
        if (post_norms) b.norm(p + "post_ffw_norm.weight", E, s.block_gain);
    }
    b.write(out);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4 && argc != 5) {
        std::fprintf(stderr, "usage: make_family_model gemma2|gemma|phi3|granite[-wide] VOCAB.gguf OUT.gguf [TEMPLATE.jinja]\n");
        return 2;
    }
    try {
        write_model(argv[1], GgufFile::open(argv[2]), argv[3], argc == 5 ? argv[4] : nullptr);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "make_family_model: %s\n", e.what());
        return 1;
    }
    return 0;
}
