// Tensor element types as GGUF numbers them, and the traits table that is the
// single source of truth for each type: block geometry, name, and the scalar
// reference kernels (dequantize, quantize, dot product).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "lumen/export.hpp"

namespace lumen {

// Values are the GGUF/ggml type ids; they appear on disk and must never change.
enum class TensorType : uint32_t {
    F32 = 0, F16 = 1, Q4_0 = 2, Q4_1 = 3, Q5_0 = 6, Q5_1 = 7, Q8_0 = 8, Q8_1 = 9,
    Q2_K = 10, Q3_K = 11, Q4_K = 12, Q5_K = 13, Q6_K = 14, Q8_K = 15,
    IQ2_XXS = 16, IQ2_XS = 17, IQ3_XXS = 18, IQ1_S = 19, IQ4_NL = 20, IQ3_S = 21,
    IQ2_S = 22, IQ4_XS = 23, I8 = 24, I16 = 25, I32 = 26, I64 = 27, F64 = 28,
    IQ1_M = 29, BF16 = 30, TQ1_0 = 34, TQ2_0 = 35,
};

// Dequantize `n` elements (a whole number of blocks) from `src` into floats.
using DequantizeRowFn = void (*)(const void* src, float* dst, int64_t n);
// Quantize `n` floats (a whole number of blocks) into blocks at `dst`.
using QuantizeRowFn = void (*)(const float* src, void* dst, int64_t n);
// Dot product of `n` weights (this type) with `n` activations already quantized
// to this type's `vec_dot_type`.
using VecDotFn = float (*)(int64_t n, const void* weights, const void* activations);

struct TypeTraits {
    TensorType type;
    const char* name;          // as gguf-py and llama.cpp print it: "Q4_K", "F16"...
    int64_t block_size;        // elements per block
    int64_t block_bytes;       // bytes per block
    DequantizeRowFn dequantize;  // nullptr: the type can be stored and shown, not computed
    QuantizeRowFn quantize;      // nullptr: we cannot produce this type
    VecDotFn vec_dot;            // nullptr: no dot product (dequantize instead)
    TensorType vec_dot_type;     // format activations must be in for vec_dot

    double bits_per_weight() const { return 8.0 * double(block_bytes) / double(block_size); }
};

// Traits of a type id read from a file; nullptr when the id is not a type we know.
LUMEN_API const TypeTraits* find_type_traits(uint32_t id);
// Traits of a known type.
LUMEN_API const TypeTraits& type_traits(TensorType type);
// Every type in the table, in id order.
LUMEN_API std::span<const TypeTraits> all_type_traits();
// Case-insensitive lookup by name ("q4_0", "Q4_0", "bf16").
LUMEN_API std::optional<TensorType> parse_type_name(std::string_view name);
inline const char* type_name(TensorType type) { return type_traits(type).name; }
// Bytes of a row of `n` elements; throws lumen::Error if n is not a whole number of blocks.
LUMEN_API uint64_t row_bytes(TensorType type, int64_t n);

}  // namespace lumen
