// A whole file's bytes in memory (RAII), held as `FileResidence` says: a
// read-only mapping, a mapping locked in RAM, or a private copy. Internal.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>

#include "lumen/gguf.hpp"

namespace lumen {

class MappedFile {
public:
    // Throws lumen::Error naming the file when it cannot be opened or mapped.
    // Copies and locks are refused up front when the file is larger than the
    // available memory.
    explicit MappedFile(const std::filesystem::path& path, FileResidence residence = FileResidence::mapped);
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    std::span<const std::byte> bytes() const { return {data_, size_}; }

private:
    const std::byte* data_ = nullptr;
    size_t size_ = 0;
};

}  // namespace lumen
