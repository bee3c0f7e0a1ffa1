// Model quantization: F32/F16/BF16 GGUF in, quantized GGUF out, with the
// per-tensor type choices ("mixes") users know from llama-quantize.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lumen/export.hpp"
#include "lumen/gguf.hpp"
#include "lumen/imatrix.hpp"
#include "lumen/tensor_type.hpp"

namespace lumen {

// A target such as "Q4_K_M": the default tensor type plus the mix rules.
struct QuantMix {
    std::string name;        // "Q4_K_M"
    TensorType base;         // Q4_K
    uint32_t file_type;      // general.file_type value (llama_ftype numbering)
};

// Known targets (case-insensitive): Q8_0 Q4_0 Q4_1 Q5_0 Q5_1 Q2_K Q2_K_S Q3_K_S Q3_K_M
// Q3_K_L Q4_K_S Q4_K_M Q5_K_S Q5_K_M Q6_K TQ1_0 TQ2_0 IQ4_NL IQ4_XS IQ3_XXS IQ3_XS IQ3_S
// IQ3_M IQ2_XXS IQ2_XS IQ2_S IQ2_M IQ1_S IQ1_M F16 BF16 F32 (Q2_K_S, IQ2_* and IQ1_* need an
// importance matrix).
LUMEN_API std::optional<QuantMix> find_quant_mix(std::string_view name);
LUMEN_API std::vector<QuantMix> all_quant_mixes();

struct QuantizeOptions {
    QuantMix mix;
    bool allow_requantize = false;  // input tensors that are already quantized
    bool pure = false;              // every quantizable tensor gets the base type (no mix rules)
    int n_threads = 0;              // 0: all cores
    // Importance matrix (borrowed; nullptr: none). Its per-column weights steer
    // the quantizers of the tensors it has entries for, and it changes some mix
    // rules, as in the reference. The 1- and 2-bit i-quants require one.
    const ImportanceMatrix* imatrix = nullptr;
    std::string imatrix_file;       // stored in the output's metadata (as the user named it)
};

struct TensorPlan {
    std::string name;
    TensorType from, to;
    std::string note;  // why the type differs from the base ("fallback: row length 172")
};

// The type each tensor of `input` gets, in output order: tensors outside the
// layers first, then layer by layer, by name within each (the reference's order).
LUMEN_API std::vector<TensorPlan> plan_quantization(const GgufFile& input, const QuantizeOptions& options);

// The importance weights `options.imatrix` holds for tensor `t` (values / ncall,
// one per column; per expert for 3-D tensors); empty when it has none. Throws
// lumen::Error when the entry's length does not fit the tensor.
LUMEN_API std::vector<float> importance_weights(const QuantizeOptions& options, const GgufTensor& t);

// Called after each tensor: (index, count, plan).
using QuantizeProgress = std::function<void(size_t, size_t, const TensorPlan&)>;

// Writes the quantized model atomically. Throws lumen::Error (output untouched).
LUMEN_API void quantize_model(const GgufFile& input, const std::filesystem::path& output,
                              const QuantizeOptions& options, const QuantizeProgress& progress = {});

}  // namespace lumen
