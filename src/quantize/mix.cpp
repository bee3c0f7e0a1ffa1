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
    {"IQ4_XS", T::IQ4_XS, 30}, {"TQ1_0", T::TQ1_0, 36},   {"IQ3_XXS", T::IQ3_XXS, 23}, {"IQ3_S", T::IQ3_S, 26},
    {"IQ3_M", T::IQ3_S, 27},   {"IQ3_XS", T::IQ3_S, 22},    {"IQ2_XXS", T::IQ2_XXS, 19}, {"IQ2_XS", T::IQ2_XS, 20},
    {"IQ1_S", T::IQ1_S, 24},   {"IQ1_M", T::IQ1_M, 31},     {"IQ2_S", T::IQ2_XS, 28},    {"IQ2_M", T::IQ2_S, 29},
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
        case T::TQ1_0: case T::TQ2_0: f = T::Q4_0; break;
        case T::Q2_K: case T::Q3_K: case T::IQ4_XS: case T::IQ3_S: case T::IQ3_XXS: case T::IQ2_S:
        case T::IQ2_XS: case T::IQ2_XXS: case T::IQ1_S: case T::IQ1_M: f = T::IQ4_NL; break;
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
    int i_attn_v = 0, n_attn_v = 0, i_ffn_down = 0, n_ffn_down = 0, i_ffn_gate = 0, n_ffn_gate = 0, i_ffn_up = 0,
        n_ffn_up = 0;
};

bool is_one_of(const std::string& m, std::initializer_list<const char*> names) {
    for (const char* n : names)
        if (m == n) return true;
    return false;
}

// The 1- and 2-bit i-quant mixes share one set of rules.
bool low_bit_iq(const std::string& m) { return is_one_of(m, {"IQ2_XXS", "IQ2_XS", "IQ1_S", "IQ2_S", "IQ2_M", "IQ1_M"}); }

struct MixContext {
    bool has_output;
    int n_gqa;
    bool has_imatrix;
};

T output_type(const std::string& m, const GgufTensor& t, T type) {
    if (t.ne[0] % 256 != 0) return T::Q8_0;
    if (is_one_of(m, {"IQ2_XXS", "IQ2_XS", "IQ3_XXS", "IQ1_S", "IQ2_S", "IQ2_M", "IQ1_M"})) return T::Q5_K;
    return type != T::Q8_0 ? T::Q6_K : type;
}

T token_embd_type(const std::string& m, T type) {
    if (is_one_of(m, {"IQ2_XXS", "IQ2_XS", "IQ1_S", "IQ1_M"})) return T::Q2_K;
    if (is_one_of(m, {"IQ2_S", "IQ2_M", "IQ3_XXS"})) return T::IQ3_S;
    if (is_one_of(m, {"TQ1_0", "TQ2_0"})) return T::Q4_K;
    return type;
}

T low_bit_iq_type(const std::string& m, const std::string& name, T type, const MixContext& x, Counters& c) {
    const bool iq2_s_or_m = m == "IQ2_S" || m == "IQ2_M";
    if (contains(name, "attn_v.weight")) {
        type = x.n_gqa >= 4 ? T::Q4_K : iq2_s_or_m ? T::IQ3_S : T::Q2_K;
        ++c.i_attn_v;
    } else if (contains(name, "ffn_down")) {
        if (c.i_ffn_down < c.n_ffn_down / 8) type = iq2_s_or_m ? T::IQ3_S : T::Q2_K;
        ++c.i_ffn_down;
    } else if (contains(name, "attn_output.weight")) {
        if (m == "IQ1_S" || m == "IQ1_M") type = T::IQ2_XXS;
        else if (iq2_s_or_m) type = T::IQ3_S;
    }
    return type;
}

T attn_v_type(const std::string& m, T type, const MixContext& x, const Counters& c) {
    if (m == "Q2_K") return x.n_gqa >= 4 ? T::Q4_K : T::Q3_K;
    if (m == "Q2_K_S") return x.n_gqa >= 4 ? T::Q4_K : type;
    if (m == "IQ3_XXS") return x.n_gqa >= 4 ? T::Q4_K : x.has_imatrix ? T::IQ3_XXS : T::IQ3_S;
    if (m == "IQ3_XS" || m == "IQ3_S") return x.n_gqa >= 4 ? T::Q4_K : type;
    if (m == "IQ3_M") return T::Q4_K;
    if (m == "Q3_K_M") return c.i_attn_v < 2 ? T::Q5_K : T::Q4_K;
    if (m == "Q3_K_L") return T::Q5_K;
    if (m == "IQ4_NL" || m == "IQ4_XS") return x.n_gqa >= 4 ? T::Q5_K : type;
    if ((m == "Q4_K_M" || m == "Q5_K_M") && use_more_bits(c.i_attn_v, c.n_attn_v)) return T::Q6_K;
    if (m == "Q4_K_S" && c.i_attn_v < 4) return T::Q5_K;
    return type;
}

T ffn_down_type(const std::string& m, T type, const MixContext& x, const Counters& c) {
    const int i = c.i_ffn_down, n = c.n_ffn_down;
    if (m == "Q2_K") return T::Q3_K;
    if (m == "Q2_K_S") return i < n / 8 ? T::Q4_K : type;
    if (m == "IQ3_XXS" && !x.has_imatrix) return i < n / 8 ? T::Q4_K : T::Q3_K;
    if (m == "Q3_K_M") return i < n / 16 ? T::Q5_K : T::Q4_K;
    if (m == "IQ3_M") return i < n / 8 ? T::Q4_K : type;
    if (m == "Q3_K_L") return T::Q5_K;
    if (m == "Q4_K_M") return use_more_bits(i, n) ? T::Q6_K : type;
    if (i < n / 8 && (m == "IQ4_NL" || m == "IQ4_XS") && !x.has_imatrix) return T::Q5_K;
    if (m == "Q5_K_M" && use_more_bits(i, n)) return T::Q6_K;
    if (m == "Q4_K_S" && i < n / 8) return T::Q5_K;
    if ((m == "Q4_0" || m == "Q5_0") && x.has_imatrix && i < n / 8) return m == "Q4_0" ? T::Q4_1 : T::Q5_1;
    return type;
}

T attn_output_type(const std::string& m, T type) {
    if (m == "Q2_K") return T::Q3_K;
    if (m == "IQ3_XXS") return T::IQ3_S;
    if (m == "Q3_K_M" || m == "IQ3_M") return T::Q4_K;
    if (m == "Q3_K_L") return T::Q5_K;
    return type;
}

// The reference's per-tensor rules (dense models).
T mix_type(const QuantMix& mix, const GgufTensor& t, const MixContext& x, Counters& c) {
    const std::string& name = t.name;
    const std::string& m = mix.name;
    T type = mix.base;
    if (name == "output.weight" || (!x.has_output && name == "token_embd.weight")) return output_type(m, t, type);
    if (name == "token_embd.weight") return token_embd_type(m, type);
    if (low_bit_iq(m)) return low_bit_iq_type(m, name, type, x, c);
    if (contains(name, "attn_v.weight")) {
        type = attn_v_type(m, type, x, c);
        ++c.i_attn_v;
    } else if (contains(name, "attn_k.weight") || contains(name, "attn_q.weight")) {
        if (m == "IQ3_XS") type = T::IQ3_XXS;
        else if (m == "IQ3_XXS") type = T::IQ2_S;
    } else if (contains(name, "ffn_down")) {
        type = ffn_down_type(m, type, x, c);
        ++c.i_ffn_down;
    } else if (contains(name, "attn_output.weight")) {
        type = attn_output_type(m, type);
    } else if (contains(name, "attn_qkv.weight")) {  // fused q/k/v (phi3)
        if (m == "Q3_K_M" || m == "Q3_K_L" || m == "IQ3_M") type = T::Q4_K;
        else if (m == "Q4_K_M") type = T::Q5_K;
        else if (m == "Q5_K_M") type = T::Q6_K;
    } else if (contains(name, "ffn_gate") || contains(name, "ffn_up")) {
        const bool gate = contains(name, "ffn_gate");
        int& i = gate ? c.i_ffn_gate : c.i_ffn_up;
        const int n = gate ? c.n_ffn_gate : c.n_ffn_up;
        if (m == "IQ3_XS" && i >= n / 8 && i < 7 * n / 8) type = T::IQ3_XXS;
        ++i;
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

namespace {

// Types the reference refuses to write without importance weights ("the result
// would be garbage"): the 1- and 2-bit i-quants, and Q2_K in the Q2_K_S mix.
bool needs_importance(const QuantMix& mix, const GgufTensor& t, T to) {
    const bool embd = t.name == "token_embd.weight", out = t.name == "output.weight";
    switch (to) {
        case T::IQ2_XXS: case T::IQ2_XS: case T::IQ2_S: case T::IQ1_S: return true;
        case T::IQ1_M: return !embd && !out;
        case T::Q2_K: return mix.name == "Q2_K_S" && !embd;
        default: return false;
    }
}

}  // namespace

std::vector<float> importance_weights(const QuantizeOptions& o, const GgufTensor& t) {
    if (o.imatrix == nullptr) return {};
    const ImatrixEntry* e = o.imatrix->find(t.name);
    if (e == nullptr) return {};
    const uint64_t want = uint64_t(t.ne[0]) * uint64_t(t.ne[2]);
    if (e->values.size() != want) {
        // The reference tolerates this for the token embeddings only.
        if (t.name == "token_embd.weight") return {};
        throw Error("importance matrix: '" + t.name + "' has " + std::to_string(e->values.size()) +
                    " values, the tensor needs " + std::to_string(want));
    }
    return e->weights();
}

std::vector<TensorPlan> plan_quantization(const GgufFile& in, const QuantizeOptions& o) {
    if (o.imatrix == nullptr && is_one_of(o.mix.name, {"IQ2_XXS", "IQ2_XS", "IQ2_S", "Q2_K_S", "IQ1_S", "IQ1_M"}))
        throw Error(o.mix.name + " needs an importance matrix: pass --imatrix FILE (make one with `lumen imatrix`)");
    const std::string arch = in.get_string("general.architecture");
    const uint64_t heads = in.get_u64(arch + ".attention.head_count", 1);
    const uint64_t kv_heads = in.get_u64(arch + ".attention.head_count_kv", heads);
    const int n_gqa = kv_heads ? int(heads / kv_heads) : 1;
    Counters c;
    MixContext x{false, n_gqa, o.imatrix != nullptr};
    for (const auto& t : in.tensors()) {
        c.n_attn_v += contains(t.name, "attn_v.weight");
        c.n_ffn_down += contains(t.name, "ffn_down");
        c.n_ffn_gate += contains(t.name, "ffn_gate");
        c.n_ffn_up += contains(t.name, "ffn_up");
        x.has_output |= t.name == "output.weight";
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
            if (!o.pure && is_quantized(o.mix.base)) type = mix_type(o.mix, t, x, c);
            p.to = fallback(type, t.ne[0], p.note);
            if (p.note.empty() && p.to != o.mix.base) p.note = "mix rule";
            if (p.to != p.from && needs_importance(o.mix, t, p.to) && importance_weights(o, t).empty())
                throw Error("tensor '" + t.name + "': " + type_name(p.to) + " needs an importance matrix" +
                            (o.imatrix ? " entry for it" : " (--imatrix FILE)") +
                            "; without one the quantized weights would be garbage");
        }
        plan.push_back(std::move(p));
    }
    return plan;
}

}  // namespace lumen
