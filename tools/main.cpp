// The `lumen` command-line tool: one binary, one subcommand per task.
#include <cstdio>
#include <algorithm>
#include <exception>
#include <string>
#include <vector>

#include "commands.hpp"
#include "lumen/error.hpp"

namespace {

// llama.cpp spells some long options with one dash ("-pg", "-ctk"); our users
// type them from habit. The parser wants two, so they are rewritten here.
std::vector<std::string> normalize_args(int argc, char** argv) {
    static const std::pair<const char*, const char*> kAliases[] = {
        {"-pg", "--pg"}, {"-ctk", "--cache-type-k"}, {"-ctv", "--cache-type-v"}, {"-sys", "--system-prompt"},
        {"-np", "--parallel"},
    };
    std::vector<std::string> args;
    for (int i = 1; i < argc; ++i) {
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
    CLI::App app{"lumen: run small quantized language models fast and offline", "lumen"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "lumen 0.1.0");
    lumen::cli::register_inspect(app);
    lumen::cli::register_run(app);
    lumen::cli::register_quantize(app);
    lumen::cli::register_bench(app);
    lumen::cli::register_tokenize(app);
    lumen::cli::register_chat(app);
    lumen::cli::register_template(app);
    lumen::cli::register_perplexity(app);
    lumen::cli::register_lora(app);
#ifdef LUMEN_WITH_SERVE
    lumen::cli::register_serve(app);
#endif
    try {
        auto args = normalize_args(argc, argv);
        app.parse(args);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const lumen::Error& e) {
        std::fprintf(stderr, "lumen: error: %s\n", e.what());
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "lumen: unexpected error: %s\n", e.what());
        return 2;
    }
    return 0;
}
