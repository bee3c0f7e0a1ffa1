#include "model/model_weights.hpp"

#include <cstring>
#include <string>
#include <tuple>
#include <utility>

#include "packed.hpp"
#include "platform/mapped_file.hpp"

#include "lumen/error.hpp"

namespace lumen {

namespace {

std::string dims(int64_t a, int64_t b) { return std::to_string(a) + " x " + std::to_string(b); }

class Binder {
public:
    Binder(const GgufFile& f) : f_(f) {}

    // A 2-D weight with ne = [cols, rows].
    ops::WeightView matrix(const std::string& name, int64_t cols, int64_t rows) const {
        const GgufTensor& t = f_.tensor(name);
        if (t.n_dims != 2 || t.ne[0] != cols || t.ne[1] != rows)
            throw Error(f_.label() + ": tensor '" + name + "' has shape " + t.shape_string() + ", expected " +
                        dims(cols, rows));
        const TypeTraits& tt = type_traits(t.type);
        if (tt.vec_dot == nullptr)
            throw Error(f_.label() + ": tensor '" + name + "' has type " + tt.name + ", which lumen cannot compute with yet");
        return {t.type, t.data, rows, cols, size_t(row_bytes(t.type, cols)), t.name.c_str()};
    }

    // A 1-D vector, converted to float.
    std::vector<float> vector(const std::string& name, int64_t n) const {
        const GgufTensor& t = f_.tensor(name);
        if (t.n_elements() != n || t.ne[0] != n)
            throw Error(f_.label() + ": tensor '" + name + "' has shape " + t.shape_string() + ", expected " +
                        std::to_string(n));
        const TypeTraits& tt = type_traits(t.type);
        if (tt.dequantize == nullptr)
            throw Error(f_.label() + ": tensor '" + name + "' has unsupported type " + tt.name);
        std::vector<float> out(static_cast<size_t>(n));
        tt.dequantize(t.data, out.data(), n);
        return out;
    }

    bool has(const std::string& name) const { return f_.find_tensor(name) != nullptr; }

private:
    const GgufFile& f_;
};

}  // namespace

ModelWeights bind_weights(const GgufFile& f, ModelConfig& c) {
    const Binder b(f);
    ModelWeights w;
    const GgufTensor& emb = f.tensor("token_embd.weight");
    c.n_vocab = int(emb.ne[1]);
    w.token_embd = b.matrix("token_embd.weight", c.n_embd, c.n_vocab);
    w.output_norm = b.vector("output_norm.weight", c.n_embd);
    c.tied_output = !b.has("output.weight");
    w.output = c.tied_output ? w.token_embd : b.matrix("output.weight", c.n_embd, c.n_vocab);
    c.rope_freq_factors = b.has("rope_freqs.weight");
    if (c.rope_freq_factors) w.rope_freqs = b.vector("rope_freqs.weight", c.n_rot / 2);
    if (b.has("rope_factors_long.weight")) w.rope_long = b.vector("rope_factors_long.weight", c.n_rot / 2);
    if (b.has("rope_factors_short.weight")) w.rope_short = b.vector("rope_factors_short.weight", c.n_rot / 2);
    c.fused_qkv = b.has("blk.0.attn_qkv.weight");

    const int64_t q_dim = int64_t(c.n_head) * c.head_dim, kv_dim = int64_t(c.n_head_kv) * c.head_dim;
    for (int l = 0; l < c.n_layer; ++l) {
        const std::string p = "blk." + std::to_string(l) + ".";
        LayerWeights lw;
        lw.attn_norm = b.vector(p + "attn_norm.weight", c.n_embd);
        if (c.fused_qkv) {
            lw.wqkv = b.matrix(p + "attn_qkv.weight", c.n_embd, q_dim + 2 * kv_dim);
        } else {
            lw.wq = b.matrix(p + "attn_q.weight", c.n_embd, q_dim);
            lw.wk = b.matrix(p + "attn_k.weight", c.n_embd, kv_dim);
            lw.wv = b.matrix(p + "attn_v.weight", c.n_embd, kv_dim);
        }
        lw.wo = b.matrix(p + "attn_output.weight", q_dim, c.n_embd);
        if (c.qkv_bias) {
            lw.bq = b.vector(p + "attn_q.bias", q_dim);
            lw.bk = b.vector(p + "attn_k.bias", kv_dim);
            lw.bv = b.vector(p + "attn_v.bias", kv_dim);
        }
        if (c.qk_norm) {
            lw.q_norm = b.vector(p + "attn_q_norm.weight", c.head_dim);
            lw.k_norm = b.vector(p + "attn_k_norm.weight", c.head_dim);
        }
        lw.ffn_norm = b.vector(p + "ffn_norm.weight", c.n_embd);
        if (c.fused_up) {
            lw.ffn_up = b.matrix(p + "ffn_up.weight", c.n_embd, 2 * int64_t(c.n_ff));
        } else {
            lw.ffn_gate = b.matrix(p + "ffn_gate.weight", c.n_embd, c.n_ff);
            lw.ffn_up = b.matrix(p + "ffn_up.weight", c.n_embd, c.n_ff);
        }
        lw.ffn_down = b.matrix(p + "ffn_down.weight", c.n_ff, c.n_embd);
        if (c.post_norms) {
            lw.post_attn_norm = b.vector(p + "post_attention_norm.weight", c.n_embd);
            lw.post_ffn_norm = b.vector(p + "post_ffw_norm.weight", c.n_embd);
        }
        w.layers.push_back(std::move(lw));
    }
    return w;
}

std::span<const float> rope_factors(const ModelWeights& w, const ModelConfig& c, int n_ctx) {
    if (!w.rope_freqs.empty()) return w.rope_freqs;
    if (n_ctx > c.n_ctx_orig && !w.rope_long.empty()) return w.rope_long;
    return w.rope_short;
}

void pack_weights(ModelWeights& w, uint64_t available) {
    const bool tied = w.output.data == w.token_embd.data;
    const auto packs = [](const ops::WeightView* v) { return kernels::packer(v->type) != nullptr && v->rows % 8 == 0; };
    constexpr size_t kAlign = 64;
    const auto bytes_in_buffer = [&](const ops::WeightView* v) {
        const size_t n = packs(v) ? kernels::packed_matrix_bytes(v->type, v->rows, v->cols)
                                  : v->row_bytes * size_t(v->rows);
        return (n + kAlign - 1) / kAlign * kAlign;
    };
    // The matrices to copy, in the order a token reads them, and their bytes.
    const auto plan = [&](bool copy_unpacked) {
        std::vector<ops::WeightView*> views;
        for (auto& l : w.layers)
            for (auto* v : layer_matrices(l)) views.push_back(v);
        views.push_back(&w.output);
        std::erase_if(views, [&](const ops::WeightView* v) {
            return v->data == nullptr || v->packed != nullptr ||
                   !(packs(v) || (copy_unpacked && !(tied && v == &w.output)));
        });
        size_t total = 0;
        for (const auto* v : views) total += bytes_in_buffer(v);
        return std::pair(views, total);
    };
    // Plain copies only where they get huge pages (else they would only cost
    // memory), and only if everything fits; else the packed ones alone; else
    // none (the matrices stay in the file's pages: slower, but the model runs).
    auto [views, total] = plan(platform::LargeBuffer::huge_pages_possible());
    if (total > available) std::tie(views, total) = plan(false);
    if (total > available || total == 0) return;
    w.packed_storage = platform::LargeBuffer(total, "weights");
    std::byte* next = w.packed_storage.data();
    for (ops::WeightView* v : views) {
        const void* original = v->data;
        const size_t original_bytes = v->row_bytes * size_t(v->rows);
        if (packs(v)) {
            kernels::pack_matrix(v->type, original, next, v->rows, v->cols);
            v->packed = next;
        } else {
            std::memcpy(next, original, original_bytes);
            v->data = next;
        }
        next += bytes_in_buffer(v);
        if (!(tied && v == &w.output)) platform::release_mapped_pages(original, original_bytes);
    }
}

}  // namespace lumen
