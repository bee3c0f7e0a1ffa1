// Console on Windows: UTF-8 code pages, binary-mode stdio, SetConsoleCtrlHandler
// for Ctrl-C, ReadConsoleW for typed lines (UTF-16, converted to UTF-8) and
// ReadFile for pipes, virtual-terminal mode for colours, GetModuleFileNameW.
#include <fcntl.h>
#include <io.h>
#include <windows.h>

#include <cstdio>
#include <cwchar>

#include "platform/console.hpp"
#include "platform/utf16.hpp"

namespace lumen::platform {

namespace {
// The flag Ctrl-C sets. The console calls the handler on a thread of its own
// with no user data, so it can only reach state through a global; this is the
// one, and it only ever points at a caller-owned atomic.
std::atomic<std::atomic<bool>*> g_interrupt_flag{nullptr};
BOOL WINAPI on_console_event(DWORD event) {
    if (event != CTRL_C_EVENT && event != CTRL_BREAK_EVENT) return FALSE;
    std::atomic<bool>* f = g_interrupt_flag.load();
    if (f == nullptr) return FALSE;
    f->store(true);
    return TRUE;  // handled: the program keeps running
}

bool is_console(HANDLE h) {
    DWORD mode = 0;
    return h != INVALID_HANDLE_VALUE && h != nullptr && GetConsoleMode(h, &mode) != 0;
}
}  // namespace

void setup_console() {
    SetConsoleOutputCP(CP_UTF8);
    SetConsoleCP(CP_UTF8);
    _setmode(_fileno(stdin), _O_BINARY);
    _setmode(_fileno(stdout), _O_BINARY);
    _setmode(_fileno(stderr), _O_BINARY);
}

std::vector<std::string> utf8_arguments(int argc, char** argv) {
    int n = 0;
    wchar_t** wide = CommandLineToArgvW(GetCommandLineW(), &n);
    if (wide == nullptr) return {argv, argv + argc};
    std::vector<std::string> args;
    for (int i = 0; i < n; ++i) args.push_back(utf8_from_utf16(wide[i]));
    LocalFree(wide);
    return args;
}

bool stdin_is_terminal() { return is_console(GetStdHandle(STD_INPUT_HANDLE)); }
bool stdout_is_terminal() { return is_console(GetStdHandle(STD_OUTPUT_HANDLE)); }

bool stdout_supports_color() {
    HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
    DWORD mode = 0;
    if (!GetConsoleMode(out, &mode)) return false;
    return (mode & ENABLE_VIRTUAL_TERMINAL_PROCESSING) != 0 ||
           SetConsoleMode(out, mode | ENABLE_VIRTUAL_TERMINAL_PROCESSING) != 0;
}

void route_interrupts_to(std::atomic<bool>* flag) {
    g_interrupt_flag = flag;
    SetConsoleCtrlHandler(on_console_event, TRUE);
}

std::optional<std::string> read_stdin_line(const std::atomic<bool>& interrupted) {
    HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
    std::string line;
    if (is_console(in)) {
        std::wstring wide;
        while (true) {
            wchar_t buf[512];
            DWORD got = 0;
            const BOOL ok = ReadConsoleW(in, buf, DWORD(std::size(buf)), &got, nullptr);
            if (!ok || got == 0) {
                Sleep(20);  // Ctrl-C aborts the read before its handler has run
                if (interrupted || !ok || wide.empty()) return std::nullopt;
                break;
            }
            wide.append(buf, got);
            if (wide.back() == L'\n') break;
        }
        if (wide[0] == 26) return std::nullopt;  // Ctrl-Z, Enter: end of input
        line = utf8_from_utf16(wide);
    } else {
        while (true) {
            char c;
            DWORD got = 0;
            if (!ReadFile(in, &c, 1, &got, nullptr) || got == 0) {
                if (line.empty()) return std::nullopt;
                break;
            }
            if (c == '\n') break;
            line += c;
        }
    }
    if (!line.empty() && line.back() == '\n') line.pop_back();
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

std::string executable_path() {
    std::wstring buf(MAX_PATH, L'\0');
    while (true) {
        const DWORD n = GetModuleFileNameW(nullptr, buf.data(), DWORD(buf.size()));
        if (n == 0) return "";
        if (n < buf.size()) return utf8_from_utf16(std::wstring_view(buf.data(), n));
        buf.resize(buf.size() * 2);
    }
}

}  // namespace lumen::platform
