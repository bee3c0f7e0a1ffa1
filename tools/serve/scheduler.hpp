// Slots over one shared model, and the thread that runs them. Each slot owns
// a Session (its own KV cache) and keeps the tokens in it, so a student's next
// turn evaluates only the new text. Every step puts the next token of each
// generating slot and a chunk of each new prompt into ONE forward pass
// (Session::eval_batch): the weights are read once for all of them. Requests
// join between steps and leave when done. See docs/server.md.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "job.hpp"
#include "lumen/model.hpp"
#include "lumen/session.hpp"
#include "lumen/vocab.hpp"
#include "metrics.hpp"
#include "stop_strings.hpp"

namespace lumen::serve {

struct SchedulerOptions {
    int n_slots = 8;         // -np
    int n_ctx = 0;           // per slot; 0: min(training context, 4096)
    int n_batch = 512;       // tokens per forward step, all slots together
    int prompt_chunk = 128;  // prompt tokens one slot adds per step
    int max_queue = 64;      // requests waiting for a slot; more -> rejected
    int n_threads = 0;
    std::vector<int32_t> stop_tokens;  // besides the vocabulary's end-of-generation tokens
};

class Scheduler {
public:
    Scheduler(std::shared_ptr<const Model> model, SchedulerOptions options, Metrics& metrics);
    ~Scheduler();
    Scheduler(const Scheduler&) = delete;
    Scheduler& operator=(const Scheduler&) = delete;

    // Queues a job; false when the queue is full or the scheduler is stopping.
    bool submit(std::shared_ptr<Job> job);
    // Cancels every queued and running job and stops the thread.
    void shutdown();
    int context_size() const { return n_ctx_; }

private:
    struct Slot {
        Session session;
        std::vector<int32_t> cached;  // tokens in the session's KV cache
        std::string lora_key;         // adapters the session has
        std::shared_ptr<Job> job;     // null: free
        size_t prompt_done = 0;       // prompt tokens in the cache
        int n_reused = 0, n_generated = 0;
        int32_t next = -1;            // sampled, not yet evaluated
        std::optional<Sampler> sampler;
        std::optional<StreamDecoder> decoder;
        std::optional<StopFilter> stop;
        uint64_t last_used = 0;
    };

    void run();
    void admit(std::unique_lock<std::mutex>& lock);
    void start(Slot& slot, std::shared_ptr<Job> job);
    void step();
    void after_token(Slot& slot, std::span<const float> logits);
    void release(Slot& slot, Finish why, std::string error = {});

    std::shared_ptr<const Model> model_;
    SchedulerOptions opt_;
    Metrics& metrics_;
    int n_ctx_ = 0;
    std::vector<Slot> slots_;  // slot 0's session runs the batched steps
    uint64_t clock_ = 0;

    std::mutex mutex_;  // guards queue_, stopping_
    std::condition_variable wake_;
    std::deque<std::shared_ptr<Job>> queue_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace lumen::serve
