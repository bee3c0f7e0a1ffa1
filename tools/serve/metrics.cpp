#include "metrics.hpp"

#include <cstdio>

namespace lumen::serve {

namespace {

void add(std::string& out, const char* name, const char* type, const char* help, double value,
         const char* labels = "") {
    char line[512];
    std::snprintf(line, sizeof line, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
    out += line;
    std::snprintf(line, sizeof line, "%s%s %.17g\n", name, labels, value);
    out += line;
}

void add_labelled(std::string& out, const char* label, double value) {
    char line[256];
    std::snprintf(line, sizeof line, "lumen_requests_total{outcome=\"%s\"} %.17g\n", label, value);
    out += line;
}

}  // namespace

std::string Metrics::prometheus() const {
    std::string out;
    out += "# HELP lumen_requests_total Completion requests by outcome.\n# TYPE lumen_requests_total counter\n";
    add_labelled(out, "ok", double(requests_ok));
    add_labelled(out, "invalid", double(requests_invalid));
    add_labelled(out, "rejected", double(requests_rejected));
    add_labelled(out, "cancelled", double(requests_cancelled));
    add_labelled(out, "failed", double(requests_failed));
    add(out, "lumen_unauthorized_total", "counter", "Requests refused for a missing or wrong API key.",
        double(unauthorized));
    add(out, "lumen_prompt_tokens_total", "counter", "Prompt tokens evaluated.", double(prompt_tokens));
    add(out, "lumen_prompt_tokens_cached_total", "counter", "Prompt tokens reused from a slot's cache.",
        double(cached_tokens));
    add(out, "lumen_generated_tokens_total", "counter", "Tokens generated.", double(generated_tokens));
    add(out, "lumen_steps_total", "counter", "Batched forward steps.", double(steps));
    add(out, "lumen_step_sequences_total", "counter", "Sequences in all steps (divide by steps: mean batch).",
        double(step_rows));
    const double busy = double(busy_microseconds) * 1e-6;
    add(out, "lumen_busy_seconds_total", "counter", "Time spent in forward steps.", busy);
    add(out, "lumen_tokens_per_second", "gauge", "Prompt and generated tokens per busy second since start.",
        busy > 0 ? double(prompt_tokens + generated_tokens) / busy : 0.0);
    add(out, "lumen_queue_length", "gauge", "Requests waiting for a slot.", double(queue_length));
    add(out, "lumen_slots_busy", "gauge", "Slots generating now.", double(slots_busy));
    add(out, "lumen_slots", "gauge", "Slots (-np).", double(n_slots));
    return out;
}

}  // namespace lumen::serve
