// The architecture table: what differs between the model families we run.
// Adding a family = one row here (plus its tensors in model_weights.cpp if new).
#pragma once

#include <string_view>

#include "lumen/gguf.hpp"
#include "lumen/model.hpp"

namespace lumen {

struct ArchSpec {
    std::string_view name;  // general.architecture, also the metadata key prefix
    RopeStyle rope;
    bool qkv_bias;          // q/k/v projections have bias vectors
    bool qk_norm;           // per-head RMSNorm of q and k before RoPE
};

// nullptr when the architecture is not one we run.
const ArchSpec* find_arch(std::string_view name);

// Hyperparameters from metadata, validated (throws lumen::Error).
ModelConfig read_config(const GgufFile& file);

}  // namespace lumen
