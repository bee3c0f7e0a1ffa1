// A large zero-filled block of memory for what every generated token streams
// through: the load-time copies of the weights (packed matrices) and the KV
// cache. One implementation per OS (large_buffer_linux.cpp, large_buffer_plain.cpp).
//
// Linux backs it with 2 MiB pages where the kernel allows (an aligned anonymous
// mapping with madvise(MADV_HUGEPAGE), which also works when the system's
// transparent huge pages are set to "madvise", Debian's and Ubuntu's default):
// one TLB entry then covers 2 MiB instead of 4 KiB.
#pragma once

#include <cstddef>

namespace lumen::platform {

class LargeBuffer {
public:
    LargeBuffer() = default;
    // Throws lumen::Error when the memory cannot be had; `label` names it.
    LargeBuffer(size_t bytes, const char* label);
    ~LargeBuffer();
    LargeBuffer(LargeBuffer&& o) noexcept;
    LargeBuffer& operator=(LargeBuffer&& o) noexcept;
    LargeBuffer(const LargeBuffer&) = delete;
    LargeBuffer& operator=(const LargeBuffer&) = delete;

    // Whether this OS's buffers can get huge pages at all (Linux: yes).
    static bool huge_pages_possible();

    std::byte* data() const { return data_; }
    size_t size() const { return size_; }

private:
    void release() noexcept;
    std::byte* data_ = nullptr;  // 64-byte aligned at least (Linux: 2 MiB)
    size_t size_ = 0;
    size_t reserved_ = 0;        // bytes held from the OS (Linux: size_ rounded up to 2 MiB)
};

}  // namespace lumen::platform
