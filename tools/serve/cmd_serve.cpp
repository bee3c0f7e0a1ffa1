// `lumen serve`: an OpenAI-compatible HTTP server with a chat page, for a
// classroom on one machine. Flags follow llama-server's names.
//   lumen serve -m MODEL [--host 127.0.0.1] [--port 8080] [-np 8] [-c CTX]
//               [--lora NAME=FILE ...] [--api-key KEY] [-sys TEXT] [-t N]
// SIGINT / SIGTERM: stop accepting, cancel running answers, exit 0.
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <thread>

#include "../commands.hpp"
#include "../options.hpp"
#include "http_routes.hpp"
#include "lumen/error.hpp"

namespace lumen::cli {

namespace {

struct ServeCli {
    std::string model, host = "127.0.0.1", api_key, system_prompt, js_dir = "/usr/share/javascript";
    int port = 8080, slots = 8, ctx = 0, batch = 512, threads = 0, max_tokens = 1024, timeout = 600, max_queue = 64;
    size_t max_body = 1 << 20;
    std::vector<std::string> loras;  // NAME=FILE
};

// "physics=adapters/physics.gguf" -> ("physics", path)
std::pair<std::string, std::string> split_lora(const std::string& arg) {
    const size_t eq = arg.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == arg.size())
        throw Error("--lora wants NAME=FILE (got '" + arg + "')");
    return {arg.substr(0, eq), arg.substr(eq + 1)};
}

void serve(const ServeCli& o) {
    // Signals go to one waiting thread: block them before any thread starts.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    signal(SIGPIPE, SIG_IGN);  // a client that hangs up is noticed by the failed write

    ModelOptions mo;
    mo.model = o.model;
    auto model = load_model(mo);
    serve::Catalog catalog;
    catalog.model_id = std::filesystem::path(mo.model.empty() ? default_model_path() : mo.model).stem().string();
    for (const auto& arg : o.loras) {
        auto [name, file] = split_lora(arg);
        if (name == catalog.model_id || catalog.adapters.count(name)) throw Error("--lora: name '" + name + "' used twice");
        catalog.adapters[name] = LoraAdapter::load(file, *model);
    }
    serve::PromptBuilder prompts(model, o.system_prompt);
    serve::Metrics metrics;
    serve::SchedulerOptions so{.n_slots = o.slots, .n_ctx = o.ctx, .n_batch = o.batch, .max_queue = o.max_queue,
                               .n_threads = o.threads, .stop_tokens = prompts.stop_tokens()};
    serve::Scheduler scheduler(model, so, metrics);
    serve::PageAssets assets(o.js_dir);
    for (const auto& m : assets.missing())
        std::fprintf(stderr, "lumen serve: warning: %s not found; the page shows answers as plain text\n", m.c_str());
    serve::HttpOptions ho{.host = o.host, .port = o.port, .api_key = o.api_key, .max_body = o.max_body,
                          .max_tokens = o.max_tokens, .timeout_seconds = o.timeout};
    serve::HttpServer http(ho, catalog, prompts, scheduler, metrics, assets, o.slots);
    const int port = http.bind();
    std::fprintf(stderr, "lumen serve: %s, %d slots x %d tokens, template %s, %zu adapter(s)\n",
                 catalog.model_id.c_str(), o.slots, scheduler.context_size(), prompts.template_name().c_str(),
                 catalog.adapters.size());
    std::fprintf(stderr, "lumen serve: listening on http://%s:%d\n", o.host.c_str(), port);
    std::fflush(stderr);
    std::thread server([&] { http.run(); });
    int sig = 0;
    sigwait(&stop_signals, &sig);
    std::fprintf(stderr, "lumen serve: %s received, shutting down\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    scheduler.shutdown();  // running answers end (cancelled); new requests get 503
    http.stop();
    server.join();
}

}  // namespace

void register_serve(CLI::App& app) {
    auto o = std::make_shared<ServeCli>();
    CLI::App* cmd = app.add_subcommand("serve", "OpenAI-compatible server with a chat page (continuous batching)");
    cmd->add_option("-m,--model", o->model, "GGUF model file (default: the bundled stories260K)");
    cmd->add_option("--host", o->host, "Address to listen on; 0.0.0.0 serves the whole network (see docs/server.md)")
        ->capture_default_str();
    cmd->add_option("--port", o->port, "Port (0: any free port)")->capture_default_str()->check(CLI::Range(0, 65535));
    cmd->add_option("--parallel", o->slots, "Slots: conversations decoded together (-np)")
        ->capture_default_str()->check(CLI::Range(1, 256));
    cmd->add_option("-c,--ctx-size", o->ctx, "Context per slot in tokens (default: the model's, at most 4096)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("-b,--batch-size", o->batch, "Tokens per forward step, all slots together")
        ->capture_default_str()->check(CLI::PositiveNumber);
    cmd->add_option("-t,--threads", o->threads, "Threads (default: physical cores)")->check(CLI::NonNegativeNumber);
    cmd->add_option("--lora", o->loras, "Adapter offered to clients: NAME=FILE; repeatable");
    cmd->add_option("--api-key", o->api_key, "Require 'Authorization: Bearer KEY' on /v1/* and /metrics");
    cmd->add_option("--system-prompt", o->system_prompt, "System prompt for chats that bring none (-sys)");
    cmd->add_option("-n,--n-predict", o->max_tokens, "Tokens per answer at most")->capture_default_str()
        ->check(CLI::PositiveNumber);
    cmd->add_option("--timeout", o->timeout, "Seconds a request may take, queue included")->capture_default_str()
        ->check(CLI::PositiveNumber);
    cmd->add_option("--max-body", o->max_body, "Largest request body in bytes")->capture_default_str();
    cmd->add_option("--max-queue", o->max_queue, "Requests waiting for a slot before 503")->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--js-dir", o->js_dir, "Where libjs-marked and libjs-katex are installed")->capture_default_str();
    cmd->callback([o] { serve(*o); });
}

}  // namespace lumen::cli
