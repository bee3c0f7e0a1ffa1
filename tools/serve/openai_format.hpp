// The OpenAI wire format: response objects, server-sent-event chunks of a
// streamed answer, the model list and error bodies. Text in, JSON text out.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "api_request.hpp"

namespace lumen::serve {

struct ResponseMeta {
    std::string id;       // "chatcmpl-..." / "cmpl-..."
    int64_t created = 0;  // unix seconds
    std::string model;
    bool chat = true;
};

ResponseMeta make_meta(bool chat, std::string model);

struct Usage {
    int prompt_tokens = 0, cached_tokens = 0, completion_tokens = 0;
};

std::string error_body(const ApiError& e);
// A whole (non-streamed) answer.
std::string completion_body(const ResponseMeta& m, std::string_view text, const char* finish, const Usage& u);
// One SSE event "data: {...}\n\n": a text delta (`finish` null) or the last
// chunk (empty delta, finish reason). The first chat chunk also carries the role.
std::string stream_event(const ResponseMeta& m, std::string_view text, const char* finish, bool first);
std::string usage_event(const ResponseMeta& m, const Usage& u);  // stream_options.include_usage
std::string error_event(const ApiError& e);
inline constexpr std::string_view kDoneEvent = "data: [DONE]\n\n";

std::string models_body(const Catalog& c, int64_t created);

}  // namespace lumen::serve
