#include "lumen/generate.hpp"

#include <algorithm>
#include <chrono>
#include <string>

#include "lumen/error.hpp"
#include "lumen/vocab.hpp"

namespace lumen {

int make_room(Session& s, int n_new, int n_keep) {
    int shifts = 0;
    while (s.position() + n_new > s.context_size()) {
        const int n_left = s.position() - n_keep;
        const int n_discard = n_left / 2;
        if (n_keep < 0 || n_discard <= 0)
            throw Error("context full: cannot make room for " + std::to_string(n_new) + " tokens while keeping " +
                        std::to_string(n_keep) + " of " + std::to_string(s.context_size()));
        s.shift_context(n_keep, n_discard);
        ++shifts;
    }
    return shifts;
}

GenerateStats generate(Session& s, Sampler& sampler, std::span<const int32_t> prompt, const GenerateOptions& opt,
                       const TokenCallback& on_token) {
    using clock = std::chrono::steady_clock;
    GenerateStats st;
    if (prompt.empty()) throw Error("generate: empty prompt");
    const int n_keep = std::min(opt.n_keep, s.position() + int(prompt.size()));
    if (s.position() + int(prompt.size()) > s.context_size()) {
        if (!opt.context_shift || int(prompt.size()) >= s.context_size() - n_keep)
            throw Error("the prompt (" + std::to_string(prompt.size()) + " tokens) does not fit the context (" +
                        std::to_string(s.context_size() - s.position()) + " free of " +
                        std::to_string(s.context_size()) + "); use a larger -c");
        st.context_shifts += make_room(s, int(prompt.size()), n_keep);
    }
    auto t0 = clock::now();
    std::span<const float> logits = s.eval(prompt);  // throws Interrupted with the session unchanged
    for (int32_t t : prompt) sampler.accept(t);
    st.n_prompt = int(prompt.size());
    st.prompt_seconds = std::chrono::duration<double>(clock::now() - t0).count();

    const Vocab& vocab = s.model().vocab();
    t0 = clock::now();
    for (int i = 0; opt.n_predict < 0 || i < opt.n_predict; ++i) {
        const int32_t tok = sampler.sample(logits);
        const bool stop_token = std::find(opt.stop_tokens.begin(), opt.stop_tokens.end(), tok) != opt.stop_tokens.end();
        if (opt.stop_at_eog && (vocab.is_end_of_generation(tok) || stop_token)) {
            st.stopped_at_eog = true;
            break;
        }
        ++st.n_generated;
        if (!on_token(tok)) break;
        if (opt.n_predict >= 0 && i + 1 == opt.n_predict) break;  // the last token needs no evaluation
        if (s.position() + 1 > s.context_size()) {
            if (!opt.context_shift) {  // full: stop cleanly, the caller reports it
                st.context_full = true;
                break;
            }
            st.context_shifts += make_room(s, 1, n_keep);
        }
        try {
            logits = s.eval(std::span<const int32_t>(&tok, 1));  // polls the abort callback first
        } catch (const Interrupted&) {  // nothing was evaluated: stop with what was generated
            st.interrupted = true;
            break;
        }
    }
    st.generate_seconds = std::chrono::duration<double>(clock::now() - t0).count();
    return st;
}

}  // namespace lumen
