// `lumen bench`: prompt-processing and generation speed, llama-bench style.
// Method (as llama-bench): per test one warm-up run, then -r timed repetitions
// on a fresh context with random tokens; t/s = tokens / wall time. With a
// depth (-d), each run first fills the KV cache with that many random tokens,
// untimed, as llama-bench's -d does.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

#include "bench_report.hpp"
#include "commands.hpp"
#include "lumen/error.hpp"
#include "lumen/machine.hpp"
#include "lumen/quantize.hpp"
#include "lumen/vocab.hpp"
#include <map>

#include "options.hpp"

namespace lumen::cli {

namespace {

struct BenchCli {
    std::vector<std::string> models;
    std::vector<int> n_prompt = {512}, n_gen = {128}, threads, batch = {512}, depth = {0};
    std::vector<std::string> pg, cache_k = {"f16"}, cache_v = {"f16"};
    int reps = 5;
    std::string output = "md";
    ModelOptions adapters;  // only its --lora / --lora-scaled are used
    bool machine = false, progress = true;
};

// splitmix64 random tokens: reproducible across platforms.
struct TokenStream {
    uint64_t state = 1234;
    int32_t next(int32_t n_vocab) {
        uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return int32_t((z ^ (z >> 31)) % uint64_t(n_vocab));
    }
};

// Weight bytes one generated token streams: every matrix but the embedding
// table (one row is read), which counts when it doubles as the output.
uint64_t bytes_per_token(const Model& m) {
    uint64_t b = 0;
    for (const auto& t : m.file().tensors())
        if (t.name != "token_embd.weight" || m.config().tied_output) b += t.n_bytes;
    return b;
}

std::string model_type(const Model& m) {
    const double p = double(m.n_params());
    char size[32];
    if (p >= 1e9) std::snprintf(size, sizeof size, "%.0fB", p / 1e9);
    else if (p >= 1e6) std::snprintf(size, sizeof size, "%.0fM", p / 1e6);
    else std::snprintf(size, sizeof size, "%.0fK", p / 1e3);
    std::string ftype = "mixed";
    const uint64_t ft = m.file().get_u64("general.file_type", 0);
    for (const auto& mix : all_quant_mixes())
        if (mix.file_type == ft) ftype = mix.name;
    return m.config().arch + " " + size + " " + ftype;
}

// n random tokens (the first one BOS where the model adds it) evaluated in batches.
void eval_random(Session& s, int n, int batch, bool first, TokenStream& rng) {
    const Vocab& vocab = s.model().vocab();
    std::vector<int32_t> toks(static_cast<size_t>(n));
    for (auto& t : toks) t = rng.next(s.model().config().n_vocab);
    if (first && vocab.add_bos() && vocab.bos() >= 0) toks[0] = vocab.bos();
    for (int i = 0; i < n; i += batch)
        s.eval(std::span<const int32_t>(toks).subspan(size_t(i), size_t(std::min(batch, n - i))));
}

double run_once(Session& s, int depth, int n_prompt, int n_gen, int batch, TokenStream& rng) {
    const int32_t V = s.model().config().n_vocab;
    const Vocab& vocab = s.model().vocab();
    s.reset();
    if (depth > 0) eval_random(s, depth, batch, true, rng);  // the cache's contents: not timed
    const auto t0 = std::chrono::steady_clock::now();
    if (n_prompt > 0) eval_random(s, n_prompt, batch, depth == 0, rng);
    int32_t tok = depth == 0 && vocab.add_bos() && vocab.bos() >= 0 ? vocab.bos() : rng.next(V);
    for (int i = 0; i < n_gen; ++i) {
        s.eval(std::span<const int32_t>(&tok, 1));
        tok = rng.next(V);
    }
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

struct BenchTest {
    int n_prompt, n_gen, depth;
};

// Every pp, tg and pg test, each at every depth.
std::vector<BenchTest> tests(const BenchCli& o) {
    std::vector<std::pair<int, int>> t;
    for (int p : o.n_prompt)
        if (p > 0) t.emplace_back(p, 0);
    for (int n : o.n_gen)
        if (n > 0) t.emplace_back(0, n);
    for (const auto& pg : o.pg) {
        const auto comma = pg.find(',');
        if (comma == std::string::npos) throw Error("-pg takes PROMPT,GEN (e.g. 512,128), got '" + pg + "'");
        int p = 0, g = 0;
        const char* end = pg.data() + pg.size();
        const auto a = std::from_chars(pg.data(), pg.data() + comma, p);
        const auto b = std::from_chars(pg.data() + comma + 1, end, g);
        if (a.ec != std::errc{} || a.ptr != pg.data() + comma || b.ec != std::errc{} ||
            b.ptr != end || p < 0 || g < 0)
            throw Error("-pg takes PROMPT,GEN (e.g. 512,128), got '" + pg + "'");
        t.emplace_back(p, g);
    }
    std::vector<BenchTest> out;
    for (const auto& [p, g] : t)
        for (int d : o.depth) out.push_back({p, g, d});
    return out;
}

void run(const BenchCli& o) {
    const MachineInfo machine = machine_info();
    std::vector<int> thread_list = o.threads.empty() ? std::vector<int>{default_thread_count()} : o.threads;
    if (o.machine) {
        print_machine(machine, thread_list);
        if (o.models.empty()) return;
    }
    if (o.models.empty()) throw Error("no model given (-m)");
    if (o.reps < 1) throw Error("-r must be at least 1");
    for (int d : o.depth)
        if (d < 0) throw Error("-d takes depths of 0 or more tokens, got " + std::to_string(d));
    auto non_default = [](const std::vector<std::string>& types) { return types.size() != 1 || types[0] != "f16"; };
    BenchReport report(o.output, non_default(o.cache_k) || non_default(o.cache_v));
    // Bandwidth of this machine for each thread count, measured once.
    std::map<int, double> bandwidth;
    for (int t : thread_list) bandwidth[t] = measure_read_bandwidth(t);

    for (const auto& path : o.models) {
        reset_peak_rss();
        const auto model = Model::load(file_path(path));
        const uint64_t per_token = bytes_per_token(*model);
        const auto loras = load_loras(o.adapters, *model);
        for (int threads : thread_list)
            for (int batch : o.batch)
                for (const auto& ck : o.cache_k)
                    for (const auto& cv : o.cache_v)
                        for (const auto& [np, ng, depth] : tests(o)) {
                            ModelOptions mo;
                            mo.threads = threads;
                            mo.batch = batch;
                            mo.ctx = depth + np + ng;
                            mo.cache_type_k = ck;
                            mo.cache_type_v = cv;
                            Session s(model, session_options(mo));
                            s.set_loras(loras);
                            TokenStream rng;
                            if (o.progress)
                                std::fprintf(stderr, "bench: %s, %d threads, pp%d tg%d depth %d: warm-up", path.c_str(),
                                             threads, np, ng, depth);
                            run_once(s, depth, np, ng > 0 ? 1 : 0, batch, rng);
                            BenchResult r;
                            for (int rep = 0; rep < o.reps; ++rep) {
                                if (o.progress) std::fprintf(stderr, " %d", rep + 1);
                                r.samples_ns.push_back(run_once(s, depth, np, ng, batch, rng) * 1e9);
                            }
                            if (o.progress) std::fprintf(stderr, "\n");
                            r.model_filename = path;
                            r.model_type = model_type(*model);
                            r.model_size = model->weight_bytes();
                            r.model_n_params = model->n_params();
                            r.n_batch = batch;
                            r.n_threads = threads;
                            r.type_k = ck;
                            r.type_v = cv;
                            r.n_prompt = np;
                            r.n_gen = ng;
                            r.n_depth = depth;
                            r.isa = isa_name(s.isa());
                            r.cpu_info = machine.cpu_signature.empty() ? machine.cpu_model
                                                                       : machine.cpu_model + " [" + machine.cpu_signature + "]";
                            r.peak_rss = peak_rss_bytes();
                            r.weight_bytes_per_token = per_token;
                            r.bandwidth = bandwidth[threads];
                            report.add(r);
                        }
    }
    report.finish();
}

}  // namespace

void register_bench(CLI::App& app) {
    auto o = std::make_shared<BenchCli>();
    CLI::App* cmd = app.add_subcommand("bench", "Measure prompt and generation speed (llama-bench compatible output)");
    cmd->add_option("-m,--model", o->models, "GGUF model(s); repeat or separate with commas")->delimiter(',');
    cmd->add_option("-p,--n-prompt", o->n_prompt, "Prompt lengths (pp tests)")->delimiter(',')->capture_default_str();
    cmd->add_option("-n,--n-gen", o->n_gen, "Generation lengths (tg tests)")->delimiter(',')->capture_default_str();
    cmd->add_option("-d,--n-depth", o->depth, "Tokens already in the KV cache before each test (untimed fill)")
        ->delimiter(',')
        ->capture_default_str();
    cmd->add_option("--pg", o->pg, "Prompt then generation, PROMPT,GEN (repeatable)");
    cmd->add_option("-t,--threads", o->threads, "Thread counts (default: physical cores)")->delimiter(',');
    cmd->add_option("-b,--batch-size", o->batch, "Batch sizes")->delimiter(',')->capture_default_str();
    cmd->add_option("--cache-type-k", o->cache_k, "KV cache key types")->delimiter(',');
    cmd->add_option("--cache-type-v", o->cache_v, "KV cache value types")->delimiter(',');
    cmd->add_option("-r,--repetitions", o->reps, "Timed repetitions per test")->capture_default_str();
    cmd->add_option("-o,--output", o->output, "md, csv, json or jsonl")->capture_default_str();
    cmd->add_option("--lora", o->adapters.lora, "LoRA adapter applied at run time (repeatable)");
    cmd->add_option("--lora-scaled", o->adapters.lora_scaled, "LoRA adapter with a scale: FILE SCALE")->expected(2);
    cmd->add_flag("--machine", o->machine, "Describe this machine (CPU, cores, ISA, memory, measured bandwidth)");
    cmd->callback([o] { run(*o); });
}

}  // namespace lumen::cli
