// Read-only memory mapping of a whole file (RAII). Internal to the library.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>

namespace lumen {

class MappedFile {
public:
    // Throws lumen::Error naming the file when it cannot be opened or mapped.
    explicit MappedFile(const std::filesystem::path& path);
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    std::span<const std::byte> bytes() const { return {data_, size_}; }

private:
    const std::byte* data_ = nullptr;
    size_t size_ = 0;
};

}  // namespace lumen
