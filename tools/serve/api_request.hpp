// Parsing and validating the JSON body of /v1/chat/completions and
// /v1/completions. Unknown fields are ignored; a field of the wrong type or
// out of range is an ApiError naming it, as the OpenAI API reports it.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "lumen/chat_template.hpp"
#include "lumen/lora.hpp"
#include "lumen/sampler.hpp"

namespace lumen::serve {

// An error answered as {"error": {"message", "type", "param", "code"}}.
struct ApiError : std::runtime_error {
    int status;
    std::string type, param, code;
    ApiError(int status_, std::string message, std::string param_ = {}, std::string type_ = "invalid_request_error",
             std::string code_ = {})
        : std::runtime_error(std::move(message)), status(status_), type(std::move(type_)), param(std::move(param_)),
          code(std::move(code_)) {}
};

// What the server offers: the base model and the named adapters (--lora NAME=FILE).
struct Catalog {
    std::string model_id;  // the model file's name without .gguf
    std::map<std::string, std::shared_ptr<const LoraAdapter>, std::less<>> adapters;
};

struct CompletionRequest {
    bool chat = true;
    bool stream = false;
    bool include_usage = false;            // stream_options.include_usage
    std::string model;                     // as named in the response
    std::vector<ChatMessage> messages;     // chat
    std::string prompt;                    // completions
    SamplerParams sampling;
    int max_tokens = -1;                   // -1: the server's limit
    std::vector<std::string> stop;
    bool ignore_eos = false;               // llama-server's extension (benchmarks)
    std::vector<AttachedLora> loras;
    std::string lora_key;                  // "name@scale,..." (empty: none)
};

// Throws ApiError (400 for malformed JSON or fields, 404 for unknown models
// and adapters).
CompletionRequest parse_completion_request(std::string_view body, bool chat, const Catalog& catalog);

}  // namespace lumen::serve
