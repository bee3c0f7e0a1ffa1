// Per-tensor type choices of the quantization mixes. These follow the rules of
// the reference quantizer (no importance matrix) so that our files match its
// files tensor for tensor; docs/quantization.md describes them in prose.
#include <algorithm>
#include <cstdlib>
#include <cctype>
#include <string>

#include "lumen/error.hpp"
#include "lumen/quantize.hpp"

namespace lumen {

namespace {

using T = TensorType;

const QuantMix kMixes[] = {
    {"F32", T::F32, 0},      {"F16", T::F16, 1},       {"BF16", T::BF16, 32},    {"Q8_0", T::Q8_0, 7},
    {"Q4_0", T::Q4_0, 2},    {"Q4_1", T::Q4_1, 3},     {"Q5_0", T::Q5_0, 8},     {"Q5_1", T::Q5_1, 9},
    {"Q2_K", T::Q2_K, 10},   {"Q2_K_S", T::Q2_K, 21},  {"Q3_K_S", T::Q3_K, 11},  {"Q3_K_M", T::Q3_K, 12},
    {"Q3_K_L", T::Q3_K, 13}, {"Q4_K_S", T::Q4_K, 14},  {"Q4_K_M", T::Q4_K, 15},  {"Q5_K_S", T::Q5_K, 16},
    {"Q5_K_M", T::Q5_K, 17}, {"Q6_K", T::Q6_K, 18},    {"IQ4_NL", T::IQ4_NL, 25}, {"TQ2_0", T::TQ2_0, 37},
};

bool is_quantized(T t) { return t != T::F32 && t != T::F16 && t != T::BF16; }

// Layers that get more bits in the _M mixes: the first and last eighth, and every third in between.
bool use_more_bits(int i, int n) { return i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2; }

bool contains(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

// Which 2-D tensors are quantized at all: weights, not norms.
bool quantizable(const GgufTensor& t) {
    const std::string& n = t.name;
    return n.size() > 6 && n.compare(n.size() - 6, 6, "weight") == 0 && t.n_dims >= 2 &&
           !contains(n, "_norm.weight") && !contains(n, "ffn_gate_inp.weight") && n != "position_embd.weight" &&
           n != "token_types.weight";
}

// A type the row length cannot hold falls back to the nearest 32-block type,
// then to F16.
T fallback(T t, int64_t row, std::string& note) {
    if (row % type_traits(t).block_size == 0) return t;
    T f;
    switch (t) {
        case T::TQ2_0: f = T::Q4_0; break;
        case T::Q2_K: case T::Q3_K: f = T::IQ4_NL; break;
        case T::Q4_K: f = T::Q5_0; break;
        case T::Q5_K: f = T::Q5_1; break;
        case T::Q6_K: f = T::Q8_0; break;
        default: f = T::F16; break;  // 32-block types (the reference refuses these files)
    }
    if (row % type_traits(f).block_size != 0) f = T::F16;
    note = std::string("row length ") + std::to_string(row) + " does not fit " + type_name(t) + ": " + type_name(f);
    return f;
}

struct Counters {
    int i_attn_v = 0, n_attn_v = 0, i_ffn_down = 0, n_ffn_down = 0;
};

T mix_type(const QuantMix& mix, const GgufTensor& t, bool has_output, int n_gqa, Counters& c) {
    const std::string& name = t.name;
    const std::string& m = mix.name;
    T type = mix.base;
    if (name == "output.weight" || (!has_output && name == "token_embd.weight")) {
        if (t.ne[0] % 256 != 0) type = T::Q8_0;
        else if (type != T::Q8_0) type = T::Q6_K;
    } else if (name == "token_embd.weight") {
        if (m == "TQ2_0") type = T::Q4_K;
    } else if (contains(name, "attn_v.weight")) {
        if (m == "Q2_K") type = n_gqa >= 4 ? T::Q4_K : T::Q3_K;
        else if (m == "Q2_K_S" && n_gqa >= 4) type = T::Q4_K;
        else if (m == "Q3_K_M") type = c.i_attn_v < 2 ? T::Q5_K : T::Q4_K;
        else if (m == "Q3_K_L") type = T::Q5_K;
        else if (m == "IQ4_NL" && n_gqa >= 4) type = T::Q5_K;
        else if ((m == "Q4_K_M" || m == "Q5_K_M") && use_more_bits(c.i_attn_v, c.n_attn_v)) type = T::Q6_K;
        else if (m == "Q4_K_S" && c.i_attn_v < 4) type = T::Q5_K;
        ++c.i_attn_v;
    } else if (contains(name, "ffn_down")) {
        const int i = c.i_ffn_down, n = c.n_ffn_down;
        if (m == "Q2_K") type = T::Q3_K;
        else if (m == "Q2_K_S") { if (i < n / 8) type = T::Q4_K; }
        else if (m == "Q3_K_M") type = i < n / 16 ? T::Q5_K : T::Q4_K;
        else if (m == "Q3_K_L") type = T::Q5_K;
        else if (m == "Q4_K_M") { if (use_more_bits(i, n)) type = T::Q6_K; }
        else if (i < n / 8 && m == "IQ4_NL") type = T::Q5_K;
        else if (m == "Q5_K_M" && use_more_bits(i, n)) type = T::Q6_K;
        else if (m == "Q4_K_S" && i < n / 8) type = T::Q5_K;
        ++c.i_ffn_down;
    } else if (contains(name, "attn_qkv.weight")) {  // fused q/k/v (phi3)
        if (m == "Q3_K_M" || m == "Q3_K_L") type = T::Q4_K;
        else if (m == "Q4_K_M") type = T::Q5_K;
        else if (m == "Q5_K_M") type = T::Q6_K;
    } else if (contains(name, "attn_output.weight")) {
        if (m == "Q2_K") type = T::Q3_K;
        else if (m == "Q3_K_M") type = T::Q4_K;
        else if (m == "Q3_K_L") type = T::Q5_K;
    }
    return type;
}

}  // namespace

std::optional<QuantMix> find_quant_mix(std::string_view name) {
    std::string upper(name);
    std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char ch) { return char(std::toupper(ch)); });
    for (const auto& m : kMixes)
        if (m.name == upper) return m;
    return std::nullopt;
}

std::vector<QuantMix> all_quant_mixes() { return {std::begin(kMixes), std::end(kMixes)}; }

// The order tensors are written (and the mix counters advance) in: tensors
// outside the layers first, then layer by layer; by name within each group.
// The reference quantizer writes this order; following it keeps files identical.
std::vector<const GgufTensor*> output_order(const GgufFile& in) {
    auto layer = [](const std::string& name) {
        int l = -1;
        if (name.rfind("blk.", 0) == 0) l = std::atoi(name.c_str() + 4);
        return l;
    };
    std::vector<const GgufTensor*> order;
    for (const auto& t : in.tensors()) order.push_back(&t);
    std::stable_sort(order.begin(), order.end(), [&](const GgufTensor* a, const GgufTensor* b) {
        const int la = layer(a->name), lb = layer(b->name);
        return la != lb ? la < lb : a->name < b->name;
    });
    return order;
}

std::vector<TensorPlan> plan_quantization(const GgufFile& in, const QuantizeOptions& o) {
    const std::string arch = in.get_string("general.architecture");
    const uint64_t heads = in.get_u64(arch + ".attention.head_count", 1);
    const uint64_t kv_heads = in.get_u64(arch + ".attention.head_count_kv", heads);
    const int n_gqa = kv_heads ? int(heads / kv_heads) : 1;
    Counters c;
    bool has_output = false;
    for (const auto& t : in.tensors()) {
        c.n_attn_v += contains(t.name, "attn_v.weight");
        c.n_ffn_down += contains(t.name, "ffn_down");
        has_output |= t.name == "output.weight";
    }
    std::vector<TensorPlan> plan;
    for (const GgufTensor* tp : output_order(in)) {
        const GgufTensor& t = *tp;
        TensorPlan p{t.name, t.type, t.type, ""};
        if (quantizable(t)) {
            if (is_quantized(t.type) && !o.allow_requantize)
                throw Error(in.label() + ": tensor '" + t.name + "' is already " + type_name(t.type) +
                            "; quantize from an F32/F16/BF16 model, or pass --allow-requantize");
            T type = o.mix.base;
            if (!o.pure && is_quantized(o.mix.base)) type = mix_type(o.mix, t, has_output, n_gqa, c);
            p.to = fallback(type, t.ne[0], p.note);
            if (p.note.empty() && p.to != o.mix.base) p.note = "mix rule";
        }
        plan.push_back(std::move(p));
    }
    return plan;
}

}  // namespace lumen
