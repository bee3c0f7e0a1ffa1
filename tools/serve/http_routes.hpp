// The HTTP side of `lumen serve`: routes, the API key, body and time limits,
// and the two ways an answer leaves (one JSON body, or server-sent events).
// Generation itself is the Scheduler's; this file only talks to jobs.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "api_request.hpp"
#include "metrics.hpp"
#include "page_assets.hpp"
#include "prompt.hpp"
#include "scheduler.hpp"

namespace httplib {
class Server;
}

namespace lumen::serve {

struct HttpOptions {
    std::string host = "127.0.0.1";
    int port = 8080;
    std::string api_key;            // empty: no key needed
    size_t max_body = 1 << 20;      // bytes
    int max_tokens = 1024;          // per answer, whatever the request asks
    int timeout_seconds = 600;      // per request, queue time included
    int http_threads = 0;           // 0: 4 per slot + 8 (streams hold a thread each)
};

class HttpServer {
public:
    HttpServer(HttpOptions options, Catalog catalog, const PromptBuilder& prompts, Scheduler& scheduler,
               Metrics& metrics, const PageAssets& assets, int n_slots);
    ~HttpServer();

    // Binds; throws lumen::Error when the address is taken. Returns the port (for --port 0).
    int bind();
    void run();   // serves until stop()
    // Thread-safe. Streams still open get up to 2 s to send their last events
    // first (after Scheduler::shutdown they are ending: cancelled answers);
    // stopping the HTTP server at once cut some before their finish event.
    void stop();

private:
    void routes();
    void completion(const std::string& body, bool chat, void* response);

    HttpOptions opt_;
    Catalog catalog_;
    const PromptBuilder& prompts_;
    Scheduler& scheduler_;
    Metrics& metrics_;
    const PageAssets& assets_;
    std::unique_ptr<httplib::Server> server_;
    long long listen_socket_ = -1;  // the listening socket, once bound (see bind())
    std::shared_ptr<std::atomic<int>> open_streams_ = std::make_shared<std::atomic<int>>(0);
};

}  // namespace lumen::serve
