// Tokenizer throughput: MB/s of UTF-8 text encoded, for SentencePiece (llama)
// and byte-level BPE (gpt-2, deepseek-llm) vocabularies, on ~1 MB of mixed-
// language text made from the multilingual test prompts.
#include <benchmark/benchmark.h>

#include "lumen/gguf.hpp"
#include "lumen/vocab.hpp"

namespace {

std::string mixed_text() {
    const std::string path = std::string(LUMEN_TEST_DATA) + "/vocab/extra/prompts.inp";
    std::FILE* f = std::fopen(path.c_str(), "rb");
    std::string base;
    if (f) {
        char buf[4096];
        for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) base.append(buf, n);
        std::fclose(f);
    }
    std::string text;
    while (text.size() < (1u << 20)) text += base;
    return text;
}

void BM_Encode(benchmark::State& state, const char* vocab_name) {
    const auto file = lumen::GgufFile::open(std::string(LUMEN_TEST_DATA) + "/vocab/ggml-vocab-" + vocab_name + ".gguf");
    const auto vocab = lumen::Vocab::from_gguf(file);
    const std::string text = mixed_text();
    size_t tokens = 0;
    for (auto _ : state) tokens = vocab.encode(text, false).size();
    state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(text.size()));
    state.counters["tokens"] = double(tokens);
}

}  // namespace

BENCHMARK_CAPTURE(BM_Encode, spm_llama, "llama-spm")->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK_CAPTURE(BM_Encode, bpe_gpt2, "gpt-2")->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK_CAPTURE(BM_Encode, bpe_deepseek_llm, "deepseek-llm")->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK_CAPTURE(BM_Encode, wpm_bert, "bert-bge")->Unit(benchmark::kMillisecond)->MinTime(2.0);

BENCHMARK_MAIN();
