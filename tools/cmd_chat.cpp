// `lumen chat`: an interactive conversation, streamed token by token.
//   Ctrl-C during an answer stops it; Ctrl-C at an empty prompt or Ctrl-D exits.
//   /reset, /system TEXT, /stats, /help. A line ending in '\' continues the message.
// When stdin is not a terminal, every line is one user turn (for scripts and tests).
#include <atomic>
#include <cstdio>
#include <optional>
#include <sstream>

#include "commands.hpp"
#include "lumen/chat.hpp"
#include "lumen/error.hpp"
#include "lumen/machine.hpp"
#include "lumen/vocab.hpp"
#include "options.hpp"
#include "platform/console.hpp"

namespace lumen::cli {

namespace {

struct ChatCli {
    ModelOptions model;
    SamplerParams sampling;
    std::string system_prompt, template_name;
    int n_predict = -1;
    bool context_shift = false, list_templates = false, ignore_eos = false, color = true;
};

struct Style {
    bool on;
    const char* prompt() const { return on ? "\033[1;32m" : ""; }
    const char* info() const { return on ? "\033[2m" : ""; }
    const char* reset() const { return on ? "\033[0m" : ""; }
};

// A user message: lines ending in '\' continue on the next line.
std::optional<std::string> read_message(const Style& st, bool tty, const std::atomic<bool>& interrupted) {
    std::string msg;
    for (bool first = true;; first = false) {
        if (tty) std::printf("%s%s%s", st.prompt(), first ? "> " : ". ", st.reset());
        std::fflush(stdout);
        auto line = platform::read_stdin_line(interrupted);
        if (!line) return std::nullopt;
        if (!line->empty() && line->back() == '\\') {
            line->pop_back();
            msg += *line + "\n";
            continue;
        }
        msg += *line;
        return msg;
    }
}

void print_help() {
    std::printf(
        "commands:\n"
        "  /reset          forget the conversation\n"
        "  /system TEXT    set the system prompt (and reset)\n"
        "  /stats          speed of the last answer, context used\n"
        "  /lora           list adapters; /lora add FILE [SCALE], /lora scale N S, /lora rm N, /lora clear\n"
        "  /help           this list\n"
        "  Ctrl-C          stop the current answer; at an empty prompt: quit (so does Ctrl-D)\n"
        "  end a line with \\ to continue your message on the next line\n");
}

// /lora commands: changing adapters restarts the conversation (the cached
// context was computed with the old ones).
void lora_command(const std::string& cmd, std::vector<AttachedLora>& loras, const Model& model, Session& session,
                  Chat& chat, const Style& st) {
    std::istringstream in(cmd.substr(5));
    std::string verb;
    in >> verb;
    try {
        if (verb.empty()) {
            if (loras.empty()) std::printf("no adapters attached\n");
            for (size_t i = 0; i < loras.size(); ++i)
                std::printf("%zu: %s (scale %.2f)\n", i + 1, loras[i].adapter->path().c_str(), loras[i].scale);
            return;
        }
        if (verb == "add") {
            std::string file;
            float scale = 1.0f;
            in >> file;
            if (!(in >> scale)) scale = 1.0f;
            loras.push_back({LoraAdapter::load(file_path(file), model), scale});
        } else if (verb == "scale" || verb == "rm") {
            size_t n = 0;
            in >> n;
            if (n < 1 || n > loras.size()) throw Error("no adapter number " + std::to_string(n));
            if (verb == "rm") loras.erase(loras.begin() + long(n - 1));
            else if (!(in >> loras[n - 1].scale)) throw Error("/lora scale N SCALE");
        } else if (verb == "clear") {
            loras.clear();
        } else {
            throw Error("unknown /lora command '" + verb + "'");
        }
        session.set_loras(loras);
        chat.reset();
        std::printf("%s(%zu adapter%s attached; conversation cleared)%s\n", st.info(), loras.size(),
                    loras.size() == 1 ? "" : "s", st.reset());
    } catch (const Error& e) {
        std::printf("%s(%s)%s\n", st.info(), e.what(), st.reset());
    }
}

void run(const ChatCli& o) {
    if (o.list_templates) {
        for (const auto& n : ChatTemplate::names()) std::printf("%s\n", n.c_str());
        return;
    }
    const bool tty_in = platform::stdin_is_terminal();
    const Style st{o.color && platform::stdout_supports_color()};
    std::fprintf(stderr, "%sloading %s ...%s", st.info(), o.model.model.empty() ? "the bundled model" : o.model.model.c_str(),
                 st.reset());
    const auto model = load_model(o.model);
    Session session(model, session_options(o.model));
    std::fprintf(stderr, "%s done (%.1f MiB, %d-token context)%s\n", st.info(), double(model->weight_bytes()) / 1048576.0,
                 session.context_size(), st.reset());
    if (o.model.verbose) report_memory(*model, session);

    std::optional<ChatTemplate> tmpl;
    if (!o.template_name.empty()) {
        tmpl = ChatTemplate::from_name(o.template_name);
        if (!tmpl) throw Error("unknown chat template '" + o.template_name + "' (see --list-templates)");
    } else if (const std::string src = model->file().get_string("tokenizer.chat_template"); !src.empty()) {
        tmpl = ChatTemplate::detect(src);
        if (!tmpl) {
            std::fprintf(stderr, "warning: the model's chat template is not one lumen knows; using chatml\n");
            tmpl = ChatTemplate::from_name("chatml");
        }
    }
    if (tmpl) std::fprintf(stderr, "%schat template: %s. /help for commands.%s\n", st.info(), tmpl->name().c_str(), st.reset());
    else
        std::fprintf(stderr, "%sthis model has no chat template: plain continuation mode (your text is continued). "
                     "/help for commands.%s\n", st.info(), st.reset());

    std::vector<AttachedLora> loras = load_loras(o.model, *model);
    session.set_loras(loras);
    Chat chat(session, tmpl, o.system_prompt);
    Sampler sampler(o.sampling);
    ChatOptions co{o.n_predict, o.context_shift, o.ignore_eos};
    GenerateStats last;

    // Set by Ctrl-C: stops an answer, or ends the chat at the prompt. Static:
    // the OS's handler may still run after run() returns.
    static std::atomic<bool> g_interrupted{false};
    platform::route_interrupts_to(&g_interrupted);
    session.set_abort_callback([] { return g_interrupted.load(); });  // also stops a long prompt

    while (true) {
        g_interrupted = false;
        const auto msg = read_message(st, tty_in, g_interrupted);
        if (!msg) break;  // Ctrl-D, end of input, or Ctrl-C at the prompt
        if (msg->empty()) continue;
        if (!tty_in) std::printf("> %s\n", msg->c_str());
        if ((*msg)[0] == '/') {
            if (*msg == "/reset") {
                chat.reset();
                std::printf("%s(conversation cleared)%s\n", st.info(), st.reset());
            } else if (msg->rfind("/system", 0) == 0) {
                chat.set_system_prompt(msg->size() > 8 ? msg->substr(8) : "");
                std::printf("%s(system prompt set, conversation cleared)%s\n", st.info(), st.reset());
            } else if (*msg == "/stats") {
                std::printf("%slast answer: %d tokens, %.1f t/s; prompt %.1f t/s; context %d of %d tokens%s\n", st.info(),
                            last.n_generated, last.generate_seconds > 0 ? last.n_generated / last.generate_seconds : 0.0,
                            last.prompt_seconds > 0 ? last.n_prompt / last.prompt_seconds : 0.0, session.position(),
                            session.context_size(), st.reset());
            } else if (msg->rfind("/lora", 0) == 0) {
                lora_command(*msg, loras, *model, session, chat, st);
            } else if (*msg == "/help") {
                print_help();
            } else {
                std::printf("unknown command %s (/help lists them)\n", msg->c_str());
            }
            continue;
        }
        try {
            last = chat.reply(*msg, sampler, co, [&](std::string_view text) {
                std::fwrite(text.data(), 1, text.size(), stdout);
                std::fflush(stdout);
                return !g_interrupted.load();
            });
            std::printf("\n");
            if (g_interrupted) std::printf("%s(stopped)%s\n", st.info(), st.reset());
            if (last.context_full)
                std::printf("%s(the context is full: /reset to start over, or run with --context-shift)%s\n", st.info(),
                            st.reset());
        } catch (const Error& e) {
            std::printf("%s(%s; /reset to start over)%s\n", st.info(), e.what(), st.reset());
        }
        std::fflush(stdout);
    }
    if (tty_in) std::printf("\n");
    if (o.model.verbose)
        std::fprintf(stderr, "peak memory %.1f MiB; last answer %.1f t/s\n", double(peak_rss_bytes()) / 1048576.0,
                     last.generate_seconds > 0 ? last.n_generated / last.generate_seconds : 0.0);
}

}  // namespace

void register_chat(CLI::App& app) {
    auto o = std::make_shared<ChatCli>();
    CLI::App* cmd = app.add_subcommand("chat", "Talk with a model (interactive; or one turn per line from a pipe)");
    add_model_options(*cmd, o->model, false);
    add_sampling_options(*cmd, o->sampling);
    cmd->add_option("--system-prompt", o->system_prompt, "System prompt (-sys)");
    cmd->add_option("--chat-template", o->template_name, "Use this template instead of the model's");
    cmd->add_flag("--list-templates", o->list_templates, "List the built-in chat templates");
    cmd->add_option("-n,--n-predict", o->n_predict, "Tokens per answer at most (-1: no limit)");
    cmd->add_flag("--context-shift", o->context_shift, "When the context is full, forget the oldest tokens");
    cmd->add_flag("--ignore-eos", o->ignore_eos, "Do not stop answers at end-of-turn tokens");
    cmd->add_flag("!--no-color", o->color, "No colors");
    cmd->callback([o] { run(*o); });
}

}  // namespace lumen::cli
