// `lumen quantize IN.gguf OUT.gguf TYPE`: write a quantized copy of a model.
#include <cstdio>

#include "commands.hpp"
#include "lumen/error.hpp"
#include "lumen/imatrix.hpp"
#include "lumen/quantize.hpp"
#include "options.hpp"

namespace lumen::cli {

namespace {

struct QuantizeCli {
    std::string input, output, type, imatrix;
    int threads = 0;
    bool allow_requantize = false, pure = false, dry_run = false;
};

void run(const QuantizeCli& o) {
    const auto mix = find_quant_mix(o.type);
    if (!mix) {
        std::string names;
        for (const auto& m : all_quant_mixes()) names += " " + m.name;
        throw Error("unknown quantization type '" + o.type + "'; choose one of:" + names);
    }
    const GgufFile in = GgufFile::open(file_path(o.input));
    QuantizeOptions opt;
    opt.mix = *mix;
    opt.allow_requantize = o.allow_requantize;
    opt.pure = o.pure;
    opt.n_threads = o.threads;
    ImportanceMatrix imatrix;
    if (!o.imatrix.empty()) {
        imatrix = read_imatrix(file_path(o.imatrix));
        opt.imatrix = &imatrix;
        opt.imatrix_file = o.imatrix;
    }
    if (o.dry_run) {
        for (const auto& p : plan_quantization(in, opt))
            std::printf("%-32s %-7s -> %-7s %s\n", p.name.c_str(), type_name(p.from), type_name(p.to), p.note.c_str());
        return;
    }
    uint64_t in_bytes = 0;
    for (const auto& t : in.tensors()) in_bytes += t.n_bytes;
    int fallbacks = 0;
    quantize_model(in, file_path(o.output), opt, [&](size_t i, size_t n, const TensorPlan& p) {
        if (p.note.rfind("row length", 0) == 0) ++fallbacks;
        std::fprintf(stderr, "[%3zu/%3zu] %-32s %-7s -> %-7s%s%s\n", i + 1, n, p.name.c_str(), type_name(p.from),
                     type_name(p.to), p.note.empty() ? "" : "  ", p.note.c_str());
    });
    const GgufFile out = GgufFile::open(file_path(o.output));
    uint64_t out_bytes = 0;
    for (const auto& t : out.tensors()) out_bytes += t.n_bytes;
    std::fprintf(stderr, "%s: %s, tensors %.2f MiB -> %.2f MiB%s\n", o.output.c_str(), mix->name.c_str(),
                 double(in_bytes) / 1048576.0, double(out_bytes) / 1048576.0,
                 fallbacks ? (", " + std::to_string(fallbacks) + " tensors used a fallback type").c_str() : "");
}

}  // namespace

void register_quantize(CLI::App& app) {
    auto o = std::make_shared<QuantizeCli>();
    CLI::App* cmd = app.add_subcommand("quantize", "Write a quantized copy of a GGUF model");
    cmd->add_option("input", o->input, "F32/F16/BF16 GGUF model")->required();
    cmd->add_option("output", o->output, "Output GGUF file (written atomically)")->required();
    cmd->add_option("type", o->type, "Q8_0 Q4_0 Q4_1 Q5_0 Q5_1 Q2_K Q3_K_S/M/L Q4_K_S/M Q5_K_S/M Q6_K TQ1_0 TQ2_0 IQ4_NL IQ4_XS "
                    "IQ3_XXS/XS/S/M F16 BF16; with --imatrix also Q2_K_S IQ2_XXS/XS/S/M IQ1_S/M")
        ->required();
    cmd->add_option("-t,--threads", o->threads, "Threads (default: physical cores)");
    cmd->add_option("--imatrix", o->imatrix, "Importance matrix file (from `lumen imatrix` or llama-imatrix)");
    cmd->add_flag("--allow-requantize", o->allow_requantize, "Accept already-quantized input tensors");
    cmd->add_flag("--pure", o->pure, "Use the base type for every tensor (no mix rules)");
    cmd->add_flag("--dry-run", o->dry_run, "Print the type each tensor would get, write nothing");
    cmd->callback([o] { run(*o); });
}

}  // namespace lumen::cli
