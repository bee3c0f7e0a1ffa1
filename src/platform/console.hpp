// The command-line tool's side of the OS: console text encoding, terminal
// checks, Ctrl-C, line input, the program's own path. One implementation per
// OS (console_posix.cpp, console_windows.cpp). Used by tools/, not the library.
#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <vector>

namespace lumen::platform {

// Call first in main(): UTF-8 console (Windows: code pages set to UTF-8, and
// stdin/stdout/stderr in binary mode so '\n' stays '\n'); a no-op on POSIX.
void setup_console();

// The command line as UTF-8 strings, program name first (Windows: from
// GetCommandLineW, so any Unicode file name survives; POSIX: argv as is).
std::vector<std::string> utf8_arguments(int argc, char** argv);

bool stdin_is_terminal();
bool stdout_is_terminal();
// Whether stdout is a terminal that shows ANSI colours (Windows: a console
// that accepts virtual-terminal sequences; POSIX: a tty whose TERM is not "dumb").
bool stdout_supports_color();

// From now on Ctrl-C sets *flag instead of ending the program, and a
// read_stdin_line() waiting for input returns. The flag must outlive the program
// (a function-local static or main's local).
void route_interrupts_to(std::atomic<bool>* flag);

// One line of standard input without its line end ("\n" or "\r\n"), as UTF-8.
// nullopt at the end of input, or when `interrupted` is set while waiting.
std::optional<std::string> read_stdin_line(const std::atomic<bool>& interrupted);

// The running program's full path as UTF-8 ("" when the OS does not say).
std::string executable_path();

}  // namespace lumen::platform
