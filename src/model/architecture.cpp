#include "model/architecture.hpp"

#include <cmath>
#include <string>

#include "lumen/error.hpp"

namespace lumen {

namespace {

using enum RopeStyle;
using enum FfnActivation;
using enum QueryScale;
constexpr SlidingWindow no_swa = SlidingWindow::none;

constexpr ArchSpec kArchs[] = {
    // name     rope      bias   qk norm act   q scale        √embd  post norms softcaps window                     fused up multipliers
    {"llama",   adjacent, false, false, silu, head_dim,       false, false, false, no_swa,                     false, false},  // Llama 2/3, TinyLlama, SmolLM, stories
    {"qwen2",   halves,   true,  false, silu, head_dim,       false, false, false, no_swa,                     false, false},  // Qwen2, Qwen2.5
    {"qwen3",   halves,   false, true,  silu, head_dim,       false, false, false, no_swa,                     false, false},  // Qwen3
    {"gemma",   halves,   false, false, gelu, head_dim_on_q,  true,  false, false, no_swa,                     false, false},  // Gemma 1
    {"gemma2",  halves,   false, false, gelu, gemma2,         true,  true,  true,  SlidingWindow::even_layers, false, false},  // Gemma 2
    {"phi3",    halves,   false, false, silu, head_dim_on_q,  false, false, false, SlidingWindow::all_layers,  true,  false},  // Phi-3, Phi-3.5
    {"granite", adjacent, false, false, silu, from_metadata,  false, false, false, no_swa,                     false, true},   // Granite 3
};

// Runs fn; errors that do not name the file yet get its label in front.
template <class F>
void with_label(const GgufFile& f, F&& fn) {
    try {
        fn();
    } catch (const Error& e) {
        const std::string msg = e.what();
        if (msg.rfind(f.label(), 0) == 0) throw;
        throw Error(f.label() + ": " + msg);
    }
}

// The family-specific keys and derived values (reference defaults where a key is optional).
void read_family_params(const GgufFile& f, const ArchSpec& spec, ModelConfig& c) {
    const std::string p = c.arch + ".";
    c.ffn_act = spec.ffn_act;
    c.post_norms = spec.post_norms;
    c.swa = spec.swa;
    c.fused_up = spec.fused_up;
    c.attn_scale = 1.0f / std::sqrt(float(c.head_dim));
    c.q_prescale = spec.q_scale == head_dim_on_q || spec.q_scale == gemma2;
    if (spec.q_scale == gemma2 && c.n_layer == 46) c.attn_scale = 1.0f / std::sqrt(float(c.n_embd / c.n_head));
    if (spec.embd_scale_sqrt) c.embd_scale = std::sqrt(float(c.n_embd));
    if (spec.softcaps) {
        c.attn_softcap = float(f.get_f64(p + "attn_logit_softcapping", 50.0));
        c.final_softcap = float(f.get_f64(p + "final_logit_softcapping", 30.0));
    }
    if (spec.multipliers) {  // required keys; 0 means "not used", as in the reference
        auto need = [&](const std::string& key) { return float(f.get(p + key).as_f64()); };
        const float e = need("embedding_scale"), a = need("attention.scale"), r = need("residual_scale"),
                    l = need("logit_scale");
        if (e != 0.f) c.embd_scale = e;
        if (a != 0.f) c.attn_scale = a;
        if (r != 0.f) c.residual_scale = r;
        if (l != 0.f) c.logit_scale = l;
    }
    if (spec.swa == SlidingWindow::even_layers) c.n_swa = int(f.get_u64(p + "attention.sliding_window", 4096));
    if (spec.swa == SlidingWindow::all_layers) {
        // Phi-3: released models without the key get the window their config had.
        if ((c.n_layer == 32 || c.n_layer == 40) && c.n_ctx_train == 4096) c.n_swa = 2047;
        else if (c.n_layer == 32 && c.n_head_kv == 32 && c.n_ctx_train == 131072) c.n_swa = 262144;
        else if (c.n_layer == 40 && c.n_ctx_train == 131072) c.n_swa = 131072;
        c.n_swa = int(f.get_u64(p + "attention.sliding_window", uint64_t(c.n_swa)));
        if (c.n_swa <= 0) throw Error(f.label() + ": " + p + "attention.sliding_window is missing or 0");
        c.n_ctx_orig = int(f.get_u64(p + "rope.scaling.original_context_length", uint64_t(c.n_ctx_train)));
    }
    if (c.swa != SlidingWindow::none && c.n_swa <= 0) throw Error(f.label() + ": sliding window must be positive");
    if (!(c.attn_softcap >= 0.f && c.final_softcap >= 0.f && std::isfinite(c.attn_scale) && std::isfinite(c.embd_scale)))
        throw Error(f.label() + ": invalid attention or logit scaling metadata");
}

}  // namespace

const ArchSpec* find_arch(std::string_view name) {
    for (const auto& a : kArchs)
        if (a.name == name) return &a;
    return nullptr;
}

ModelConfig read_config(const GgufFile& f) {
    ModelConfig c;
    c.arch = f.get_string("general.architecture");
    if (c.arch.empty()) throw Error(f.label() + ": no general.architecture key: not a model file");
    const ArchSpec* spec = find_arch(c.arch);
    if (spec == nullptr) {
        std::string known;
        for (const auto& a : kArchs) known += (known.empty() ? "" : ", ") + std::string(a.name);
        throw Error(f.label() + ": unsupported architecture " + c.arch + " (lumen runs: " + known + ")");
    }
    const std::string p = c.arch + ".";
    auto need_int = [&](const std::string& key, uint64_t lo, uint64_t hi) {
        const uint64_t v = f.get(p + key).as_u64();
        if (v < lo || v > hi)
            throw Error(f.label() + ": metadata '" + p + key + "' = " + std::to_string(v) + " is out of range [" +
                        std::to_string(lo) + ", " + std::to_string(hi) + "]");
        return int(v);
    };
    with_label(f, [&] {
        c.n_layer = need_int("block_count", 1, 1024);
        c.n_embd = need_int("embedding_length", 1, 1 << 16);
        c.n_head = need_int("attention.head_count", 1, 1024);
        c.n_head_kv = f.has(p + "attention.head_count_kv") ? need_int("attention.head_count_kv", 1, 1024) : c.n_head;
        c.n_ff = need_int("feed_forward_length", 1, 1 << 20);
        c.n_ctx_train = f.has(p + "context_length") ? need_int("context_length", 1, 1 << 24) : 2048;
        c.head_dim = f.has(p + "attention.key_length") ? need_int("attention.key_length", 1, 4096)
                                                       : c.n_embd / c.n_head;
        c.n_rot = f.has(p + "rope.dimension_count") ? need_int("rope.dimension_count", 2, 4096) : c.head_dim;
        c.rms_eps = float(f.get_f64(p + "attention.layer_norm_rms_epsilon", 1e-5));
        c.rope_base = float(f.get_f64(p + "rope.freq_base", 10000.0));
        c.rope_attn_factor = float(f.get_f64(p + "rope.scaling.attn_factor", 1.0));
    });
    if (c.n_head % c.n_head_kv != 0)
        throw Error(f.label() + ": " + std::to_string(c.n_head) + " attention heads cannot be grouped over " +
                    std::to_string(c.n_head_kv) + " KV heads");
    if (c.n_rot > c.head_dim || c.n_rot % 2 != 0)
        throw Error(f.label() + ": rope.dimension_count " + std::to_string(c.n_rot) +
                    " must be even and at most the head size " + std::to_string(c.head_dim));
    if (!(c.rms_eps > 0.f && c.rms_eps < 1.f)) throw Error(f.label() + ": RMS norm epsilon out of range");
    if (!(c.rope_base > 1.f)) throw Error(f.label() + ": rope.freq_base must be > 1");
    c.rope = spec->rope;
    c.qkv_bias = spec->qkv_bias;
    c.qk_norm = spec->qk_norm;
    with_label(f, [&] { read_family_params(f, *spec, c); });
    return c;
}

}  // namespace lumen
