// `lumen lora merge -m BASE.gguf --lora A.gguf[:SCALE] ... -o OUT.gguf [--type T]`
#include <cstdio>

#include "commands.hpp"
#include "lumen/error.hpp"
#include "lumen/lora.hpp"
#include "lumen/model.hpp"
#include "options.hpp"

namespace lumen::cli {

namespace {

struct MergeCli {
    std::string base, output, type;
    std::vector<std::string> adapters;  // FILE or FILE:SCALE
    int threads = 0;
};

void merge(const MergeCli& o) {
    const auto model = Model::load(file_path(o.base));
    LoraMergeOptions mo;
    mo.n_threads = o.threads;
    for (const auto& spec : o.adapters) {
        std::string file = spec;
        float scale = 1.0f;
        if (const auto colon = spec.rfind(':'); colon != std::string::npos && colon + 1 < spec.size()) {
            try {
                size_t used = 0;
                scale = std::stof(spec.substr(colon + 1), &used);
                if (used == spec.size() - colon - 1) file = spec.substr(0, colon);
                else scale = 1.0f;
            } catch (const std::exception&) {
                scale = 1.0f;  // not a scale: a ':' in the path
            }
        }
        mo.adapters.push_back({LoraAdapter::load(file_path(file), *model), scale});
        std::fprintf(stderr, "adapter %s: %zu tensors, alpha %.1f, scale %.2f\n", file.c_str(),
                     mo.adapters.back().adapter->pairs().size(), mo.adapters.back().adapter->alpha(), scale);
    }
    if (!o.type.empty()) {
        const auto t = parse_type_name(o.type);
        if (!t || type_traits(*t).quantize == nullptr) throw Error("--type " + o.type + ": not a type lumen can write");
        mo.type = *t;
    }
    merge_lora(*model, file_path(o.output), mo, [](size_t i, size_t n, const std::string& name) {
        std::fprintf(stderr, "[%3zu/%3zu] %s\n", i + 1, n, name.c_str());
    });
    std::fprintf(stderr, "wrote %s\n", o.output.c_str());
}

}  // namespace

void register_lora(CLI::App& app) {
    CLI::App* lora = app.add_subcommand("lora", "LoRA adapters: merge into a model");
    lora->require_subcommand(1);
    auto o = std::make_shared<MergeCli>();
    CLI::App* cmd = lora->add_subcommand("merge", "Write base + adapters as one model (atomic)");
    cmd->add_option("-m,--model", o->base, "Base model GGUF")->required();
    cmd->add_option("--lora", o->adapters, "Adapter FILE or FILE:SCALE (repeatable)")->required();
    cmd->add_option("-o,--output", o->output, "Output GGUF")->required();
    cmd->add_option("--type", o->type, "Store weight matrices as this type (default: the base's types)");
    cmd->add_option("-t,--threads", o->threads, "Threads");
    cmd->callback([o] { merge(*o); });
}

}  // namespace lumen::cli
