// What the C API's opaque handles hold, and the helpers every C entry point
// uses: argument checks that throw a Failure, and guard(), which turns any
// exception into a status code plus the thread's last-error message.
#pragma once

#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "lumen/chat.hpp"
#include "lumen/error.hpp"
#include "lumen/lora.hpp"
#include "lumen/lumen.h"
#include "lumen/model.hpp"
#include "lumen/sampler.hpp"
#include "lumen/session.hpp"
#include "lumen/vocab.hpp"

struct lumen_model {
    std::shared_ptr<const lumen::Model> model;
    lumen_log_callback log = nullptr;
    void* log_user_data = nullptr;
};

// A session's state is shared with the chats made on it, so a chat keeps
// working after the session handle is freed; close() empties it for everyone.
struct SessionState {
    std::unique_ptr<lumen::Session> session;   // null once closed
    std::span<const float> logits;             // of the last eval; empty when stale
    lumen_log_callback log = nullptr;          // the model's log sink
    void* log_user_data = nullptr;
};

struct lumen_session {
    std::shared_ptr<SessionState> state;
};

struct lumen_lora {
    std::shared_ptr<const lumen::LoraAdapter> adapter;
};

struct lumen_sampler {
    lumen::Sampler sampler;
};

struct lumen_chat {
    std::shared_ptr<SessionState> state;
    std::unique_ptr<lumen::Chat> chat;
};

struct lumen_detokenizer {
    std::shared_ptr<const lumen::Model> model;
    lumen::StreamDecoder decoder;
    std::string text;  // what push/flush returned last
};

namespace lumen::c_api {

// An error found by the C layer itself, with its status.
struct Failure {
    lumen_status status;
    std::string message;
};

[[noreturn]] inline void fail(lumen_status status, std::string message) { throw Failure{status, std::move(message)}; }

template <class T>
void require_handle(const T* p, const char* function, const char* what) {
    if (p == nullptr) fail(LUMEN_ERR_INVALID_ARGUMENT, std::string(function) + ": " + what + " is NULL");
}

// The session inside a handle, or a failure naming the closed/NULL session.
lumen::Session& open_session(const lumen_session* s, const char* function);

// Reads a caller's params struct of any version: fields the caller's struct
// does not have keep their defaults.
template <class P>
P read_params(const P* given, const P& defaults, const char* function) {
    P p = defaults;
    if (given == nullptr) return p;
    const size_t given_size = given->struct_size;
    if (given_size < sizeof(size_t) || given_size > (1u << 16))
        fail(LUMEN_ERR_INVALID_ARGUMENT, std::string(function) + ": params->struct_size " +
                                             std::to_string(given_size) +
                                             " is not a params struct size (use the *_default_params function)");
    std::memcpy(static_cast<void*>(&p), given, std::min(sizeof p, given_size));
    p.struct_size = sizeof p;
    return p;
}

// Writes defaults into a caller's struct of `size` bytes.
template <class P>
lumen_status write_defaults(P* out, size_t size, P defaults, const char* function);

void set_last_error(std::string message);

// Runs `body`; returns LUMEN_OK, or the status of what it threw with the
// message stored for lumen_last_error(). lumen::Error becomes `library_status`.
template <class F>
lumen_status guard(lumen_status library_status, F&& body) noexcept {
    try {
        body();
        return LUMEN_OK;
    } catch (const Failure& f) {
        set_last_error(f.message);
        return f.status;
    } catch (const lumen::Error& e) {
        set_last_error(e.what());
        return library_status;
    } catch (const std::bad_alloc&) {
        set_last_error("out of memory");
        return LUMEN_ERR_OUT_OF_MEMORY;
    } catch (const std::exception& e) {
        set_last_error(std::string("internal error: ") + e.what());
        return LUMEN_ERR_INTERNAL;
    } catch (...) {
        set_last_error("internal error: unknown exception");
        return LUMEN_ERR_INTERNAL;
    }
}

template <class P>
lumen_status write_defaults(P* out, size_t size, P defaults, const char* function) {
    return guard(LUMEN_ERR_INTERNAL, [&] {
        require_handle(out, function, "params");
        if (size < sizeof(size_t))
            fail(LUMEN_ERR_INVALID_ARGUMENT, std::string(function) + ": size " + std::to_string(size) + " is too small");
        defaults.struct_size = std::min(size, sizeof defaults);
        std::memset(static_cast<void*>(out), 0, size);
        std::memcpy(static_cast<void*>(out), &defaults, std::min(size, sizeof defaults));
    });
}

// Copies `text` to a caller's buffer (NUL-terminated) or reports the size needed.
lumen_status copy_out(const std::string& text, char* buf, size_t capacity, size_t* len, const char* function);

}  // namespace lumen::c_api
