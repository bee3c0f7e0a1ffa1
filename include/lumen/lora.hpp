// LoRA adapters (GGUF adapter format): low-rank updates W' = W + s * B·A with
// s = user scale * alpha / rank. Applied at run time per session without
// touching the shared base weights, or merged into a new model file.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lumen/export.hpp"
#include "lumen/gguf.hpp"
#include "lumen/model.hpp"

namespace lumen {

class LUMEN_API LoraAdapter {
public:
    // One adapted matrix: base ne = [n_in, n_out]; A is [rank x n_in], B is
    // [n_out x rank], both row-major float.
    struct Pair {
        int64_t n_in = 0, n_out = 0, rank = 0;
        std::vector<float> a, b;
    };

    // Reads and validates the adapter against `base` (architecture, tensor
    // names, shapes, rank, alpha). Throws lumen::Error naming what is wrong.
    static std::shared_ptr<const LoraAdapter> load(const std::filesystem::path& path, const Model& base);

    float alpha() const { return alpha_; }
    const std::string& name() const { return name_; }
    const std::string& path() const { return path_; }
    // The pair adapting base tensor `name` ("blk.0.attn_q.weight"), or nullptr.
    const Pair* find(std::string_view base_tensor) const;
    const std::map<std::string, Pair, std::less<>>& pairs() const { return pairs_; }
    // The effective factor for a pair at a user scale: scale * alpha / rank.
    float factor(const Pair& p, float scale) const { return scale * alpha_ / float(p.rank); }

private:
    float alpha_ = 0;
    std::string name_, path_;
    std::map<std::string, Pair, std::less<>> pairs_;
};

struct AttachedLora {
    std::shared_ptr<const LoraAdapter> adapter;
    float scale = 1.0f;
};

struct LoraMergeOptions {
    std::vector<AttachedLora> adapters;
    std::optional<TensorType> type;  // convert the model's weight matrices to this type (default: keep each type)
    int n_threads = 0;
};

// Writes base + adapters as one model, atomically. Progress: (index, count, tensor name).
LUMEN_API void merge_lora(const Model& base, const std::filesystem::path& output, const LoraMergeOptions& options,
                          const std::function<void(size_t, size_t, const std::string&)>& progress = {});

}  // namespace lumen
