#include "scheduler.hpp"

#include <algorithm>
#include <chrono>

#include "lumen/error.hpp"

namespace lumen::serve {

namespace {

size_t common_prefix(const std::vector<int32_t>& a, const std::vector<int32_t>& b) {
    const size_t n = std::min(a.size(), b.size());
    size_t i = 0;
    while (i < n && a[i] == b[i]) ++i;
    return i;
}

}  // namespace

Scheduler::Scheduler(std::shared_ptr<const Model> model, SchedulerOptions options, Metrics& metrics)
    : model_(std::move(model)), opt_(std::move(options)), metrics_(metrics) {
    if (opt_.n_slots < 1 || opt_.n_slots > 256) throw Error("-np must be between 1 and 256");
    if (opt_.n_batch < opt_.n_slots) opt_.n_batch = opt_.n_slots;
    opt_.prompt_chunk = std::clamp(opt_.prompt_chunk, 1, opt_.n_batch);
    for (int i = 0; i < opt_.n_slots; ++i) {
        // Only slot 0 runs steps (on its own threads, for every slot's rows), so
        // only it needs scratch for a whole batch and worker threads.
        SessionOptions so{.n_ctx = opt_.n_ctx, .n_batch = i == 0 ? opt_.n_batch : 1, .n_threads = i == 0 ? opt_.n_threads : 1};
        slots_.push_back(Slot{Session(model_, so)});
    }
    n_ctx_ = slots_[0].session.context_size();
    metrics_.n_slots = opt_.n_slots;
    thread_ = std::thread([this] { run(); });
}

Scheduler::~Scheduler() { shutdown(); }

bool Scheduler::submit(std::shared_ptr<Job> job) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ || int(queue_.size()) >= opt_.max_queue) return false;
        queue_.push_back(std::move(job));
        metrics_.queue_length = int(queue_.size());
    }
    wake_.notify_one();
    return true;
}

void Scheduler::shutdown() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable()) thread_.join();
}

void Scheduler::run() {
    while (true) {
        {
            std::unique_lock lock(mutex_);
            if (stopping_) break;
            admit(lock);
            const bool busy = std::any_of(slots_.begin(), slots_.end(), [](const Slot& s) { return s.job != nullptr; });
            if (!busy) {
                wake_.wait_for(lock, std::chrono::milliseconds(200), [&] { return stopping_ || !queue_.empty(); });
                continue;
            }
        }
        step();
    }
    // Stopping: whatever runs or waits is cancelled (its connection ends the stream).
    for (Slot& s : slots_)
        if (s.job) release(s, Finish::cancelled);
    std::lock_guard lock(mutex_);
    for (auto& job : queue_) job->finish(Finish::cancelled, 0, 0, 0);
    queue_.clear();
    metrics_.queue_length = 0;
}

// Moves queued jobs into free slots: the slot whose cache shares the longest
// prefix with the prompt (same adapters), else the one idle the longest.
void Scheduler::admit(std::unique_lock<std::mutex>&) {
    std::erase_if(queue_, [](const std::shared_ptr<Job>& j) {
        if (!j->cancelled()) return false;
        j->finish(Finish::cancelled, 0, 0, 0);
        return true;
    });
    while (!queue_.empty()) {
        std::shared_ptr<Job> job = queue_.front();
        Slot* best = nullptr;
        size_t best_prefix = 0;
        for (Slot& s : slots_) {
            if (s.job) continue;
            const size_t p = s.lora_key == job->spec().lora_key ? common_prefix(s.cached, job->spec().prompt) : 0;
            if (!best || p > best_prefix || (p == best_prefix && s.last_used < best->last_used)) {
                best = &s;
                best_prefix = p;
            }
        }
        if (!best) break;
        queue_.pop_front();
        start(*best, std::move(job));
    }
    metrics_.queue_length = int(queue_.size());
}

void Scheduler::start(Slot& s, std::shared_ptr<Job> job) {
    const GenerationSpec& spec = job->spec();
    if (spec.prompt.empty()) {  // (the HTTP side refuses these; an answer needs a token to start from)
        job->finish(Finish::error, 0, 0, 0, "empty prompt");
        return;
    }
    if (s.lora_key != spec.lora_key) {
        s.session.set_loras(spec.loras);
        s.lora_key = spec.lora_key;
        s.cached.clear();
    }
    // Keep the common prefix, but always evaluate at least one token (its logits start the answer).
    size_t keep = common_prefix(s.cached, spec.prompt);
    if (keep == spec.prompt.size()) --keep;
    s.session.truncate(int(keep));
    s.cached.resize(keep);
    s.prompt_done = keep;
    s.n_reused = int(keep);
    s.n_generated = 0;
    s.next = -1;
    s.sampler.emplace(spec.sampling);
    for (int32_t t : spec.prompt) s.sampler->accept(t);
    s.decoder.emplace(model_->vocab());
    s.stop.emplace(spec.stop);
    s.job = std::move(job);
    metrics_.cached_tokens += keep;
    ++metrics_.slots_busy;
}

void Scheduler::release(Slot& s, Finish why, std::string error) {
    s.job->finish(why, int(s.job->spec().prompt.size()), s.n_reused, s.n_generated, std::move(error));
    s.job.reset();
    s.sampler.reset();
    s.decoder.reset();
    s.stop.reset();
    s.last_used = ++clock_;
    --metrics_.slots_busy;
}

// One forward pass: one token per generating slot, then prompt chunks while
// the batch has room.
void Scheduler::step() {
    std::vector<BatchItem> items;
    std::vector<Slot*> owners;
    int budget = opt_.n_batch;
    for (Slot& s : slots_) {
        if (s.job && s.job->cancelled()) release(s, Finish::cancelled);
        if (!s.job || s.next < 0) continue;
        items.push_back({&s.session, std::span<const int32_t>(&s.next, 1)});
        owners.push_back(&s);
        --budget;
    }
    for (Slot& s : slots_) {
        if (!s.job || s.next >= 0 || budget <= 0) continue;
        const auto& prompt = s.job->spec().prompt;
        const size_t n = std::min({prompt.size() - s.prompt_done, size_t(opt_.prompt_chunk), size_t(budget)});
        items.push_back({&s.session, std::span<const int32_t>(prompt).subspan(s.prompt_done, n)});
        owners.push_back(&s);
        budget -= int(n);
    }
    if (items.empty()) return;
    const auto t0 = std::chrono::steady_clock::now();
    std::span<const float> logits;
    try {
        logits = slots_[0].session.eval_batch(items);
    } catch (const Error& e) {
        for (Slot* s : owners) {
            s->session.reset();
            s->cached.clear();
            release(*s, Finish::error, e.what());
        }
        return;
    }
    metrics_.busy_microseconds +=
        uint64_t(std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count());
    ++metrics_.steps;
    metrics_.step_rows += items.size();
    const size_t V = size_t(model_->config().n_vocab);
    for (size_t k = 0; k < items.size(); ++k) {
        Slot& s = *owners[k];
        s.cached.insert(s.cached.end(), items[k].tokens.begin(), items[k].tokens.end());
        if (s.next < 0) {
            s.prompt_done += items[k].tokens.size();
            metrics_.prompt_tokens += items[k].tokens.size();
            if (s.prompt_done < s.job->spec().prompt.size()) continue;
        }
        after_token(s, logits.subspan(k * V, V));
    }
}

// Samples the slot's next token and streams its text, or ends the answer.
void Scheduler::after_token(Slot& s, std::span<const float> logits) {
    const int32_t t = s.sampler->sample(logits);
    const Vocab& vocab = model_->vocab();
    const bool end = !s.job->spec().ignore_eos &&
                     (vocab.is_end_of_generation(t) ||
                      std::find(opt_.stop_tokens.begin(), opt_.stop_tokens.end(), t) != opt_.stop_tokens.end());
    if (end) {
        s.job->push_text(s.stop->push(s.decoder->flush()));
        s.job->push_text(s.stop->flush());
        release(s, Finish::stop);
        return;
    }
    ++s.n_generated;
    ++metrics_.generated_tokens;
    s.job->push_text(s.stop->push(s.decoder->push(t)));
    if (s.stop->hit()) {
        release(s, Finish::stop);
        return;
    }
    if (s.n_generated >= s.job->spec().max_tokens || s.session.position() >= n_ctx_) {
        s.job->push_text(s.stop->push(s.decoder->flush()));
        if (!s.stop->hit()) s.job->push_text(s.stop->flush());
        release(s, s.stop->hit() ? Finish::stop : Finish::length);
        return;
    }
    s.next = t;
}

}  // namespace lumen::serve
