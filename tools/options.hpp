// Command-line options shared by several subcommands (llama.cpp's flag names),
// and the helpers that turn them into library objects.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <string>

#include "lumen/lora.hpp"
#include "lumen/model.hpp"
#include "lumen/sampler.hpp"
#include "lumen/session.hpp"

namespace lumen::cli {

struct ModelOptions {
    std::string model;          // -m; empty: the bundled default model
    int threads = 0;            // -t
    int ctx = 0;                // -c
    int batch = 512;            // -b
    std::string cache_type_k = "f16", cache_type_v = "f16";
    std::vector<std::string> lora;         // --lora FILE (repeatable)
    std::vector<std::string> lora_scaled;  // --lora-scaled FILE SCALE (pairs, repeatable)
    std::string cpu_mask;       // --cpu-mask (hex), --cpu-range (list): the CPUs to run on
    std::string cpu_range;
    bool verbose = false;
    bool no_mmap = false;       // --no-mmap: read the model into memory
    bool mlock = false;         // --mlock: lock the model's pages in RAM
};

void add_model_options(CLI::App& cmd, ModelOptions& o, bool model_required);
void add_sampling_options(CLI::App& cmd, SamplerParams& p);

// The whole content of a file; throws lumen::Error naming it when unreadable.
std::string read_text_file(const std::string& path);
// A file name from the command line (UTF-8) as a path; exact on every OS
// (std::filesystem::path(std::string) would use the ANSI code page on Windows).
std::filesystem::path file_path(const std::string& utf8);

// The bundled model: $LUMEN_MODEL, ./models/stories260K.gguf, or next to the binary.
std::string default_model_path();
std::shared_ptr<const Model> load_model(const ModelOptions& o);
// Session options from the flags. Also places the process's threads: on the
// CPUs of --cpu-mask/--cpu-range, else on a big.LITTLE machine on the fast
// cores (uniform machines are left alone).
SessionOptions session_options(const ModelOptions& o);
// Adapters named by --lora / --lora-scaled, loaded and checked against `model`.
std::vector<AttachedLora> load_loras(const ModelOptions& o, const Model& model);
// Memory report for --verbose (stderr).
void report_memory(const Model& m, const Session& s);

}  // namespace lumen::cli
