// One generation request as the scheduler sees it, and the channel its text
// flows through: the scheduler thread appends pieces, the HTTP thread that
// owns the connection takes them (blocking with a deadline).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "lumen/lora.hpp"
#include "lumen/sampler.hpp"

namespace lumen::serve {

struct GenerationSpec {
    std::vector<int32_t> prompt;       // tokens, BOS and template included
    SamplerParams sampling;
    int max_tokens = 256;
    std::vector<std::string> stop;     // stop strings (not part of the answer)
    bool ignore_eos = false;           // generate through end-of-generation tokens
    std::vector<AttachedLora> loras;   // adapters for this request
    std::string lora_key;              // identifies `loras` (slots with the same key keep their cache)
};

enum class Finish { none, stop, length, cancelled, error };
const char* finish_name(Finish f);  // OpenAI's finish_reason ("stop", "length", ...)

class Job {
public:
    explicit Job(GenerationSpec spec) : spec_(std::move(spec)) {}
    const GenerationSpec& spec() const { return spec_; }

    // Scheduler side.
    void push_text(std::string_view text);
    void finish(Finish why, int n_prompt, int n_cached, int n_generated, std::string error = {});
    bool cancelled() const { return cancelled_.load(); }

    // Connection side. Waits until there is text or the job finished (or the
    // deadline passed) and takes the text gathered so far.
    struct Update {
        std::string text;
        bool finished = false;
    };
    Update wait(std::chrono::steady_clock::time_point deadline);
    void cancel();  // client gone or timed out: the slot is freed at the next step

    // Valid once finished.
    Finish finish_reason() const;
    std::string error() const;
    int prompt_tokens() const;
    int cached_tokens() const;
    int generated_tokens() const;

private:
    GenerationSpec spec_;
    mutable std::mutex mutex_;
    std::condition_variable cv_;
    std::string pending_;
    bool finished_ = false;
    Finish finish_ = Finish::none;
    std::string error_;
    int n_prompt_ = 0, n_cached_ = 0, n_generated_ = 0;
    std::atomic<bool> cancelled_{false};
};

}  // namespace lumen::serve
