// The traits table: one row per tensor type, the single source of truth for
// block geometry and the scalar reference kernels. Adding a type = adding a row
// here (plus its kernels in scalar/).
#include <algorithm>
#include <array>
#include <cctype>
#include <string>

#include "lumen/error.hpp"
#include "lumen/tensor_type.hpp"
#include "scalar/iq_reference.hpp"
#include "scalar/reference.hpp"

namespace lumen {

namespace {

using T = TensorType;
namespace ref = kernels::ref;

// Types whose kernels we do not implement are still listed so that files
// holding them can be read, inspected and copied.
constexpr TypeTraits kTable[] = {
    // type       name       block  bytes  dequantize            quantize            vec_dot            vec_dot_type
    {T::F32,     "F32",      1,     4,     ref::dequant_f32,     ref::quant_f32,     ref::dot_f32,      T::F32},
    {T::F16,     "F16",      1,     2,     ref::dequant_f16,     ref::quant_f16,     ref::dot_f16,      T::F16},
    {T::Q4_0,    "Q4_0",     32,    18,    ref::dequant_q4_0,    ref::quant_q4_0,    ref::dot_q4_0,     T::Q8_0},
    {T::Q4_1,    "Q4_1",     32,    20,    ref::dequant_q4_1,    ref::quant_q4_1,    ref::dot_q4_1,     T::Q8_1},
    {T::Q5_0,    "Q5_0",     32,    22,    ref::dequant_q5_0,    ref::quant_q5_0,    ref::dot_q5_0,     T::Q8_0},
    {T::Q5_1,    "Q5_1",     32,    24,    ref::dequant_q5_1,    ref::quant_q5_1,    ref::dot_q5_1,     T::Q8_1},
    {T::Q8_0,    "Q8_0",     32,    34,    ref::dequant_q8_0,    ref::quant_q8_0,    ref::dot_q8_0,     T::Q8_0},
    {T::Q8_1,    "Q8_1",     32,    36,    ref::dequant_q8_1,    ref::quant_q8_1,    nullptr,           T::Q8_1},
    {T::Q2_K,    "Q2_K",     256,   84,    ref::dequant_q2_k,    ref::quant_q2_k,    ref::dot_q2_k,     T::Q8_K},
    {T::Q3_K,    "Q3_K",     256,   110,   ref::dequant_q3_k,    ref::quant_q3_k,    ref::dot_q3_k,     T::Q8_K},
    {T::Q4_K,    "Q4_K",     256,   144,   ref::dequant_q4_k,    ref::quant_q4_k,    ref::dot_q4_k,     T::Q8_K},
    {T::Q5_K,    "Q5_K",     256,   176,   ref::dequant_q5_k,    ref::quant_q5_k,    ref::dot_q5_k,     T::Q8_K},
    {T::Q6_K,    "Q6_K",     256,   210,   ref::dequant_q6_k,    ref::quant_q6_k,    ref::dot_q6_k,     T::Q8_K},
    {T::Q8_K,    "Q8_K",     256,   292,   ref::dequant_q8_k,    ref::quant_q8_k,    nullptr,           T::Q8_K},
    {T::IQ2_XXS, "IQ2_XXS",  256,   66,    ref::dequant_iq2_xxs, nullptr,            ref::dot_iq2_xxs,  T::Q8_K},
    {T::IQ2_XS,  "IQ2_XS",   256,   74,    ref::dequant_iq2_xs,  nullptr,            ref::dot_iq2_xs,   T::Q8_K},
    {T::IQ3_XXS, "IQ3_XXS",  256,   98,    ref::dequant_iq3_xxs, nullptr,            ref::dot_iq3_xxs,  T::Q8_K},
    {T::IQ1_S,   "IQ1_S",    256,   50,    ref::dequant_iq1_s,   nullptr,            ref::dot_iq1_s,    T::Q8_K},
    {T::IQ4_NL,  "IQ4_NL",   32,    18,    ref::dequant_iq4_nl,  ref::quant_iq4_nl,  ref::dot_iq4_nl,   T::Q8_0},
    {T::IQ3_S,   "IQ3_S",    256,   110,   ref::dequant_iq3_s,   nullptr,            ref::dot_iq3_s,    T::Q8_K},
    {T::IQ2_S,   "IQ2_S",    256,   82,    ref::dequant_iq2_s,   nullptr,            ref::dot_iq2_s,    T::Q8_K},
    {T::IQ4_XS,  "IQ4_XS",   256,   136,   ref::dequant_iq4_xs,  nullptr,            ref::dot_iq4_xs,   T::Q8_K},
    {T::I8,      "I8",       1,     1,     nullptr,              nullptr,            nullptr,           T::I8},
    {T::I16,     "I16",      1,     2,     nullptr,              nullptr,            nullptr,           T::I16},
    {T::I32,     "I32",      1,     4,     nullptr,              nullptr,            nullptr,           T::I32},
    {T::I64,     "I64",      1,     8,     nullptr,              nullptr,            nullptr,           T::I64},
    {T::F64,     "F64",      1,     8,     nullptr,              nullptr,            nullptr,           T::F64},
    {T::IQ1_M,   "IQ1_M",    256,   56,    ref::dequant_iq1_m,   nullptr,            ref::dot_iq1_m,    T::Q8_K},
    {T::BF16,    "BF16",     1,     2,     ref::dequant_bf16,    ref::quant_bf16,    ref::dot_bf16,     T::BF16},
    {T::TQ1_0,   "TQ1_0",    256,   54,    ref::dequant_tq1_0,   nullptr,            ref::dot_tq1_0,    T::Q8_K},
    {T::TQ2_0,   "TQ2_0",    256,   66,    ref::dequant_tq2_0,   ref::quant_tq2_0,   ref::dot_tq2_0,    T::Q8_K},
};

constexpr uint32_t kMaxId = 35;

// id -> row index (or -1), built at compile time from kTable.
constexpr std::array<int, kMaxId + 1> make_index() {
    std::array<int, kMaxId + 1> index{};
    for (auto& i : index) i = -1;
    for (size_t r = 0; r < std::size(kTable); ++r) index[uint32_t(kTable[r].type)] = int(r);
    return index;
}
constexpr auto kIndex = make_index();

}  // namespace

const TypeTraits* find_type_traits(uint32_t id) {
    if (id > kMaxId || kIndex[id] < 0) return nullptr;
    return &kTable[kIndex[id]];
}

const TypeTraits& type_traits(TensorType type) {
    const TypeTraits* t = find_type_traits(uint32_t(type));
    if (t == nullptr) throw Error("unknown tensor type id " + std::to_string(uint32_t(type)));
    return *t;
}

std::span<const TypeTraits> all_type_traits() { return kTable; }

std::optional<TensorType> parse_type_name(std::string_view name) {
    std::string upper(name);
    std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return char(std::toupper(c)); });
    for (const auto& t : kTable)
        if (upper == t.name) return t.type;
    return std::nullopt;
}

uint64_t row_bytes(TensorType type, int64_t n) {
    const TypeTraits& t = type_traits(type);
    if (n < 0 || n % t.block_size != 0)
        throw Error(std::string("a row of ") + std::to_string(n) + " elements cannot be stored as " + t.name +
                    " (block size " + std::to_string(t.block_size) + ")");
    return uint64_t(n / t.block_size) * uint64_t(t.block_bytes);
}

}  // namespace lumen
