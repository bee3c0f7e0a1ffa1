#include "api_request.hpp"

#include <cmath>
#include <nlohmann/json.hpp>
#include <random>

namespace lumen::serve {

namespace {

using nlohmann::json;

[[noreturn]] void bad(const std::string& field, const std::string& what) {
    throw ApiError(400, "'" + field + "' " + what, field);
}

const json* get(const json& body, const char* field) {
    const auto it = body.find(field);
    if (it == body.end() || it->is_null()) return nullptr;
    return &*it;
}

double number(const json& body, const char* field, double lo, double hi, double fallback) {
    const json* v = get(body, field);
    if (!v) return fallback;
    if (!v->is_number()) bad(field, "must be a number");
    const double d = v->get<double>();
    if (!std::isfinite(d) || d < lo || d > hi)
        bad(field, "must be between " + json(lo).dump() + " and " + json(hi).dump());
    return d;
}

int64_t integer(const json& body, const char* field, int64_t lo, int64_t hi, int64_t fallback) {
    const json* v = get(body, field);
    if (!v) return fallback;
    if (!v->is_number_integer()) bad(field, "must be an integer");
    const bool huge = v->is_number_unsigned() && v->get<uint64_t>() > uint64_t(INT64_MAX);
    const int64_t i = huge ? 0 : v->get<int64_t>();
    if (huge || i < lo || i > hi) bad(field, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
    return i;
}

// Message content: a string, or an array of {"type": "text", "text": ...} parts.
std::string content_text(const json& c, const std::string& field) {
    if (c.is_string()) return c.get<std::string>();
    if (c.is_null()) return {};
    if (!c.is_array()) bad(field, "must be a string or an array of text parts");
    std::string text;
    for (size_t i = 0; i < c.size(); ++i) {
        const json& part = c[i];
        const std::string f = field + "[" + std::to_string(i) + "]";
        if (!part.is_object() || part.value("type", json()) != "text" || !part.contains("text") ||
            !part["text"].is_string())
            bad(f, "must be a text part ({\"type\": \"text\", \"text\": \"...\"}); images and audio are not supported");
        text += part["text"].get<std::string>();
    }
    return text;
}

std::vector<ChatMessage> messages(const json& body) {
    const json* m = get(body, "messages");
    if (!m) bad("messages", "is required");
    if (!m->is_array() || m->empty()) bad("messages", "must be a non-empty array");
    std::vector<ChatMessage> out;
    for (size_t i = 0; i < m->size(); ++i) {
        const json& msg = (*m)[i];
        const std::string f = "messages[" + std::to_string(i) + "]";
        if (!msg.is_object()) bad(f, "must be an object");
        if (!msg.contains("role") || !msg["role"].is_string()) bad(f + ".role", "must be a string");
        const std::string role = msg["role"].get<std::string>();
        if (role != "system" && role != "user" && role != "assistant" && role != "developer")
            bad(f + ".role", "must be one of system, developer, user, assistant");
        out.push_back({role == "developer" ? "system" : role, content_text(msg.value("content", json()), f + ".content")});
    }
    return out;
}

std::string prompt(const json& body) {
    const json* p = get(body, "prompt");
    if (!p) bad("prompt", "is required");
    if (p->is_string()) return p->get<std::string>();
    if (p->is_array() && p->size() == 1 && (*p)[0].is_string()) return (*p)[0].get<std::string>();
    bad("prompt", "must be a string (or an array of one string)");
}

std::vector<std::string> stops(const json& body) {
    const json* s = get(body, "stop");
    if (!s) return {};
    if (s->is_string()) return {s->get<std::string>()};
    if (!s->is_array() || s->size() > 4) bad("stop", "must be a string or an array of at most 4 strings");
    std::vector<std::string> out;
    for (const json& x : *s) {
        if (!x.is_string()) bad("stop", "must be a string or an array of at most 4 strings");
        out.push_back(x.get<std::string>());
    }
    return out;
}

// "lora": [{"name": "physics", "scale": 0.8}] (or "id": index in /v1/models order).
void loras(const json& body, const Catalog& cat, CompletionRequest& r) {
    const json* l = get(body, "lora");
    if (!l) return;
    if (!l->is_array()) bad("lora", "must be an array of {\"name\", \"scale\"}");
    for (size_t i = 0; i < l->size(); ++i) {
        const json& a = (*l)[i];
        const std::string f = "lora[" + std::to_string(i) + "]";
        if (!a.is_object()) bad(f, "must be an object");
        std::string name;
        if (a.contains("name")) {
            if (!a["name"].is_string()) bad(f + ".name", "must be a string");
            name = a["name"].get<std::string>();
        } else if (a.contains("id")) {
            const int64_t id = integer(a, "id", 0, int64_t(cat.adapters.size()) - 1, 0);
            name = std::next(cat.adapters.begin(), long(id))->first;
        } else {
            bad(f, "needs a 'name' (or an 'id')");
        }
        const auto it = cat.adapters.find(name);
        if (it == cat.adapters.end()) throw ApiError(404, "no adapter named '" + name + "'", f + ".name", "not_found_error", "model_not_found");
        const float scale = float(number(a, "scale", -10.0, 10.0, 1.0));
        if (scale == 0.f) continue;
        r.loras.push_back({it->second, scale});
        r.lora_key += name + "@" + json(scale).dump() + ",";
    }
}

}  // namespace

CompletionRequest parse_completion_request(std::string_view text, bool chat, const Catalog& cat) {
    json body = json::parse(text, nullptr, false);
    if (body.is_discarded()) throw ApiError(400, "the request body is not valid JSON");
    if (!body.is_object()) throw ApiError(400, "the request body must be a JSON object");
    CompletionRequest r;
    r.chat = chat;
    // "model": the base model or an adapter's name (which selects that adapter at scale 1).
    r.model = cat.model_id;
    if (const json* m = get(body, "model")) {
        if (!m->is_string()) bad("model", "must be a string");
        const std::string name = m->get<std::string>();
        if (const auto it = cat.adapters.find(name); it != cat.adapters.end()) {
            r.loras.push_back({it->second, 1.0f});
            r.lora_key = name + "@1,";
        } else if (name != cat.model_id && !name.empty()) {
            throw ApiError(404, "The model '" + name + "' does not exist", "model", "not_found_error", "model_not_found");
        }
        if (!name.empty()) r.model = name;
    }
    if (chat) r.messages = messages(body);
    else r.prompt = prompt(body);
    if (const json* s = get(body, "stream")) {
        if (!s->is_boolean()) bad("stream", "must be a boolean");
        r.stream = s->get<bool>();
    }
    if (const json* so = get(body, "stream_options")) {
        if (!so->is_object()) bad("stream_options", "must be an object");
        if (so->contains("include_usage")) {
            if (!(*so)["include_usage"].is_boolean()) bad("stream_options.include_usage", "must be a boolean");
            r.include_usage = (*so)["include_usage"].get<bool>();
        }
    }
    const int64_t max_a = integer(body, "max_tokens", 1, 1 << 20, -1);
    r.max_tokens = int(integer(body, "max_completion_tokens", 1, 1 << 20, max_a));
    if (integer(body, "n", 1, 1, 1) != 1) bad("n", "must be 1");
    SamplerParams& p = r.sampling;
    p.temp = float(number(body, "temperature", 0.0, 2.0, p.temp));
    p.top_p = float(number(body, "top_p", 0.0, 1.0, p.top_p));
    p.top_k = int(integer(body, "top_k", 0, 1 << 20, p.top_k));
    p.min_p = float(number(body, "min_p", 0.0, 1.0, p.min_p));
    p.presence_penalty = float(number(body, "presence_penalty", -2.0, 2.0, p.presence_penalty));
    p.frequency_penalty = float(number(body, "frequency_penalty", -2.0, 2.0, p.frequency_penalty));
    if (get(body, "seed")) {
        p.seed = uint64_t(integer(body, "seed", INT64_MIN, INT64_MAX, 0));
    } else {
        std::random_device rd;
        p.seed = (uint64_t(rd()) << 32) ^ rd();
    }
    r.stop = stops(body);
    if (const json* e = get(body, "ignore_eos")) {
        if (!e->is_boolean()) bad("ignore_eos", "must be a boolean");
        r.ignore_eos = e->get<bool>();
    }
    loras(body, cat, r);
    return r;
}

}  // namespace lumen::serve
