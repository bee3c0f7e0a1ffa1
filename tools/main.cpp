// The `lumen` command-line tool: one binary, one subcommand per task.
#include <cstdio>
#include <exception>

#include "commands.hpp"
#include "lumen/error.hpp"

int main(int argc, char** argv) {
    CLI::App app{"lumen: run small quantized language models fast and offline", "lumen"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "lumen 0.1.0");
    lumen::cli::register_inspect(app);
    lumen::cli::register_run(app);
    lumen::cli::register_quantize(app);
    try {
        app.parse(argc, argv);
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
