// A loaded model: hyperparameters plus typed views of the weights inside the
// memory-mapped GGUF file. Read-only after load, shareable between threads and
// sessions (hold it in a std::shared_ptr<const Model>).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "lumen/export.hpp"
#include "lumen/gguf.hpp"

namespace lumen {

// How RoPE pairs the elements of a head: adjacent (x[2i], x[2i+1]) or halves (x[i], x[i+d/2]).
enum class RopeStyle { adjacent, halves };

// The gated feed-forward's activation: silu (SwiGLU) or tanh-approximated GELU (GeGLU).
enum class FfnActivation { silu, gelu };

// Which layers attend only to the last `n_swa` positions.
enum class SlidingWindow { none, even_layers, all_layers };

struct ModelConfig {
    std::string arch;        // general.architecture
    int n_layer = 0;
    int n_embd = 0;          // model width
    int n_head = 0;
    int n_head_kv = 0;       // < n_head: grouped-query attention
    int head_dim = 0;
    int n_ff = 0;            // feed-forward width
    int n_vocab = 0;
    int n_ctx_train = 0;
    int n_rot = 0;           // rotated dimensions per head
    float rms_eps = 1e-5f;
    float rope_base = 10000.f;
    float rope_attn_factor = 1.f;  // RoPE cos/sin multiplied by this (rope.scaling.attn_factor)
    RopeStyle rope = RopeStyle::adjacent;
    bool qkv_bias = false;   // qwen2
    bool qk_norm = false;    // qwen3: RMSNorm per head on q and k
    bool tied_output = false;     // no output.weight: logits use token_embd
    bool rope_freq_factors = false;  // rope_freqs.weight present (llama3)
    // Family differences from llama (architecture.cpp says which family sets what).
    FfnActivation ffn_act = FfnActivation::silu;
    float embd_scale = 1.f;       // embeddings multiplied by this (gemma: sqrt(n_embd); granite)
    float attn_scale = 0.f;       // scale of q.k; 0 = 1/sqrt(head_dim)
    bool q_prescale = false;      // scale q before the dot (gemma, phi3) instead of the scores
    float attn_softcap = 0.f;     // scores = c * tanh(scores / c) (gemma2); 0 = off
    float final_softcap = 0.f;    // logits = c * tanh(logits / c) (gemma2); 0 = off
    float residual_scale = 1.f;   // block outputs multiplied by this before the residual add (granite)
    float logit_scale = 1.f;      // logits divided by this (granite)
    bool post_norms = false;      // gemma2: RMSNorm of each block's output before the residual add
    bool fused_qkv = false;       // phi3: one attn_qkv matrix, rows [q | k | v]
    bool fused_up = false;        // phi3: one ffn_up matrix, rows [gate | up]
    SlidingWindow swa = SlidingWindow::none;
    int n_swa = 0;                // window length in positions (a query sees pos - n_swa < p <= pos)
    int n_ctx_orig = 0;           // phi3: contexts above this use rope_factors_long, else _short
};

struct ModelWeights;  // internal
class Vocab;

struct LoadOptions {
    // Copy the matrices into one buffer on huge pages where the OS gives them
    // (Linux), repacked into faster row-interleaved layouts where the type has
    // one (Q4_0, Q5_0, IQ4_NL, Q8_0, Q4_K, Q5_K, Q6_K, Q3_K, Q2_K, TQ2_0). The
    // copies replace the file's pages in memory, so memory use stays the same
    // (Q4_K: 2.8 % more, Q5_K 2.3 %, Q3_K 3.6 %, their scales stored a byte
    // each); what would not fit in the available memory stays in the file's
    // pages.
    // Also off when the environment has LUMEN_NO_REPACK=1.
    bool repack = true;
    // Called as loading advances with a fraction in [0, 1]; returning false
    // aborts the load (Model::load then throws lumen::Error "... aborted").
    std::function<bool(float)> progress;
    // false: read the file into the process's memory instead of mapping it
    // (--no-mmap; for file systems where mapping is slow or unsupported).
    bool mmap = true;
    // Lock the mapped weights in RAM so they are never swapped out (--mlock).
    // Throws when the lock limit (ulimit -l) is too low. Ignored when mmap is off.
    bool mlock = false;
};

class LUMEN_API Model {
public:
    // Maps and validates the file; throws lumen::Error naming what is wrong
    // ("unsupported architecture X", a missing tensor, a wrong shape...).
    static std::shared_ptr<const Model> load(const std::filesystem::path& path, LoadOptions options = {});
    // The same from an already parsed file (GgufFile::open_fd, GgufFile::copy_of).
    static std::shared_ptr<const Model> load(GgufFile file, LoadOptions options = {});
    ~Model();

    const ModelConfig& config() const { return config_; }
    const GgufFile& file() const { return file_; }
    const Vocab& vocab() const { return *vocab_; }
    // Bytes of weight data (what a generation step streams).
    uint64_t weight_bytes() const { return weight_bytes_; }
    uint64_t n_params() const { return n_params_; }
    const LoadOptions& load_options() const { return options_; }
    const ModelWeights& weights() const { return *weights_; }

private:
    explicit Model(GgufFile file);

    GgufFile file_;
    ModelConfig config_;
    std::unique_ptr<ModelWeights> weights_;
    std::unique_ptr<Vocab> vocab_;
    uint64_t weight_bytes_ = 0;
    uint64_t n_params_ = 0;
    LoadOptions options_;
};

}  // namespace lumen
