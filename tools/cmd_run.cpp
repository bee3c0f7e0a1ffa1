// `lumen run -m MODEL -p PROMPT`: one prompt, the continuation streamed to
// stdout, a timing line on stderr.

#include <atomic>
#include <cstdio>

#include "commands.hpp"
#include "lumen/error.hpp"
#include "lumen/generate.hpp"
#include "lumen/vocab.hpp"
#include "options.hpp"
#include "platform/console.hpp"
#include "text_input.hpp"

namespace lumen::cli {

namespace {

// Set by Ctrl-C (through the platform layer's console handler).
std::atomic<bool> g_interrupted{false};

struct RunOptions {
    ModelOptions model;
    SamplerParams sampling;
    std::string prompt, prompt_file;
    int n_predict = 128;
    bool ids = false, context_shift = false, no_bos = false, ignore_eos = false;
    int keep = 0;
};

void run(const RunOptions& o) {
    const auto model = load_model(o.model);
    Session session(model, session_options(o.model));
    session.set_loras(load_loras(o.model, *model));
    if (o.model.verbose) report_memory(*model, session);
    platform::route_interrupts_to(&g_interrupted);
    session.set_abort_callback([] { return g_interrupted.load(); });
    const std::string text = o.prompt_file.empty() ? o.prompt : read_text_input(o.prompt_file, "prompt file", kMaxPromptBytes);
    const Vocab& vocab = model->vocab();
    std::vector<int32_t> prompt = vocab.encode(text, !o.no_bos);
    if (prompt.empty()) throw Error("the prompt is empty (give -p TEXT)");

    Sampler sampler(o.sampling);
    StreamDecoder decoder(vocab);
    std::vector<int32_t> generated;
    GenerateOptions g;
    g.n_predict = o.n_predict;
    g.context_shift = o.context_shift;
    g.n_keep = o.keep < 0 ? int(prompt.size()) : o.keep;
    g.stop_at_eog = !o.ignore_eos;
    const GenerateStats st = generate(session, sampler, prompt, g, [&](int32_t t) {
        if (o.ids) {
            generated.push_back(t);
        } else {
            std::fputs(decoder.push(t).c_str(), stdout);
            std::fflush(stdout);
        }
        return true;
    });
    if (o.ids) {
        for (size_t i = 0; i < generated.size(); ++i) std::printf("%s%d", i ? " " : "", generated[i]);
    } else {
        std::fputs(decoder.flush().c_str(), stdout);
    }
    std::printf("\n");
    std::fflush(stdout);
    if (st.interrupted) throw Interrupted("interrupted after " + std::to_string(st.n_generated) + " generated tokens");
    if (st.context_full) std::fprintf(stderr, "lumen: the context (%d tokens) is full; use -c or --context-shift\n",
                                      session.context_size());
    std::fprintf(stderr, "prompt: %d tokens, %.2f t/s | generation: %d tokens, %.2f t/s%s\n", st.n_prompt,
                 st.prompt_seconds > 0 ? st.n_prompt / st.prompt_seconds : 0.0, st.n_generated,
                 st.generate_seconds > 0 ? st.n_generated / st.generate_seconds : 0.0,
                 st.context_shifts ? (" | context shifts: " + std::to_string(st.context_shifts)).c_str() : "");
}

}  // namespace

void register_run(CLI::App& app) {
    auto o = std::make_shared<RunOptions>();
    CLI::App* cmd = app.add_subcommand("run", "Continue one prompt and print the result as it is generated");
    add_model_options(*cmd, o->model, false);
    cmd->add_option("-p,--prompt", o->prompt, "Prompt text");
    cmd->add_option("-f,--file", o->prompt_file, "Read the prompt from a file");
    cmd->add_option("-n,--n-predict", o->n_predict, "Tokens to generate (-1: until end of text or context)")
        ->capture_default_str();
    add_sampling_options(*cmd, o->sampling);
    cmd->add_flag("--ids", o->ids, "Print the generated token ids instead of text");
    cmd->add_flag("--context-shift", o->context_shift, "When the context is full, drop old tokens and go on");
    cmd->add_option("--keep", o->keep, "Tokens kept at the start by a context shift (-1: the whole prompt)");
    cmd->add_flag("--no-bos", o->no_bos, "Do not add the beginning-of-sequence token");
    cmd->add_flag("--ignore-eos", o->ignore_eos, "Do not stop at end-of-text tokens");
    cmd->callback([o] { run(*o); });
}

}  // namespace lumen::cli
