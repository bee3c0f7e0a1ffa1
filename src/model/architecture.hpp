// The architecture table: what differs between the model families we run.
// Adding a family = one row here (plus its tensors in model_weights.cpp if new,
// and its metadata keys in read_family_params).
#pragma once

#include <string_view>

#include "lumen/gguf.hpp"
#include "lumen/model.hpp"

namespace lumen {

// How a family scales q.k (the reference's choice per family).
enum class QueryScale {
    head_dim,         // 1/sqrt(head_dim) on the scores (llama, qwen)
    head_dim_on_q,    // 1/sqrt(head_dim) on q before the dot (gemma, phi3)
    gemma2,           // on q: 1/sqrt(n_embd/n_head) for 46 layers (27B), else 1/sqrt(head_dim)
    from_metadata,    // granite: attention.scale on the scores
};

struct ArchSpec {
    std::string_view name;  // general.architecture, also the metadata key prefix
    RopeStyle rope;
    bool qkv_bias;          // q/k/v projections have bias vectors
    bool qk_norm;           // per-head RMSNorm of q and k before RoPE
    FfnActivation ffn_act;
    QueryScale q_scale;
    bool embd_scale_sqrt;   // embeddings times sqrt(n_embd) (gemma)
    bool post_norms;        // post_attention_norm / post_ffw_norm (gemma2)
    bool softcaps;          // attention and final logit soft-capping (gemma2)
    SlidingWindow swa;
    bool fused_up;          // ffn_up holds gate and up (phi3)
    bool multipliers;       // embedding / attention / residual / logit scales (granite)
};

// nullptr when the architecture is not one we run.
const ArchSpec* find_arch(std::string_view name);

// Hyperparameters from metadata, validated (throws lumen::Error).
ModelConfig read_config(const GgufFile& file);

}  // namespace lumen
