// Version, status names and the thread-local last-error message.
#include <string>

#include "c_api/handles.hpp"

namespace lumen::c_api {

namespace {
std::string& last_error() {
    thread_local std::string message;
    return message;
}
}  // namespace

void set_last_error(std::string message) { last_error() = std::move(message); }

lumen::Session& open_session(const lumen_session* s, const char* function) {
    require_handle(s, function, "session");
    if (!s->state || !s->state->session) fail(LUMEN_ERR_CLOSED, std::string(function) + ": the session is closed");
    return *s->state->session;
}

lumen_status copy_out(const std::string& text, char* buf, size_t capacity, size_t* len, const char* function) {
    if (len == nullptr) fail(LUMEN_ERR_INVALID_ARGUMENT, std::string(function) + ": len is NULL");
    *len = text.size();
    if (buf == nullptr || capacity < text.size() + 1) {
        set_last_error(std::string(function) + ": the buffer holds " + std::to_string(capacity) + " bytes, " +
                       std::to_string(text.size() + 1) + " are needed");
        return LUMEN_ERR_BUFFER_TOO_SMALL;
    }
    std::memcpy(buf, text.data(), text.size());
    buf[text.size()] = '\0';
    return LUMEN_OK;
}

}  // namespace lumen::c_api

extern "C" {

const char* lumen_version(void) { return LUMEN_VERSION_STRING " (C API 1.0)"; }

int lumen_api_version(void) { return LUMEN_API_VERSION; }

const char* lumen_last_error(void) { return lumen::c_api::last_error().c_str(); }

const char* lumen_status_name(lumen_status status) {
    switch (status) {
        case LUMEN_OK: return "LUMEN_OK";
        case LUMEN_ERR_INVALID_ARGUMENT: return "LUMEN_ERR_INVALID_ARGUMENT";
        case LUMEN_ERR_IO: return "LUMEN_ERR_IO";
        case LUMEN_ERR_BAD_MODEL: return "LUMEN_ERR_BAD_MODEL";
        case LUMEN_ERR_ABORTED: return "LUMEN_ERR_ABORTED";
        case LUMEN_ERR_CONTEXT_FULL: return "LUMEN_ERR_CONTEXT_FULL";
        case LUMEN_ERR_BUFFER_TOO_SMALL: return "LUMEN_ERR_BUFFER_TOO_SMALL";
        case LUMEN_ERR_CLOSED: return "LUMEN_ERR_CLOSED";
        case LUMEN_ERR_OUT_OF_MEMORY: return "LUMEN_ERR_OUT_OF_MEMORY";
        case LUMEN_ERR_INTERNAL: return "LUMEN_ERR_INTERNAL";
    }
    return "unknown status";
}

}  // extern "C"
