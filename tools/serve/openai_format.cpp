#include "openai_format.hpp"

#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <random>

namespace lumen::serve {

namespace {

using nlohmann::json;

// Invalid UTF-8 is replaced rather than thrown on (the model may emit partial bytes at a cut).
std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json usage_json(const Usage& u) {
    return {{"prompt_tokens", u.prompt_tokens},
            {"completion_tokens", u.completion_tokens},
            {"total_tokens", u.prompt_tokens + u.completion_tokens},
            {"prompt_tokens_details", {{"cached_tokens", u.cached_tokens}}}};
}

json chunk_base(const ResponseMeta& m) {
    return {{"id", m.id},
            {"object", m.chat ? "chat.completion.chunk" : "text_completion"},
            {"created", m.created},
            {"model", m.model}};
}

}  // namespace

ResponseMeta make_meta(bool chat, std::string model) {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    static constexpr char kAlnum[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    std::string id = chat ? "chatcmpl-" : "cmpl-";
    for (int i = 0; i < 24; ++i) id += kAlnum[rng() % (sizeof kAlnum - 1)];
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    return {id, std::chrono::duration_cast<std::chrono::seconds>(now).count(), std::move(model), chat};
}

std::string error_body(const ApiError& e) {
    return dump({{"error",
                  {{"message", e.what()},
                   {"type", e.type},
                   {"param", e.param.empty() ? json() : json(e.param)},
                   {"code", e.code.empty() ? json() : json(e.code)}}}});
}

std::string completion_body(const ResponseMeta& m, std::string_view text, const char* finish, const Usage& u) {
    json choice = {{"index", 0}, {"finish_reason", finish}};
    if (m.chat) {
        choice["message"] = {{"role", "assistant"}, {"content", text}};
    } else {
        choice["text"] = text;
        choice["logprobs"] = nullptr;
    }
    return dump({{"id", m.id},
                 {"object", m.chat ? "chat.completion" : "text_completion"},
                 {"created", m.created},
                 {"model", m.model},
                 {"choices", json::array({choice})},
                 {"usage", usage_json(u)}});
}

std::string stream_event(const ResponseMeta& m, std::string_view text, const char* finish, bool first) {
    json choice = {{"index", 0}, {"finish_reason", finish ? json(finish) : json()}};
    if (m.chat) {
        json delta = json::object();
        if (first) delta["role"] = "assistant";
        if (!finish) delta["content"] = text;
        choice["delta"] = delta;
    } else {
        choice["text"] = text;
        choice["logprobs"] = nullptr;
    }
    json chunk = chunk_base(m);
    chunk["choices"] = json::array({choice});
    return "data: " + dump(chunk) + "\n\n";
}

std::string usage_event(const ResponseMeta& m, const Usage& u) {
    json chunk = chunk_base(m);
    chunk["choices"] = json::array();
    chunk["usage"] = usage_json(u);
    return "data: " + dump(chunk) + "\n\n";
}

std::string error_event(const ApiError& e) { return "data: " + error_body(e) + "\n\n"; }

std::string models_body(const Catalog& c, int64_t created) {
    json data = json::array();
    data.push_back({{"id", c.model_id}, {"object", "model"}, {"created", created}, {"owned_by", "lumen"}});
    for (const auto& [name, adapter_] : c.adapters)
        data.push_back({{"id", name},
                        {"object", "model"},
                        {"created", created},
                        {"owned_by", "lumen"},
                        {"parent", c.model_id}});  // (no file paths: the API shows no file system)
    return dump({{"object", "list"}, {"data", data}});
}

}  // namespace lumen::serve
