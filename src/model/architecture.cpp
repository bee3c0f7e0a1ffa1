#include "model/architecture.hpp"

#include <string>

#include "lumen/error.hpp"

namespace lumen {

namespace {

constexpr ArchSpec kArchs[] = {
    // name     rope style           qkv bias  qk norm
    {"llama", RopeStyle::adjacent, false, false},  // Llama 2/3, TinyLlama, SmolLM, stories
    {"qwen2", RopeStyle::halves, true, false},     // Qwen2, Qwen2.5
    {"qwen3", RopeStyle::halves, false, true},     // Qwen3
};

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
    try {
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
    } catch (const Error& e) {
        const std::string msg = e.what();
        if (msg.rfind(f.label(), 0) == 0) throw;
        throw Error(f.label() + ": " + msg);
    }
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
    return c;
}

}  // namespace lumen
