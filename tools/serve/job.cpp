#include "job.hpp"

namespace lumen::serve {

const char* finish_name(Finish f) {
    switch (f) {
        case Finish::stop: return "stop";
        case Finish::length: return "length";
        case Finish::cancelled: return "cancelled";
        case Finish::error: return "error";
        case Finish::none: break;
    }
    return "none";
}

void Job::push_text(std::string_view text) {
    if (text.empty()) return;
    {
        std::lock_guard lock(mutex_);
        pending_ += text;
    }
    cv_.notify_all();
}

void Job::finish(Finish why, int n_prompt, int n_cached, int n_generated, std::string error) {
    {
        std::lock_guard lock(mutex_);
        if (finished_) return;
        finished_ = true;
        finish_ = why;
        n_prompt_ = n_prompt;
        n_cached_ = n_cached;
        n_generated_ = n_generated;
        error_ = std::move(error);
    }
    cv_.notify_all();
}

Job::Update Job::wait(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mutex_);
    cv_.wait_until(lock, deadline, [&] { return finished_ || !pending_.empty(); });
    Update u;
    u.text = std::move(pending_);
    pending_.clear();
    u.finished = finished_;
    return u;
}

void Job::cancel() {
    cancelled_ = true;
    cv_.notify_all();
}

Finish Job::finish_reason() const {
    std::lock_guard lock(mutex_);
    return finish_;
}
std::string Job::error() const {
    std::lock_guard lock(mutex_);
    return error_;
}
int Job::prompt_tokens() const {
    std::lock_guard lock(mutex_);
    return n_prompt_;
}
int Job::cached_tokens() const {
    std::lock_guard lock(mutex_);
    return n_cached_;
}
int Job::generated_tokens() const {
    std::lock_guard lock(mutex_);
    return n_generated_;
}

}  // namespace lumen::serve
