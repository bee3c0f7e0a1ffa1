// Typed views of a model's weights inside the mapped file (nothing copied but
// the small 1-D vectors, converted to float once at load).
#pragma once

#include <array>
#include <memory>
#include <span>
#include <vector>

#include "lumen/gguf.hpp"
#include "lumen/model.hpp"
#include "ops/matmul.hpp"
#include "platform/large_buffer.hpp"

namespace lumen {

struct LayerWeights {
    std::vector<float> attn_norm;            // [n_embd]
    ops::WeightView wqkv;                    // fused_qkv: [q_dim + 2*kv_dim, n_embd] (wq, wk, wv empty)
    ops::WeightView wq;                      // [n_head*head_dim rows, n_embd cols]
    ops::WeightView wk, wv;                  // [n_head_kv*head_dim, n_embd]
    ops::WeightView wo;                      // [n_embd, n_head*head_dim]
    std::vector<float> bq, bk, bv;           // qkv_bias: [rows of wq / wk / wv]
    std::vector<float> q_norm, k_norm;       // qk_norm: [head_dim]
    std::vector<float> ffn_norm;             // [n_embd]
    ops::WeightView ffn_gate, ffn_up;        // [n_ff, n_embd] (fused_up: ffn_up [2*n_ff, n_embd], no gate)
    ops::WeightView ffn_down;                // [n_embd, n_ff]
    std::vector<float> post_attn_norm, post_ffn_norm;  // post_norms: [n_embd]
};

struct ModelWeights {
    // Load-time copies of the matrices (pack_weights): the views' `packed`
    // (kernels/packed.hpp: pack_matrix) or, for types without one, `data` point into it.
    platform::LargeBuffer packed_storage;
    ops::WeightView token_embd;              // [n_vocab rows, n_embd cols]
    std::vector<float> output_norm;          // [n_embd]
    ops::WeightView output;                  // [n_vocab, n_embd] (token_embd when tied)
    std::vector<float> rope_freqs;           // [n_rot/2] divisors of the angles, or empty
    std::vector<float> rope_long, rope_short;  // phi3: [n_rot/2] divisors by context length, or empty
    std::vector<LayerWeights> layers;
};

// Binds and shape-checks every tensor the architecture needs (throws lumen::Error).
ModelWeights bind_weights(const GgufFile& file, ModelConfig& config);

// The RoPE divisors a session of n_ctx positions uses (the reference's choice), or empty.
std::span<const float> rope_factors(const ModelWeights& w, const ModelConfig& c, int n_ctx);

// Every matrix slot of a layer (unused slots are empty views), in a fixed order.
template <class Layer>  // LayerWeights or const LayerWeights
auto layer_matrices(Layer& l) -> std::array<decltype(&l.wq), 8> {
    return {&l.wqkv, &l.wq, &l.wk, &l.wv, &l.wo, &l.ffn_gate, &l.ffn_up, &l.ffn_down};
}

// Copies the matrices a token streams into one buffer, in the order a token
// reads them — packed (kernels::packer's types, rows a multiple of 8), and the
// others as they are where the buffer gets huge pages — and releases the file
// pages they were read from. What does not fit in `available` bytes is left
// in the file's pages: first the plain copies, then the packed ones.
void pack_weights(ModelWeights& w, uint64_t available);

}  // namespace lumen
