// `lumen inspect FILE.gguf [--json]`: what is in a GGUF file.
#include <cstdio>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "commands.hpp"
#include "lumen/gguf.hpp"
#include "options.hpp"
#include "lumen/model.hpp"

namespace lumen::cli {

namespace {

struct InspectOptions {
    std::string path;
    bool json = false;
};

// The model-shape summary people look for first.
struct Summary {
    std::string arch;
    uint64_t layers = 0, heads = 0, kv_heads = 0, dim = 0, ffn = 0, ctx = 0, vocab = 0;
    uint64_t params = 0, tensor_bytes = 0;
};

Summary summarize(const GgufFile& f) {
    Summary s;
    s.arch = f.get_string("general.architecture", "(none)");
    const std::string a = s.arch + ".";
    s.layers = f.get_u64(a + "block_count", 0);
    s.heads = f.get_u64(a + "attention.head_count", 0);
    s.kv_heads = f.get_u64(a + "attention.head_count_kv", s.heads);
    s.dim = f.get_u64(a + "embedding_length", 0);
    s.ffn = f.get_u64(a + "feed_forward_length", 0);
    s.ctx = f.get_u64(a + "context_length", 0);
    if (const GgufValue* tokens = f.find("tokenizer.ggml.tokens"); tokens && tokens->is_array())
        s.vocab = tokens->size();
    else
        s.vocab = f.get_u64(a + "vocab_size", 0);
    for (const auto& t : f.tensors()) {
        s.params += uint64_t(t.n_elements());
        s.tensor_bytes += t.n_bytes;
    }
    return s;
}

// How lumen runs the file, when it can: the hyperparameters of its family,
// each as (name, value) in the order printed. Empty when the file is no model lumen runs.
std::vector<std::pair<std::string, std::string>> family_params(const std::string& path) {
    std::shared_ptr<const Model> m;
    try {
        LoadOptions options;
        options.repack = false;
        m = Model::load(path, options);
    } catch (const std::exception&) {
        return {};
    }
    const ModelConfig& c = m->config();
    auto num = [](double v) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%g", v);
        return std::string(buf);
    };
    std::vector<std::pair<std::string, std::string>> p = {
        {"head_size", std::to_string(c.head_dim)},
        {"rope", std::string(c.rope == RopeStyle::adjacent ? "adjacent pairs" : "halves") + ", " +
                     std::to_string(c.n_rot) + " dims, base " + num(c.rope_base)},
        {"ffn", std::string(c.ffn_act == FfnActivation::gelu ? "GeGLU (tanh GELU)" : "SwiGLU") +
                    (c.fused_up ? ", fused gate+up" : "")},
        {"attention_scale", num(c.attn_scale) + (c.q_prescale ? " (on q)" : " (on scores)")},
        {"output", c.tied_output ? "tied to token_embd" : "output.weight"},
    };
    if (c.fused_qkv) p.emplace_back("qkv", "fused attn_qkv");
    if (c.qkv_bias) p.emplace_back("qkv_bias", "yes");
    if (c.qk_norm) p.emplace_back("qk_norm", "yes");
    if (c.post_norms) p.emplace_back("post_norms", "after attention and FFN");
    if (c.embd_scale != 1.f) p.emplace_back("embedding_scale", num(c.embd_scale));
    if (c.residual_scale != 1.f) p.emplace_back("residual_scale", num(c.residual_scale));
    if (c.logit_scale != 1.f) p.emplace_back("logit_scale", "1/" + num(c.logit_scale));
    if (c.attn_softcap > 0.f) p.emplace_back("attn_softcap", num(c.attn_softcap));
    if (c.final_softcap > 0.f) p.emplace_back("final_softcap", num(c.final_softcap));
    if (c.swa != SlidingWindow::none)
        p.emplace_back("sliding_window", std::to_string(c.n_swa) +
                                             (c.swa == SlidingWindow::even_layers ? " (even layers)" : " (all layers)"));
    if (c.rope_attn_factor != 1.f) p.emplace_back("rope_attn_factor", num(c.rope_attn_factor));
    if (c.n_ctx_orig > 0) p.emplace_back("rope_factors", "long above " + std::to_string(c.n_ctx_orig) + " positions, else short");
    if (c.rope_freq_factors) p.emplace_back("rope_freqs", "yes");
    return p;
}

std::string human_bytes(uint64_t b) {
    char buf[32];
    if (b >= (1ull << 30)) std::snprintf(buf, sizeof buf, "%.2f GiB", double(b) / double(1ull << 30));
    else if (b >= (1ull << 20)) std::snprintf(buf, sizeof buf, "%.2f MiB", double(b) / double(1ull << 20));
    else if (b >= 1024) std::snprintf(buf, sizeof buf, "%.2f KiB", double(b) / 1024.0);
    else std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(b));
    return buf;
}

double bits_per_weight(const Summary& s) { return s.params ? 8.0 * double(s.tensor_bytes) / double(s.params) : 0.0; }

nlohmann::json value_json(const GgufValue& v, size_t max_items) {
    switch (v.type()) {
        case GgufType::STRING: return v.as_string();
        case GgufType::BOOL: return v.as_bool();
        case GgufType::F32: case GgufType::F64: return v.as_f64();
        case GgufType::ARRAY: break;
        default:
            if (v.type() == GgufType::U64 || v.type() == GgufType::U32 || v.type() == GgufType::U16 ||
                v.type() == GgufType::U8)
                return v.as_u64();
            return v.as_i64();
    }
    nlohmann::json arr = nlohmann::json::array();
    const size_t n = std::min(v.size(), max_items);
    for (size_t i = 0; i < n; ++i) {
        if (v.elem_type() == GgufType::STRING) arr.push_back(v.strings()[i]);
        else if (v.elem_type() == GgufType::ARRAY) arr.push_back(value_json(v.arrays()[i], max_items));
        else if (v.elem_type() == GgufType::F32 || v.elem_type() == GgufType::F64) arr.push_back(v.number_at(i));
        else arr.push_back(v.int_at(i));
    }
    return nlohmann::json{{"type", "array"}, {"elem_type", gguf_type_name(v.elem_type())},
                          {"length", v.size()}, {"items", arr}, {"truncated", v.size() > max_items}};
}

void print_json(const GgufFile& f, const Summary& s, const std::string& path) {
    nlohmann::json j;
    j["file"] = f.label();
    j["file_size"] = f.file_size();
    j["gguf_version"] = f.version();
    j["alignment"] = f.alignment();
    j["architecture"] = s.arch;
    j["hparams"] = {{"n_layer", s.layers}, {"n_head", s.heads}, {"n_head_kv", s.kv_heads}, {"n_embd", s.dim},
                    {"n_ff", s.ffn}, {"n_ctx_train", s.ctx}, {"n_vocab", s.vocab}};
    nlohmann::json fam = nlohmann::json::object();
    for (const auto& [k, v] : family_params(path)) fam[k] = v;
    j["family"] = fam;
    j["n_params"] = s.params;
    j["tensor_bytes"] = s.tensor_bytes;
    j["bits_per_weight"] = bits_per_weight(s);
    nlohmann::json meta = nlohmann::json::object();
    for (const auto& [k, v] : f.metadata()) meta[k] = value_json(v, 16);
    j["metadata"] = meta;
    nlohmann::json tensors = nlohmann::json::array();
    for (const auto& t : f.tensors()) {
        nlohmann::json shape = nlohmann::json::array();
        for (uint32_t d = 0; d < t.n_dims; ++d) shape.push_back(t.ne[d]);
        tensors.push_back({{"name", t.name}, {"type", type_name(t.type)}, {"shape", shape},
                           {"bytes", t.n_bytes}, {"offset", f.data_offset() + t.offset}});
    }
    j["tensors"] = tensors;
    std::printf("%s\n", j.dump(2).c_str());
}

void print_text(const GgufFile& f, const Summary& s, const std::string& path) {
    std::printf("file:          %s (%s, GGUF v%u)\n", f.label().c_str(), human_bytes(f.file_size()).c_str(),
                f.version());
    std::printf("architecture:  %s\n", s.arch.c_str());
    std::printf("layers:        %llu\n", static_cast<unsigned long long>(s.layers));
    std::printf("heads:         %llu (KV heads: %llu)\n", static_cast<unsigned long long>(s.heads),
                static_cast<unsigned long long>(s.kv_heads));
    std::printf("dim:           %llu (FFN: %llu)\n", static_cast<unsigned long long>(s.dim),
                static_cast<unsigned long long>(s.ffn));
    std::printf("context:       %llu (training)\n", static_cast<unsigned long long>(s.ctx));
    std::printf("vocab:         %llu\n", static_cast<unsigned long long>(s.vocab));
    std::printf("parameters:    %llu (%.2f M)\n", static_cast<unsigned long long>(s.params), double(s.params) / 1e6);
    std::printf("tensor data:   %s, %.2f bits per weight\n", human_bytes(s.tensor_bytes).c_str(), bits_per_weight(s));
    if (const auto fam = family_params(path); !fam.empty()) {
        std::printf("\nhow lumen runs it (%s):\n", s.arch.c_str());
        for (const auto& [k, v] : fam) std::printf("  %-16s %s\n", k.c_str(), v.c_str());
    }

    std::printf("\nmetadata (%zu):\n", f.metadata().size());
    for (const auto& [k, v] : f.metadata()) std::printf("  %-44s %s\n", k.c_str(), v.to_display_string().c_str());

    std::map<std::string, int> type_counts;
    for (const auto& t : f.tensors()) ++type_counts[type_name(t.type)];
    std::printf("\ntensors (%zu):", f.tensors().size());
    for (const auto& [name, n] : type_counts) std::printf(" %s x%d", name.c_str(), n);
    std::printf("\n  %-36s %-8s %-20s %12s\n", "name", "type", "shape", "bytes");
    for (const auto& t : f.tensors())
        std::printf("  %-36s %-8s %-20s %12llu\n", t.name.c_str(), type_name(t.type), t.shape_string().c_str(),
                    static_cast<unsigned long long>(t.n_bytes));
}

}  // namespace

void register_inspect(CLI::App& app) {
    auto opts = std::make_shared<InspectOptions>();
    CLI::App* cmd = app.add_subcommand("inspect", "Show a GGUF file's architecture, metadata and tensors");
    cmd->add_option("file", opts->path, "GGUF file")->required();
    cmd->add_flag("--json", opts->json, "Machine-readable JSON output");
    cmd->callback([opts] {
        const GgufFile f = GgufFile::open(file_path(opts->path));
        const Summary s = summarize(f);
        if (opts->json) print_json(f, s, opts->path); else print_text(f, s, opts->path);
    });
}

}  // namespace lumen::cli
