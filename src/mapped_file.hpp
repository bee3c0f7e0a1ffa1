// Read-only memory mapping of a whole file (RAII). Internal to the library.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>

namespace lumen {

class MappedFile {
public:
    // Throws lumen::Error naming the file when it cannot be opened or mapped.
    explicit MappedFile(const std::filesystem::path& path);
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
    void map(int fd, uint64_t offset, uint64_t size, const std::string& label);

    const std::byte* data_ = nullptr;
    size_t size_ = 0;
    void* map_base_ = nullptr;  // page-aligned start of the mapping (data_ may be later)
    size_t map_size_ = 0;
};

}  // namespace lumen
