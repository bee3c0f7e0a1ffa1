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
    void* p = ::operator new(bytes, kAlign, std::nothrow);
    if (p == nullptr) throw Error(std::string(label) + ": cannot allocate " + std::to_string(bytes >> 20) + " MiB");
    std::memset(p, 0, bytes);
    data_ = static_cast<std::byte*>(p);
    size_ = reserved_ = bytes;
}

bool LargeBuffer::huge_pages_possible() { return false; }

void LargeBuffer::release() noexcept {
    if (data_ != nullptr) ::operator delete(data_, kAlign);
    data_ = nullptr;
    size_ = reserved_ = 0;
}

}  // namespace lumen::platform
