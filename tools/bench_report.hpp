// Bench results and their output formats (llama-bench's md/csv/json/jsonl,
// with lumen's extra keys).
#pragma once

#include <string>
#include <vector>

#include "lumen/machine.hpp"

namespace lumen::cli {

struct BenchResult {
    std::string model_filename, model_type, type_k, type_v, isa, cpu_info;
    uint64_t model_size = 0, model_n_params = 0;
    int n_batch = 0, n_threads = 0, n_prompt = 0, n_gen = 0;
    int n_depth = 0;  // tokens in the KV cache before the test (llama-bench's -d)
    std::vector<double> samples_ns;
    uint64_t peak_rss = 0, weight_bytes_per_token = 0;
    double bandwidth = 0;  // measured read bandwidth (bytes/s) at n_threads

    int n_tokens() const { return n_prompt + n_gen; }
    std::vector<double> samples_ts() const;
    static double mean(const std::vector<double>& v);
    static double stddev(const std::vector<double>& v);
    // Generation: weight bytes streamed per second / measured bandwidth.
    double roofline_pct() const;
};

class BenchReport {
public:
    // show_cache_types: the md table gets type_k / type_v columns (as llama-bench
    // shows them when the cache types are not the default f16).
    explicit BenchReport(std::string format, bool show_cache_types = false);
    void add(const BenchResult& r);  // prints jsonl/md rows as they come
    void finish();                   // prints json/csv

private:
    std::string format_;
    std::vector<BenchResult> results_;
    bool header_done_ = false;
    bool show_cache_types_ = false;
};

void print_machine(const MachineInfo& m, const std::vector<int>& thread_counts);

}  // namespace lumen::cli
