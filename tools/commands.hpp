// Each subcommand of the `lumen` CLI registers itself on the app here. Tools use
// only the library's public API.
#pragma once

#include <CLI/CLI.hpp>

namespace lumen::cli {

void register_inspect(CLI::App& app);
void register_run(CLI::App& app);
void register_quantize(CLI::App& app);
void register_bench(CLI::App& app);
void register_tokenize(CLI::App& app);
void register_chat(CLI::App& app);
void register_template(CLI::App& app);
void register_perplexity(CLI::App& app);
void register_imatrix(CLI::App& app);
void register_lora(CLI::App& app);
void register_serve(CLI::App& app);

}  // namespace lumen::cli
