// Console on POSIX: SIGINT through sigaction (no SA_RESTART, so a blocked
// read returns), read(2) byte by byte, isatty, /proc/self/exe (Linux).
#include <signal.h>
#include <unistd.h>

#include <csignal>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "platform/console.hpp"

namespace lumen::platform {

namespace {
// The flag SIGINT sets. A signal handler can only reach state through a
// global; this is the one, and it only ever points at a caller-owned atomic.
std::atomic<std::atomic<bool>*> g_interrupt_flag{nullptr};
extern "C" void on_sigint(int) {
    if (std::atomic<bool>* f = g_interrupt_flag.load()) f->store(true);
}
}  // namespace

void setup_console() {
    // A file-size limit (ulimit -f) must end a write with an error naming the
    // file ("File too large"), not kill the process by signal.
    std::signal(SIGXFSZ, SIG_IGN);
}

std::vector<std::string> utf8_arguments(int argc, char** argv) { return {argv, argv + argc}; }

bool stdin_is_terminal() { return ::isatty(0) != 0; }
bool stdout_is_terminal() { return ::isatty(1) != 0; }

bool stdout_supports_color() {
    const char* term = std::getenv("TERM");
    return stdout_is_terminal() && !(term != nullptr && std::strcmp(term, "dumb") == 0);
}

void route_interrupts_to(std::atomic<bool>* flag) {
    g_interrupt_flag = flag;
    struct sigaction sa {};
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: a blocked read returns so Ctrl-C is seen at the prompt
    sigaction(SIGINT, &sa, nullptr);
}

std::optional<std::string> read_stdin_line(const std::atomic<bool>& interrupted) {
    std::string line;
    char c;
    while (true) {
        const ssize_t n = ::read(0, &c, 1);
        if (n == 1) {
            if (c == '\n') break;
            line += c;
        } else if (n == 0) {
            if (line.empty()) return std::nullopt;
            break;
        } else if (errno == EINTR) {
            if (interrupted) return std::nullopt;
        } else {
            return std::nullopt;
        }
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

std::string executable_path() {
    char exe[4096];
    const ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);  // Linux; elsewhere ""
    return n > 0 ? std::string(exe, size_t(n)) : std::string();
}

}  // namespace lumen::platform
