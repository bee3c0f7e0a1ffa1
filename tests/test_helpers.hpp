// Shared helpers for the tests: where the bundled test data lives, file I/O.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstring>
#include <stdexcept>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace lumen::test {

inline std::filesystem::path data_dir() { return LUMEN_TEST_DATA; }
inline std::filesystem::path source_dir() { return LUMEN_SOURCE_DIR; }
inline std::filesystem::path model_path(const std::string& rel) { return data_dir() / "models" / rel; }
inline std::filesystem::path golden_path(const std::string& rel) { return data_dir() / "golden" / rel; }

inline std::vector<std::byte> read_bytes(const std::filesystem::path& p) {
    std::ifstream f(p, std::ios::binary);
    if (!f) throw std::runtime_error("cannot read test file " + p.string());
    std::vector<char> chars((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    std::vector<std::byte> out(chars.size());
    std::memcpy(out.data(), chars.data(), chars.size());
    return out;
}

inline std::string read_text(const std::filesystem::path& p) {
    std::ifstream f(p, std::ios::binary);
    if (!f) throw std::runtime_error("cannot read test file " + p.string());
    return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

// A scratch directory unique to this process, removed at exit.
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        path = std::filesystem::temp_directory_path() / ("lumen-test-" + std::to_string(::getpid()) + "-" +
                                                         std::to_string(counter()++));
        std::filesystem::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    static int& counter() { static int c = 0; return c; }
};

}  // namespace lumen::test
