// LargeBuffer where the OS offers no huge-page hint to an unprivileged
// process (Windows needs SeLockMemoryPrivilege for large pages; macOS has no
// transparent ones): memory from the C++ allocator, 64-byte aligned, zeroed.
#include <cstring>
#include <new>
#include <string>

#include "lumen/error.hpp"
#include "platform/large_buffer.hpp"

namespace lumen::platform {

namespace {
constexpr std::align_val_t kAlign{64};
}

LargeBuffer::LargeBuffer(size_t bytes, const char* label) {
    if (bytes == 0) return;
    base_ = ::operator new(bytes, kAlign, std::nothrow);
    if (base_ == nullptr) throw Error(std::string(label) + ": cannot allocate " + std::to_string(bytes >> 20) + " MiB");
    std::memset(base_, 0, bytes);
    base_size_ = bytes;
    data_ = static_cast<std::byte*>(base_);
    size_ = bytes;
}

bool LargeBuffer::huge_pages_possible() { return false; }

void LargeBuffer::release() noexcept {
    if (base_ != nullptr) ::operator delete(base_, kAlign);
    base_ = nullptr;
    data_ = nullptr;
    size_ = base_size_ = 0;
}

}  // namespace lumen::platform
