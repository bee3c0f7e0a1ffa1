// A session: one conversation's state over a shared Model — its KV cache, its
// position and its scratch buffers. Sessions are independent: many can run on
// one Model at once (one thread per session, or one session using many threads).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "lumen/export.hpp"
#include "lumen/isa.hpp"
#include "lumen/lora.hpp"
#include "lumen/model.hpp"
#include "lumen/tensor_type.hpp"

namespace lumen {

struct SessionOptions {
    int n_ctx = 0;       // context length in tokens; 0 = min(training context, 4096)
    int n_batch = 512;   // prompt tokens evaluated per step
    int n_threads = 0;   // 0 = number of physical cores; the session starts n_threads - 1 workers,
                         // which poll ~1 ms after each step and then sleep until the next
    TensorType cache_type_k = TensorType::F16;  // F16, F32 or Q8_0
    TensorType cache_type_v = TensorType::F16;
    std::optional<Isa> isa;  // kernels to use; default: best for this CPU (or LUMEN_FORCE_ISA)
};

struct SessionImpl;
class Session;

// Tokens to append to one session in a multi-session step (Session::eval_batch).
struct BatchItem {
    Session* session = nullptr;
    std::span<const int32_t> tokens;
};

class LUMEN_API Session {
public:
    Session(std::shared_ptr<const Model> model, SessionOptions options = {});
    ~Session();
    Session(Session&&) noexcept;
    Session& operator=(Session&&) noexcept;

    // Appends `tokens` at the current position and returns the logits of the
    // last one (n_vocab floats), or of every token when `all_logits` (n * n_vocab).
    // Throws lumen::Error (state unchanged) if the tokens do not fit the context
    // or a token id is out of range. The span stays valid until the next call.
    std::span<const float> eval(std::span<const int32_t> tokens, bool all_logits = false);

    // One forward step over several sessions at once (continuous batching):
    // every item's tokens are appended to its own session (own KV cache,
    // positions and adapters) while each weight matrix is read once for all
    // rows. Each row's result is the same as eval() of that session alone.
    // This session lends its scratch buffers, threads and kernels and may be
    // one of the items; all tokens together must fit its n_batch. Returns the
    // logits of each item's last token, item after item (items.size() * n_vocab
    // floats), valid until this session's next call. Throws lumen::Error (no
    // session changed) on a mismatched session, a repeated one, a bad token or
    // a full context.
    std::span<const float> eval_batch(std::span<const BatchItem> items);

    int position() const;       // tokens in the context so far
    int context_size() const;   // n_ctx
    void reset();               // forget everything (position 0)
    void truncate(int n_keep);  // forget every token after the first n_keep (a prompt cache keeps a common prefix)
    // Drops `n_discard` tokens after the first `n_keep` and moves the rest
    // down, re-rotating their keys so they stay consistent with their new
    // positions. Used to continue past a full context.
    void shift_context(int n_keep, int n_discard);

    // The KV cache and position as bytes (to resume later, e.g. after a
    // restart), and back. load_state throws lumen::Error (state unchanged) if
    // the bytes come from another model shape or cache type or do not fit n_ctx.
    // Logits and attached adapters are not part of the state.
    std::vector<std::byte> save_state() const;
    void load_state(std::span<const std::byte> state);

    // Adapters applied by this session only (y = W x + s * B (A x)); the shared
    // base weights are never modified. Replaces any previous set; {} detaches.
    // Throws if an adapter was loaded for a different model.
    void set_loras(std::vector<AttachedLora> loras);
    const std::vector<AttachedLora>& loras() const;

    // Polled before each batch of eval() and before each token generate()
    // evaluates: when it returns true, eval() throws lumen::Interrupted with
    // the session as it was before the call, and generate() stops after the
    // current token. Must be cheap and thread-safe (e.g. read an atomic that a
    // signal handler sets). {} removes it.
    void set_abort_callback(std::function<bool()> should_abort);

    // Called with the input of every weight-matrix product before it is
    // computed: (tensor name in the file, n_tokens x cols floats, row by row).
    // For statistics such as importance matrices; {} removes it.
    using MatmulObserver = std::function<void(const char* tensor, const float* x, int n_tokens, int64_t cols)>;
    void set_matmul_observer(MatmulObserver observer);

    const Model& model() const;
    const SessionOptions& options() const;
    Isa isa() const;
    uint64_t kv_cache_bytes() const;
    uint64_t scratch_bytes() const;

private:
    std::unique_ptr<SessionImpl> impl_;
};

// Physical cores of this machine (at least 1).
LUMEN_API int physical_cores();

}  // namespace lumen
