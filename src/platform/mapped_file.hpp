// Read-only memory mapping of a whole file (RAII), one implementation per OS
// (mapped_file_posix.cpp, mapped_file_windows.cpp). Internal to the library.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>

namespace lumen {

// In namespace lumen (not platform): the public GgufFile holds one by pointer.
class MappedFile {
public:
    // Throws lumen::Error naming the file (UTF-8) and the OS's reason when it
    // cannot be opened or mapped, or is not a regular file.
    explicit MappedFile(const std::filesystem::path& path);
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    std::span<const std::byte> bytes() const { return {data_, size_}; }

private:
    const std::byte* data_ = nullptr;
    size_t size_ = 0;
    void* mapping_ = nullptr;  // the OS's handle for the mapping object, where it has one
};

// Drops the whole pages inside [p, p + n) of a read-only file mapping from this
// process's memory; they are read back from the file if touched again. A hint:
// does nothing where the OS offers no way.
namespace platform {
void release_mapped_pages(const void* p, size_t n);
}  // namespace platform

}  // namespace lumen
