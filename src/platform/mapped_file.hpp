// Read-only memory mapping of a file (RAII), one implementation per OS
// (mapped_file_posix.cpp, mapped_file_windows.cpp). Internal to the library.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>

#include "lumen/gguf.hpp"  // FileResidence

namespace lumen {

// In namespace lumen (not platform): the public GgufFile holds one by pointer.
class MappedFile {
public:
    // Throws lumen::Error naming the file (UTF-8) and the OS's reason when it
    // cannot be opened or mapped, or is not a regular file. `residence`: a
    // read-only mapping, a mapping locked in RAM (--mlock), or a private copy
    // (--no-mmap); copies and locks are refused up front when the file is
    // larger than the available memory.
    explicit MappedFile(const std::filesystem::path& path, FileResidence residence = FileResidence::mapped);
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    // Maps `size` bytes of an open file from `offset` (size 0: to the end of
    // the file). The caller keeps ownership of `fd`; the mapping does not need
    // it afterwards. `label` names the source in error messages.
    static std::shared_ptr<MappedFile> from_fd(int fd, uint64_t offset, uint64_t size, const std::string& label);
    // A private copy of `bytes` in an anonymous in-memory file, mapped like a
    // file (so its pages can be dropped and re-read like a file's).
    static std::shared_ptr<MappedFile> copy_of(std::span<const std::byte> bytes, const std::string& label);

    std::span<const std::byte> bytes() const { return {data_, size_}; }

private:
    MappedFile() = default;
    void map(int fd, uint64_t offset, uint64_t size, const std::string& label);  // POSIX
    void map_view(void* file, uint64_t offset, uint64_t size, const std::string& label);  // Windows
    void release();                                                                        // Windows

    const std::byte* data_ = nullptr;
    size_t size_ = 0;
    void* map_base_ = nullptr;  // start of the mapping (data_ may be later: page-aligned offsets)
    size_t map_size_ = 0;
    void* mapping_ = nullptr;   // the OS's handle for the mapping object, where it has one
};

// Drops the whole pages inside [p, p + n) of a read-only file mapping from this
// process's memory; they are read back from the file if touched again. A hint:
// does nothing where the OS offers no way.
namespace platform {
void release_mapped_pages(const void* p, size_t n);
}  // namespace platform

}  // namespace lumen
