// C API: the sampler chain (llama.cpp's order and parameters).
#include <string>

#include "c_api/handles.hpp"

using namespace lumen;
using namespace lumen::c_api;

namespace {

lumen_sampler_params sampler_defaults() {
    const SamplerParams d;
    lumen_sampler_params p{};
    p.struct_size = sizeof p;
    p.temp = d.temp;
    p.top_k = d.top_k;
    p.top_p = d.top_p;
    p.min_p = d.min_p;
    p.typical_p = d.typical_p;
    p.repeat_penalty = d.repeat_penalty;
    p.repeat_last_n = d.repeat_last_n;
    p.presence_penalty = d.presence_penalty;
    p.frequency_penalty = d.frequency_penalty;
    p.seed = d.seed;
    return p;
}

}  // namespace

extern "C" {

lumen_status lumen_sampler_default_params(lumen_sampler_params* params, size_t size) {
    return write_defaults(params, size, sampler_defaults(), "lumen_sampler_default_params");
}

lumen_status lumen_sampler_create(const lumen_sampler_params* params, lumen_sampler** out) {
    return guard(LUMEN_ERR_INVALID_ARGUMENT, [&] {
        require_handle(out, "lumen_sampler_create", "out");
        *out = nullptr;
        const lumen_sampler_params p = read_params(params, sampler_defaults(), "lumen_sampler_create");
        if (!(p.top_p >= 0 && p.top_p <= 1) || !(p.min_p >= 0 && p.min_p <= 1) || !(p.typical_p >= 0 && p.typical_p <= 1))
            fail(LUMEN_ERR_INVALID_ARGUMENT, "lumen_sampler_create: top_p, min_p and typical_p must be in [0, 1]");
        if (!(p.repeat_penalty > 0) || p.repeat_last_n < -1)
            fail(LUMEN_ERR_INVALID_ARGUMENT, "lumen_sampler_create: repeat_penalty must be > 0 and repeat_last_n >= -1");
        SamplerParams s;
        s.temp = p.temp;
        s.top_k = p.top_k;
        s.top_p = p.top_p;
        s.min_p = p.min_p;
        s.typical_p = p.typical_p;
        s.repeat_penalty = p.repeat_penalty;
        s.repeat_last_n = p.repeat_last_n;
        s.presence_penalty = p.presence_penalty;
        s.frequency_penalty = p.frequency_penalty;
        s.seed = p.seed;
        *out = new lumen_sampler{Sampler(s)};
    });
}

void lumen_sampler_free(lumen_sampler* sampler) { delete sampler; }

lumen_status lumen_sampler_sample(lumen_sampler* sampler, lumen_session* session, int32_t* token) {
    return guard(LUMEN_ERR_INVALID_ARGUMENT, [&] {
        require_handle(sampler, "lumen_sampler_sample", "sampler");
        open_session(session, "lumen_sampler_sample");
        require_handle(token, "lumen_sampler_sample", "token");
        if (session->state->logits.empty())
            fail(LUMEN_ERR_INVALID_ARGUMENT, "lumen_sampler_sample: the session has no logits (call lumen_session_eval first)");
        *token = sampler->sampler.sample(session->state->logits);
    });
}

lumen_status lumen_sampler_accept(lumen_sampler* sampler, int32_t token) {
    return guard(LUMEN_ERR_INVALID_ARGUMENT, [&] {
        require_handle(sampler, "lumen_sampler_accept", "sampler");
        if (token < 0) fail(LUMEN_ERR_INVALID_ARGUMENT, "lumen_sampler_accept: token id " + std::to_string(token) + " is negative");
        sampler->sampler.accept(token);
    });
}

lumen_status lumen_sampler_reset(lumen_sampler* sampler) {
    return guard(LUMEN_ERR_INTERNAL, [&] {
        require_handle(sampler, "lumen_sampler_reset", "sampler");
        sampler->sampler.reset();
    });
}

}  // extern "C"
