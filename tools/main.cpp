// The `lumen` command-line tool: one binary, one subcommand per task.
#include <csignal>
#include <cstdio>
#include <algorithm>
#include <exception>
#include <new>
#include <string>
#include <vector>

#include "commands.hpp"
#include "lumen/error.hpp"
#include "platform/console.hpp"

namespace {

// llama.cpp spells some long options with one dash ("-pg", "-ctk"); our users
// type them from habit. The parser wants two, so they are rewritten here.
std::vector<std::string> normalize_args(const std::vector<std::string>& argv) {
    static const std::pair<const char*, const char*> kAliases[] = {
        {"-pg", "--pg"}, {"-ctk", "--cache-type-k"}, {"-ctv", "--cache-type-v"}, {"-sys", "--system-prompt"},
        {"-np", "--parallel"},
    };
    std::vector<std::string> args;
    for (size_t i = 1; i < argv.size(); ++i) {
        std::string a = argv[i];
        for (const auto& [from, to] : kAliases)
            if (a == from) a = to;
        args.push_back(a);
    }
    std::reverse(args.begin(), args.end());  // CLI11 takes the vector back to front
    return args;
}

}  // namespace

int main(int argc, char** argv) {
    lumen::platform::setup_console();
    CLI::App app{"lumen: run small quantized language models fast and offline", "lumen"};
    app.require_subcommand(1);
    // CLI11 reads "/x" as an option on Windows; "/tmp/m.gguf" (Wine, MSYS2) is a file. Set
    // before the subcommands are added: they inherit it.
    app.allow_windows_style_options(false);
    app.set_version_flag("--version", "lumen 0.1.0");
    lumen::cli::register_inspect(app);
    lumen::cli::register_run(app);
    lumen::cli::register_quantize(app);
    lumen::cli::register_bench(app);
    lumen::cli::register_tokenize(app);
    lumen::cli::register_chat(app);
    lumen::cli::register_template(app);
    lumen::cli::register_perplexity(app);
    lumen::cli::register_imatrix(app);
    lumen::cli::register_lora(app);
#ifdef LUMEN_WITH_SERVE
    lumen::cli::register_serve(app);
#endif
    try {
        auto args = normalize_args(lumen::platform::utf8_arguments(argc, argv));
        app.parse(args);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const lumen::Interrupted& e) {
        std::fprintf(stderr, "lumen: %s\n", e.what());
        return 130;  // as a shell reports a process ended by Ctrl-C
    } catch (const lumen::Error& e) {
        std::fprintf(stderr, "lumen: error: %s\n", e.what());
        return 1;
    } catch (const std::bad_alloc&) {
        // The library checks sessions and model copies up front; this is what is left
        // (a huge prompt file, a conversation, a model from a pipe).
        std::fprintf(stderr, "lumen: error: out of memory: the input, context (-c) or batch (-b) is too large for "
                             "this machine's free memory\n");
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "lumen: error: %s (an internal error: please report it)\n", e.what());
        return 2;
    }
    return 0;
}
