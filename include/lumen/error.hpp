// lumen::Error — the one exception type the library throws for bad input,
// bad files and misuse. Messages are written for the person running the tool:
// they name the file or object, the field, and what was wrong.
#pragma once

#include <stdexcept>
#include <string>

#include "lumen/export.hpp"

namespace lumen {

class LUMEN_API Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// Thrown when work was stopped on request (Session::set_abort_callback, Ctrl-C).
class LUMEN_API Interrupted : public Error {
public:
    explicit Interrupted(const std::string& message) : Error(message) {}
};

}  // namespace lumen
