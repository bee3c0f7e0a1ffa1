// `lumen perplexity -m MODEL -f TEXT -c CTX`: how well a model predicts a text,
// and with --kl-divergence how far a quantized model is from its base.
#include <cstdio>

#include "commands.hpp"
#include "lumen/error.hpp"
#include "lumen/perplexity.hpp"
#include "lumen/vocab.hpp"
#include "options.hpp"
#include "text_input.hpp"

namespace lumen::cli {

namespace {

struct PerplexityCli {
    ModelOptions model;
    std::string file, kld_base;
    bool kld = false;
};

void run(const PerplexityCli& o) {
    const auto model = load_model(o.model);
    const auto tokens = model->vocab().encode(read_text_input(o.file, "perplexity text", kMaxPerplexityTextBytes), true);
    PerplexityOptions po;
    po.n_ctx = o.model.ctx > 0 ? o.model.ctx : 512;
    po.session = session_options(o.model);
    if (!o.kld_base.empty()) {
        if (o.kld) po.compare_base = file_path(o.kld_base);
        else po.save_base = file_path(o.kld_base);
    } else if (o.kld) {
        throw Error("--kl-divergence needs --kl-divergence-base FILE (written by an earlier run of the base model)");
    }
    std::fprintf(stderr, "perplexity: %zu tokens, %zu chunks of %d, scoring the second half of each\n", tokens.size(),
                 tokens.size() / size_t(po.n_ctx), po.n_ctx);
    const auto r = perplexity(model, tokens, po, [](int c, int n, double running) {
        std::fprintf(stderr, "[%d]%.4f%s", c + 1, running, c + 1 == n ? "\n" : ",");
    });
    std::printf("Final estimate: PPL = %.4f +/- %.5f\n", r.ppl, r.ppl_error);
    if (po.save_base) std::printf("saved base log-probabilities to %s\n", o.kld_base.c_str());
    if (r.has_kld) {
        std::printf("base PPL = %.4f, delta PPL = %+.4f\n", r.base_ppl, r.ppl - r.base_ppl);
        std::printf("mean KLD = %.6f +/- %.6f\n", r.mean_kld, r.kld_error);
        std::printf("same top token = %.2f %%\n", 100.0 * r.top1_agreement);
    }
}

}  // namespace

void register_perplexity(CLI::App& app) {
    auto o = std::make_shared<PerplexityCli>();
    CLI::App* cmd = app.add_subcommand("perplexity", "Perplexity of a text, and KL divergence to a base model");
    add_model_options(*cmd, o->model, false);
    cmd->add_option("-f,--file", o->file, "Text file")->required();
    cmd->add_option("--kl-divergence-base", o->kld_base, "Base log-probabilities: written, or read with --kl-divergence");
    cmd->add_flag("--kl-divergence", o->kld, "Compare with the base file: mean KLD, top-1 agreement, delta PPL");
    cmd->callback([o] { run(*o); });
}

}  // namespace lumen::cli
