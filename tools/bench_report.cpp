#include "bench_report.hpp"

#include <cmath>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

#include "lumen/error.hpp"

namespace lumen::cli {

std::vector<double> BenchResult::samples_ts() const {
    std::vector<double> ts;
    for (double ns : samples_ns) ts.push_back(1e9 * n_tokens() / ns);
    return ts;
}

double BenchResult::mean(const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return v.empty() ? 0 : s / double(v.size());
}

double BenchResult::stddev(const std::vector<double>& v) {
    if (v.size() < 2) return 0;
    const double m = mean(v);
    double s = 0;
    for (double x : v) s += (x - m) * (x - m);
    return std::sqrt(s / double(v.size() - 1));
}

double BenchResult::roofline_pct() const {
    if (n_gen == 0 || n_prompt != 0 || bandwidth <= 0) return 0;
    return 100.0 * mean(samples_ts()) * double(weight_bytes_per_token) / bandwidth;
}

namespace {

// llama-bench's names: pp512, tg128, pp512+tg128, and " @ d4096" at a depth.
std::string test_name(const BenchResult& r) {
    std::string name;
    if (r.n_prompt > 0 && r.n_gen == 0) name = "pp" + std::to_string(r.n_prompt);
    else if (r.n_gen > 0 && r.n_prompt == 0) name = "tg" + std::to_string(r.n_gen);
    else name = "pp" + std::to_string(r.n_prompt) + "+tg" + std::to_string(r.n_gen);
    return r.n_depth > 0 ? name + " @ d" + std::to_string(r.n_depth) : name;
}

std::string now_utc() {
    char buf[32];
    const std::time_t t = std::time(nullptr);
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    return buf;
}

nlohmann::ordered_json to_json(const BenchResult& r) {
    const auto ts = r.samples_ts();
    nlohmann::ordered_json j;
    j["build_commit"] = "lumen-0.1.0";
    j["cpu_info"] = r.cpu_info;
    j["backends"] = "CPU";
    j["model_filename"] = r.model_filename;
    j["model_type"] = r.model_type;
    j["model_size"] = r.model_size;
    j["model_n_params"] = r.model_n_params;
    j["n_batch"] = r.n_batch;
    j["n_ubatch"] = r.n_batch;
    j["n_threads"] = r.n_threads;
    j["type_k"] = r.type_k;
    j["type_v"] = r.type_v;
    j["n_gpu_layers"] = 0;
    j["flash_attn"] = false;
    j["use_mmap"] = true;
    j["n_prompt"] = r.n_prompt;
    j["n_gen"] = r.n_gen;
    j["n_depth"] = r.n_depth;
    j["test_time"] = now_utc();
    j["avg_ns"] = uint64_t(BenchResult::mean(r.samples_ns));
    j["stddev_ns"] = uint64_t(BenchResult::stddev(r.samples_ns));
    j["avg_ts"] = BenchResult::mean(ts);
    j["stddev_ts"] = BenchResult::stddev(ts);
    std::vector<uint64_t> ns;
    for (double x : r.samples_ns) ns.push_back(uint64_t(x));
    j["samples_ns"] = ns;
    j["samples_ts"] = ts;
    // lumen's own keys
    j["isa"] = r.isa;
    j["peak_rss"] = r.peak_rss;
    j["weight_bytes_per_token"] = r.weight_bytes_per_token;
    j["read_bandwidth_gbs"] = r.bandwidth / 1e9;
    j["roofline_pct"] = r.roofline_pct();
    return j;
}

std::string human_size(uint64_t b) {
    char buf[32];
    if (b >= (1ull << 30)) std::snprintf(buf, sizeof buf, "%.2f GiB", double(b) / double(1ull << 30));
    else std::snprintf(buf, sizeof buf, "%.2f MiB", double(b) / double(1ull << 20));
    return buf;
}

std::string human_params(uint64_t p) {
    char buf[32];
    if (p >= 1000000000ull) std::snprintf(buf, sizeof buf, "%.2f B", double(p) / 1e9);
    else std::snprintf(buf, sizeof buf, "%.2f M", double(p) / 1e6);
    return buf;
}

}  // namespace

BenchReport::BenchReport(std::string format, bool show_cache_types)
    : format_(std::move(format)), show_cache_types_(show_cache_types) {
    if (format_ != "md" && format_ != "csv" && format_ != "json" && format_ != "jsonl")
        throw Error("-o " + format_ + ": use md, csv, json or jsonl");
}

void BenchReport::add(const BenchResult& r) {
    results_.push_back(r);
    if (format_ == "jsonl") {
        std::printf("%s\n", to_json(r).dump().c_str());
        std::fflush(stdout);
    } else if (format_ == "md") {
        const char* types_head = show_cache_types_ ? " type_k | type_v |" : "";
        const char* types_rule = show_cache_types_ ? " -----: | -----: |" : "";
        if (!header_done_) {
            std::printf("| model                          |       size |     params | isa     | threads |%s          test |                  t/s | roofline |\n", types_head);
            std::printf("| ------------------------------ | ---------: | ---------: | ------- | ------: |%s ------------: | -------------------: | -------: |\n", types_rule);
            header_done_ = true;
        }
        const auto ts = r.samples_ts();
        char tps[64], roof[16] = "";
        std::snprintf(tps, sizeof tps, "%.2f ± %.2f", BenchResult::mean(ts), BenchResult::stddev(ts));
        if (r.roofline_pct() > 0) std::snprintf(roof, sizeof roof, "%.0f %%", r.roofline_pct());
        char types[48] = "";
        if (show_cache_types_) std::snprintf(types, sizeof types, " %6s | %6s |", r.type_k.c_str(), r.type_v.c_str());
        std::printf("| %-30s | %10s | %10s | %-7s | %7d |%s %13s | %20s | %8s |\n", r.model_type.c_str(),
                    human_size(r.model_size).c_str(), human_params(r.model_n_params).c_str(), r.isa.c_str(),
                    r.n_threads, types, test_name(r).c_str(), tps, roof);
        std::fflush(stdout);
    }
}

void BenchReport::finish() {
    if (format_ == "json") {
        nlohmann::ordered_json arr = nlohmann::ordered_json::array();
        for (const auto& r : results_) arr.push_back(to_json(r));
        std::printf("%s\n", arr.dump(2).c_str());
    } else if (format_ == "csv") {
        bool header = false;
        for (const auto& r : results_) {
            const auto j = to_json(r);
            if (!header) {
                std::string h;
                for (const auto& [k, v] : j.items()) h += (h.empty() ? "" : ",") + k;
                std::printf("%s\n", h.c_str());
                header = true;
            }
            std::string line;
            for (const auto& [k, v] : j.items()) {
                std::string cell = v.is_string() ? v.get<std::string>() : v.dump();
                if (cell.find_first_of(",\"") != std::string::npos) {
                    std::string q = "\"";
                    for (char c : cell) q += c == '"' ? std::string("\"\"") : std::string(1, c);
                    cell = q + "\"";
                }
                line += (line.empty() ? "" : ",") + cell;
            }
            std::printf("%s\n", line.c_str());
        }
    }
}

void print_machine(const MachineInfo& m, const std::vector<int>& thread_counts) {
    std::printf("cpu:        %s\n", m.cpu_model.c_str());
    if (!m.cpu_signature.empty()) std::printf("cpu id:     %s\n", m.cpu_signature.c_str());
    std::printf("cores:      %d physical, %d logical\n", m.physical_cores, m.logical_cpus);
    std::string fast;
    for (int c : m.fast_cpus) {
        fast += ' ';
        fast += std::to_string(c);
    }
    std::printf("fast cpus: %s%s\n", fast.c_str(), m.heterogeneous ? " (big.LITTLE: threads pinned here)" : " (uniform)");
    std::printf("default threads: %d\n", default_thread_count());
    std::string f;
    for (const auto& x : m.features) f += " " + x;
    std::printf("features:  %s\n", f.c_str());
    std::string isas;
    for (Isa isa : kAllIsas)
        if (isa_supported(isa)) isas += std::string(" ") + isa_name(isa);
    std::printf("kernels:    %s (this CPU runs:%s)\n", isa_name(m.isa), isas.c_str());
    std::printf("prefetch:   %s\n", m.weight_prefetch.c_str());
    std::printf("memory:     %.1f GiB\n", double(m.memory_bytes) / double(1ull << 30));
    for (int t : thread_counts)
        std::printf("bandwidth:  %.1f GB/s streaming read, %d thread%s\n", measure_read_bandwidth(t) / 1e9, t,
                    t == 1 ? "" : "s");
}

}  // namespace lumen::cli
