// `lumen imatrix -m MODEL -f TEXT -o FILE [-c CTX] [--chunks N]`: compute an
// importance matrix (the reference's legacy imatrix format) for
// `lumen quantize --imatrix`.
#include <cstdio>

#include "commands.hpp"
#include "lumen/error.hpp"
#include "lumen/imatrix.hpp"
#include "lumen/vocab.hpp"
#include "options.hpp"
#include "text_input.hpp"

namespace lumen::cli {

namespace {

struct ImatrixCli {
    ModelOptions model;
    std::string file, output = "imatrix.dat";
    int chunks = -1;
    bool process_output = false;
};

void run(const ImatrixCli& o) {
    const auto model = load_model(o.model);
    std::string text = read_text_input(o.file, "imatrix text", kMaxPerplexityTextBytes);
    if (!text.empty() && text.back() == '\n') text.pop_back();  // as the reference reads -f
    const auto tokens = model->vocab().encode(text, true);
    ImatrixOptions io;
    io.n_ctx = o.model.ctx > 0 ? o.model.ctx : 512;
    io.n_chunks = o.chunks;
    io.dataset = o.file;
    io.process_output = o.process_output;
    io.session = session_options(o.model);
    std::fprintf(stderr, "imatrix: %zu tokens, %zu chunks of %d\n", tokens.size(), tokens.size() / size_t(io.n_ctx),
                 io.n_ctx);
    const ImportanceMatrix m = compute_imatrix(model, tokens, io, [](int c, int n) {
        std::fprintf(stderr, "[%d/%d]%s", c + 1, n, c + 1 == n ? "\n" : " ");
    });
    write_imatrix(m, file_path(o.output));
    std::fprintf(stderr, "%s: %zu entries, %d chunks\n", o.output.c_str(), m.entries.size(), m.chunks);
}

}  // namespace

void register_imatrix(CLI::App& app) {
    auto o = std::make_shared<ImatrixCli>();
    CLI::App* cmd = app.add_subcommand("imatrix", "Compute an importance matrix for quantization (--imatrix)");
    add_model_options(*cmd, o->model, true);
    cmd->add_option("-f,--file", o->file, "Text file (calibration text)")->required();
    cmd->add_option("-o,--output", o->output, "Output imatrix file (default imatrix.dat)");
    cmd->add_option("--chunks", o->chunks, "Process at most this many chunks of -c tokens (default: all)");
    cmd->add_flag("--process-output", o->process_output, "Also collect statistics for output.weight");
    cmd->callback([o] { run(*o); });
}

}  // namespace lumen::cli
