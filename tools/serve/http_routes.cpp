#include "http_routes.hpp"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "lumen/error.hpp"
#include "openai_format.hpp"

namespace lumen::serve {

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kJson = "application/json";

void send_error(httplib::Response& res, const ApiError& e) {
    res.status = e.status;
    if (e.status == 503) res.set_header("Retry-After", "1");
    res.set_content(error_body(e), kJson);
}

// A streamed answer's state, shared by the content provider and its releaser.
struct Stream {
    std::shared_ptr<Job> job;
    ResponseMeta meta;
    Clock::time_point deadline, last_write;
    bool include_usage = false;
    bool first = true, ended = false, ok = false;
    Metrics* metrics = nullptr;
};

Usage usage_of(const Job& j) { return {j.prompt_tokens(), j.cached_tokens(), j.generated_tokens()}; }

// Writes what the job produced since the last call; false ends the connection.
bool pump(Stream& st, httplib::DataSink& sink) {
    const auto now = Clock::now();
    Job::Update u = st.job->wait(std::min(st.deadline, now + std::chrono::milliseconds(500)));
    if (!u.text.empty()) {
        const std::string ev = stream_event(st.meta, u.text, nullptr, st.first);
        if (!sink.write(ev.data(), ev.size())) return false;
        st.first = false;
        st.last_write = Clock::now();
    }
    if (!u.finished) {
        if (Clock::now() >= st.deadline) {
            st.job->cancel();
            const std::string ev = error_event(ApiError(504, "the request timed out", {}, "timeout_error"));
            sink.write(ev.data(), ev.size());
            sink.write(kDoneEvent.data(), kDoneEvent.size());
            st.ended = true;
            sink.done();
            return true;
        }
        // A comment line when nothing was sent for a while: finds a client that went away
        // even while its prompt waits or is being evaluated.
        if (Clock::now() - st.last_write > std::chrono::seconds(1)) {
            static constexpr char kPing[] = ": ping\n\n";
            if (!sink.write(kPing, sizeof kPing - 1)) return false;
            st.last_write = Clock::now();
        }
        return true;
    }
    const Finish f = st.job->finish_reason();
    std::string out;
    if (f == Finish::stop || f == Finish::length) {
        out = stream_event(st.meta, "", finish_name(f), st.first);
        if (st.include_usage) out += usage_event(st.meta, usage_of(*st.job));
        st.ok = true;
    } else if (f == Finish::error) {
        out = error_event(ApiError(500, st.job->error(), {}, "server_error"));
    } else {
        out = error_event(ApiError(503, "the server is shutting down", {}, "server_error"));
    }
    out += kDoneEvent;
    st.ended = true;
    if (!sink.write(out.data(), out.size())) return false;
    sink.done();
    return true;
}

}  // namespace

HttpServer::HttpServer(HttpOptions options, Catalog catalog, const PromptBuilder& prompts, Scheduler& scheduler,
                       Metrics& metrics, const PageAssets& assets, int n_slots)
    : opt_(std::move(options)), catalog_(std::move(catalog)), prompts_(prompts), scheduler_(scheduler),
      metrics_(metrics), assets_(assets), server_(std::make_unique<httplib::Server>()) {
    const size_t threads = opt_.http_threads > 0 ? size_t(opt_.http_threads) : size_t(4 * n_slots + 8);
    server_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    server_->set_payload_max_length(opt_.max_body);
    server_->set_read_timeout(30);
    server_->set_write_timeout(30);
    server_->set_keep_alive_timeout(5);
    server_->set_socket_options([this](socket_t sock) {
        httplib::default_socket_options(sock);
        listen_socket_ = static_cast<long long>(sock);
    });
    routes();
}

HttpServer::~HttpServer() = default;

int HttpServer::bind() {
    int port = opt_.port;
    if (port == 0) {
        port = server_->bind_to_any_port(opt_.host);
        if (port < 0) throw Error("cannot listen on " + opt_.host);
    } else if (!server_->bind_to_port(opt_.host, opt_.port)) {
        throw Error("cannot listen on " + opt_.host + ":" + std::to_string(opt_.port) + " (in use?)");
    }
    // cpp-httplib listens with a backlog of 5 connections. A class connecting at
    // once overflows that: the kernel then answers with SYN cookies, and a
    // cookie that fails to validate resets the client's connection before it
    // gets any answer (seen under load: tests/server/test_load.py). Listening
    // again on the bound socket raises the backlog (Linux and BSD; Windows
    // keeps the first value).
    if (listen_socket_ >= 0) ::listen(static_cast<socket_t>(listen_socket_), SOMAXCONN);
    return port;
}

void HttpServer::run() { server_->listen_after_bind(); }
void HttpServer::stop() {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (open_streams_->load() > 0 && std::chrono::steady_clock::now() < give_up)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    server_->stop();
}

void HttpServer::routes() {
    httplib::Server& s = *server_;
    // The API key guards the API and the metrics; the page, its files and /health stay open.
    s.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
        if (opt_.api_key.empty()) return httplib::Server::HandlerResponse::Unhandled;
        if (req.path.rfind("/v1/", 0) != 0 && req.path != "/metrics") return httplib::Server::HandlerResponse::Unhandled;
        if (req.get_header_value("Authorization") == "Bearer " + opt_.api_key)
            return httplib::Server::HandlerResponse::Unhandled;
        ++metrics_.unauthorized;
        send_error(res, ApiError(401, "missing or wrong API key (send 'Authorization: Bearer KEY')", {},
                                 "invalid_request_error", "invalid_api_key"));
        return httplib::Server::HandlerResponse::Handled;
    });
    s.set_error_handler([this](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty()) return;
        if (res.status == 413) ++metrics_.requests_invalid;
        const std::string msg = res.status == 413 ? "the request body is too large"
                                : res.status == 404 ? "no such endpoint"
                                                    : "HTTP error " + std::to_string(res.status);
        res.set_content(error_body(ApiError(res.status, msg)), kJson);
    });
    s.set_exception_handler([this](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        ++metrics_.requests_failed;
        send_error(res, ApiError(500, "internal error", {}, "server_error"));
    });
    s.Post("/v1/chat/completions", [this](const httplib::Request& req, httplib::Response& res) {
        completion(req.body, true, &res);
    });
    s.Post("/v1/completions", [this](const httplib::Request& req, httplib::Response& res) {
        completion(req.body, false, &res);
    });
    s.Get("/v1/models", [this](const httplib::Request&, httplib::Response& res) {
        res.set_content(models_body(catalog_, std::chrono::duration_cast<std::chrono::seconds>(
                                                  std::chrono::system_clock::now().time_since_epoch()).count()),
                        kJson);
    });
    s.Get("/health", [](const httplib::Request&, httplib::Response& res) {
        res.set_content("{\"status\":\"ok\"}", kJson);
    });
    s.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
        res.set_content(metrics_.prometheus(), "text/plain; version=0.0.4");
    });
    s.Get(R"(/.*)", [this](const httplib::Request& req, httplib::Response& res) {
        const Asset* a = assets_.find(req.path);
        if (!a) {
            send_error(res, ApiError(404, "not found"));
            return;
        }
        res.set_header("Cache-Control", "no-cache");
        res.set_content(a->body, a->content_type);
    });
}

void HttpServer::completion(const std::string& body, bool chat, void* response) {
    httplib::Response& res = *static_cast<httplib::Response*>(response);
    CompletionRequest r;
    GenerationSpec spec;
    try {
        r = parse_completion_request(body, chat, catalog_);
        spec.prompt = chat ? prompts_.chat(r.messages) : prompts_.completion(r.prompt);
        if (spec.prompt.empty()) throw ApiError(400, "the prompt is empty", chat ? "messages" : "prompt");
        const int n_ctx = scheduler_.context_size();
        if (int(spec.prompt.size()) >= n_ctx)
            throw ApiError(400,
                           "the prompt is " + std::to_string(spec.prompt.size()) + " tokens; the context holds " +
                               std::to_string(n_ctx),
                           chat ? "messages" : "prompt", "invalid_request_error", "context_length_exceeded");
    } catch (const ApiError& e) {
        ++metrics_.requests_invalid;
        send_error(res, e);
        return;
    }
    spec.sampling = r.sampling;
    spec.max_tokens = r.max_tokens < 0 ? opt_.max_tokens : std::min(r.max_tokens, opt_.max_tokens);
    spec.stop = r.stop;
    spec.ignore_eos = r.ignore_eos;
    spec.loras = r.loras;
    spec.lora_key = r.lora_key;
    auto job = std::make_shared<Job>(std::move(spec));
    if (!scheduler_.submit(job)) {
        ++metrics_.requests_rejected;
        send_error(res, ApiError(503, "all slots are busy and the queue is full; retry shortly", {}, "server_error"));
        return;
    }
    const ResponseMeta meta = make_meta(chat, r.model);
    const auto deadline = Clock::now() + std::chrono::seconds(opt_.timeout_seconds);
    if (r.stream) {
        auto st = std::make_shared<Stream>(Stream{job, meta, deadline, Clock::now(), r.include_usage});
        st->metrics = &metrics_;
        ++*open_streams_;
        res.set_header("Cache-Control", "no-cache");
        res.set_header("X-Accel-Buffering", "no");  // nginx: pass events through unbuffered
        res.set_chunked_content_provider(
            "text/event-stream", [st](size_t, httplib::DataSink& sink) { return pump(*st, sink); },
            [st, open = open_streams_](bool) {
                --*open;
                if (!st->ended) st->job->cancel();  // the client went away: free the slot now
                if (st->ok) ++st->metrics->requests_ok;
                else if (st->job->finish_reason() == Finish::error) ++st->metrics->requests_failed;
                else ++st->metrics->requests_cancelled;
            });
        return;
    }
    std::string text;
    while (true) {
        Job::Update u = job->wait(deadline);
        text += u.text;
        if (u.finished) break;
        if (Clock::now() >= deadline) {
            job->cancel();
            ++metrics_.requests_cancelled;
            send_error(res, ApiError(504, "the request timed out", {}, "timeout_error"));
            return;
        }
    }
    const Finish f = job->finish_reason();
    if (f == Finish::error) {
        ++metrics_.requests_failed;
        send_error(res, ApiError(500, job->error(), {}, "server_error"));
    } else if (f == Finish::cancelled) {
        ++metrics_.requests_cancelled;
        send_error(res, ApiError(503, "the server is shutting down", {}, "server_error"));
    } else {
        ++metrics_.requests_ok;
        res.set_content(completion_body(meta, text, finish_name(f), usage_of(*job)), kJson);
    }
}

}  // namespace lumen::serve
