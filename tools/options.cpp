#include "options.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "lumen/error.hpp"
#include "lumen/machine.hpp"
#include "lumen/tensor_type.hpp"
#include "platform/console.hpp"
#include "platform/path_text.hpp"

namespace lumen::cli {

void add_model_options(CLI::App& cmd, ModelOptions& o, bool model_required) {
    auto* m = cmd.add_option("-m,--model", o.model, "GGUF model file" + std::string(model_required ? "" : " (default: the bundled stories260K)"));
    if (model_required) m->required();
    cmd.add_option("-t,--threads", o.threads, "Threads (default: the physical cores; the fast ones on big.LITTLE)")->check(CLI::NonNegativeNumber);
    cmd.add_option("-c,--ctx-size", o.ctx, "Context size in tokens (default: the model's, at most 4096)")
        ->check(CLI::NonNegativeNumber);
    cmd.add_option("-b,--batch-size", o.batch, "Prompt tokens per evaluation step")->check(CLI::PositiveNumber);
    cmd.add_option("--cache-type-k", o.cache_type_k, "KV cache type for keys: f16, f32, q8_0");
    cmd.add_option("--cache-type-v", o.cache_type_v, "KV cache type for values: f16, f32, q8_0");
    cmd.add_option("--lora", o.lora, "LoRA adapter (GGUF), scale 1; repeatable");
    cmd.add_option("--lora-scaled", o.lora_scaled, "LoRA adapter with a scale: FILE SCALE; repeatable")->expected(2)
        ->allow_extra_args(false);
    cmd.add_flag("--no-mmap", o.no_mmap, "Read the model into memory instead of mapping it");
    cmd.add_flag("--mlock", o.mlock, "Lock the model in RAM so it is never swapped out");
    cmd.add_option("--cpu-mask", o.cpu_mask, "Run on these CPUs only: hex mask, e.g. 0xF0 (default: the fast cores)");
    cmd.add_option("--cpu-range", o.cpu_range, "Run on these CPUs only: e.g. 4-7 or 0,2,4-5");
    cmd.add_flag("--verbose", o.verbose, "Report memory use and details on stderr");
}

std::vector<AttachedLora> load_loras(const ModelOptions& o, const Model& model) {
    std::vector<AttachedLora> out;
    for (const auto& f : o.lora) out.push_back({LoraAdapter::load(file_path(f), model), 1.0f});
    for (size_t i = 0; i + 1 < o.lora_scaled.size(); i += 2) {
        float scale;
        try {
            scale = std::stof(o.lora_scaled[i + 1]);
        } catch (const std::exception&) {
            throw Error("--lora-scaled " + o.lora_scaled[i] + " " + o.lora_scaled[i + 1] + ": the scale is not a number");
        }
        out.push_back({LoraAdapter::load(file_path(o.lora_scaled[i]), model), scale});
    }
    return out;
}

void add_sampling_options(CLI::App& cmd, SamplerParams& p) {
    cmd.add_option("--temp", p.temp, "Temperature (0: greedy)")->capture_default_str();
    cmd.add_option("--top-k", p.top_k, "Top-k (0: off)")->capture_default_str();
    cmd.add_option("--top-p", p.top_p, "Top-p (1: off)")->capture_default_str();
    cmd.add_option("--min-p", p.min_p, "Min-p (0: off)")->capture_default_str();
    cmd.add_option("--typical", p.typical_p, "Locally typical sampling p (1: off)")->capture_default_str();
    cmd.add_option("--repeat-penalty", p.repeat_penalty, "Repetition penalty (1: off)")->capture_default_str();
    cmd.add_option("--repeat-last-n", p.repeat_last_n, "Tokens the penalties look back (0: off, -1: all)")
        ->capture_default_str();
    cmd.add_option("--presence-penalty", p.presence_penalty, "Presence penalty")->capture_default_str();
    cmd.add_option("--frequency-penalty", p.frequency_penalty, "Frequency penalty")->capture_default_str();
    cmd.add_option("-s,--seed", p.seed, "Random seed")->capture_default_str();
}

std::filesystem::path file_path(const std::string& utf8) { return platform::path_from_utf8(utf8); }

std::string read_text_file(const std::string& path) {
    std::ifstream f(file_path(path), std::ios::binary);
    if (!f) throw Error(path + ": cannot read");
    std::ostringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

std::string default_model_path() {
    namespace fs = std::filesystem;
    if (const char* env = std::getenv("LUMEN_MODEL"); env && *env) return env;
    std::vector<fs::path> candidates = {"models/stories260K.gguf"};
    if (const std::string exe = platform::executable_path(); !exe.empty()) {
        const fs::path dir = platform::path_from_utf8(exe).parent_path();
        candidates.push_back(dir / "models/stories260K.gguf");              // any build dir: BUILD/tools/models
        candidates.push_back(dir / "../../models/stories260K.gguf");        // build/tools/lumen
        candidates.push_back(dir / "../share/lumen/models/stories260K.gguf");  // installed
    }
    for (const auto& c : candidates)
        if (fs::exists(c)) return platform::utf8_from_path(fs::weakly_canonical(c));
    throw Error("no model given (-m) and the bundled models/stories260K.gguf was not found");
}

std::shared_ptr<const Model> load_model(const ModelOptions& o) {
    const std::string path = o.model.empty() ? default_model_path() : o.model;
    LoadOptions lo;
    lo.mmap = !o.no_mmap;
    lo.mlock = o.mlock;
    return Model::load(file_path(path), lo);
}

namespace {
TensorType cache_type(const std::string& name, const char* flag) {
    const auto t = parse_type_name(name);
    if (!t || (*t != TensorType::F16 && *t != TensorType::F32 && *t != TensorType::Q8_0))
        throw Error(std::string(flag) + " " + name + ": use f16, f32 or q8_0");
    return *t;
}
}  // namespace

SessionOptions session_options(const ModelOptions& o) {
    SessionOptions s;
    s.n_ctx = o.ctx;
    s.n_batch = o.batch;
    s.n_threads = o.threads;
    std::vector<int> cpus;
    if (!o.cpu_mask.empty()) cpus = parse_cpu_mask(o.cpu_mask);
    if (!o.cpu_range.empty()) {
        if (!cpus.empty()) throw Error("use either --cpu-mask or --cpu-range, not both");
        cpus = parse_cpu_range(o.cpu_range);
    }
    if (cpus.empty()) {
        const MachineInfo m = machine_info();
        if (m.heterogeneous) cpus = m.fast_cpus;  // big.LITTLE: the little cores would hold every step back
    }
    if (!cpus.empty()) {
        pin_to_cpus(cpus);
        if (s.n_threads <= 0) s.n_threads = int(cpus.size());
    }
    s.cache_type_k = cache_type(o.cache_type_k, "--cache-type-k");
    s.cache_type_v = cache_type(o.cache_type_v, "--cache-type-v");
    return s;
}

void report_memory(const Model& m, const Session& s) {
    const auto mib = [](uint64_t b) { return double(b) / (1024.0 * 1024.0); };
    const ModelConfig& c = m.config();
    std::fprintf(stderr,
                 "model: %s, %d layers, dim %d, %d heads (%d KV), vocab %d, %.1f M params\n"
                 "memory: weights %.2f MiB (mapped), KV cache %.2f MiB (%d tokens, %s/%s), scratch %.2f MiB\n"
                 "kernels: %s, %d threads\n",
                 c.arch.c_str(), c.n_layer, c.n_embd, c.n_head, c.n_head_kv, c.n_vocab, double(m.n_params()) / 1e6,
                 mib(m.weight_bytes()), mib(s.kv_cache_bytes()), s.context_size(),
                 type_name(s.options().cache_type_k), type_name(s.options().cache_type_v), mib(s.scratch_bytes()),
                 isa_name(s.isa()), s.options().n_threads);
}

}  // namespace lumen::cli
