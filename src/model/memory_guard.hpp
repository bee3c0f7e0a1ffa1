// The memory guard: before a session allocates its KV cache and scratch, the
// bytes it will need are compared with what the OS can still give
// (platform::available_memory_bytes). Too little: a lumen::Error that says how
// much is needed, how much is available, the largest context that fits and
// whether a q8_0 cache would fit — instead of std::bad_alloc or the OOM killer.
#pragma once

#include <cstdint>
#include <string>

#include "lumen/model.hpp"
#include "lumen/session.hpp"

namespace lumen {

struct SessionMemory {
    uint64_t model = 0;    // weight pages that must stay resident (mapped, not locked)
    uint64_t kv = 0;       // KV cache
    uint64_t scratch = 0;  // activations, attention scores, logits
    uint64_t total() const { return model + kv + scratch; }
};

// What a session with these (resolved) options will need.
SessionMemory session_memory(const Model& model, const SessionOptions& resolved);

// Available memory: platform::available_memory_bytes(), unless the environment
// sets LUMEN_FAKE_AVAILABLE_MEMORY (bytes, or with a K/M/G suffix) — a
// documented hook for tests that pretend to be a small machine.
uint64_t available_memory();

// Throws lumen::Error when the session would not fit in `available` bytes
// (tests pass a made-up figure) or, without it, in available_memory().
void check_session_memory(const Model& model, const SessionOptions& resolved, uint64_t available);
void check_session_memory(const Model& model, const SessionOptions& resolved);

// Throws lumen::Error (naming `label`, the size and the available memory) when
// a file of `size` bytes cannot be copied into (--no-mmap) or locked in (--mlock)
// the available memory. Mapped files are not checked (their pages can be dropped).
void check_file_fits_in_memory(const std::string& label, uint64_t size, FileResidence residence);

}  // namespace lumen
