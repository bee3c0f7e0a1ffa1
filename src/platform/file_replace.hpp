// Writing a file atomically: the bytes go to a temporary file beside the
// destination; commit() flushes it to disk and moves it over the destination in
// one step. Readers see the old file or the new one, never a half-written one.
// One implementation per OS (file_replace_posix.cpp, file_replace_windows.cpp).
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>

namespace lumen::platform {

class ReplacingFile {
public:
    // Creates the temporary file. Throws lumen::Error naming the destination.
    explicit ReplacingFile(const std::filesystem::path& destination);
    // Removes the temporary file unless commit() succeeded.
    ~ReplacingFile();
    ReplacingFile(const ReplacingFile&) = delete;
    ReplacingFile& operator=(const ReplacingFile&) = delete;

    std::FILE* stream() const { return file_; }
    // The destination as UTF-8, for messages.
    const std::string& label() const { return label_; }

    // Flush, sync to disk, close, and move over the destination. Throws
    // lumen::Error with the OS's reason; the destination is then untouched.
    void commit();

private:
    std::filesystem::path destination_, temporary_;
    std::string label_;
    std::FILE* file_ = nullptr;
    bool committed_ = false;
};

}  // namespace lumen::platform
