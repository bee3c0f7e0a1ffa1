// The generation loop shared by `run`, `chat` and embedding apps: evaluate a
// prompt, then sample tokens one by one, shifting the context when it fills up
// (if allowed).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "lumen/export.hpp"
#include "lumen/sampler.hpp"
#include "lumen/session.hpp"

namespace lumen {

struct GenerateOptions {
    int n_predict = 128;        // tokens to generate at most (-1: until end of generation or context)
    bool stop_at_eog = true;    // stop at the vocabulary's end-of-generation tokens
    bool context_shift = false; // when the context is full: drop old tokens instead of failing
    int n_keep = 0;             // tokens at the start kept by a context shift (e.g. the system prompt)
    std::vector<int32_t> stop_tokens;  // more tokens that end generation (e.g. a template's end of turn)
};

struct GenerateStats {
    int n_prompt = 0, n_generated = 0;
    double prompt_seconds = 0, generate_seconds = 0;
    int context_shifts = 0;
    bool stopped_at_eog = false;
    bool context_full = false;  // stopped because the context filled up (shifting off)
    bool interrupted = false;   // stopped by the session's abort callback
};

// Called with each generated token; return false to stop.
using TokenCallback = std::function<bool(int32_t token)>;

// Appends `prompt` to the session and generates. Throws lumen::Error when the
// prompt or the generation does not fit the context and shifting is off.
LUMEN_API GenerateStats generate(Session& session, Sampler& sampler, std::span<const int32_t> prompt,
                                 const GenerateOptions& options, const TokenCallback& on_token);

// Makes room for `n_new` more tokens by dropping half of what follows the first
// `n_keep` (repeatedly if needed). Returns the number of shifts done.
LUMEN_API int make_room(Session& session, int n_new, int n_keep);

}  // namespace lumen
