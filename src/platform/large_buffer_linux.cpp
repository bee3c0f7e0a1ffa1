// LargeBuffer on Linux: an anonymous mapping (zero pages, allocated when first
// touched) aligned to 2 MiB, advised to use transparent huge pages (a hint: the
// kernel may still use 4 KiB pages).
#include <sys/mman.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>

#include "lumen/error.hpp"
#include "platform/large_buffer.hpp"

namespace lumen::platform {

namespace {
constexpr size_t kHugePage = size_t(2) << 20;
}

LargeBuffer::LargeBuffer(size_t bytes, const char* label) {
    if (bytes == 0) return;
    if (bytes > SIZE_MAX - 2 * kHugePage) throw Error(std::string(label) + ": size out of range");
    // Over-allocate by one huge page and trim, so the buffer starts on a 2 MiB boundary.
    const size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
    const size_t mapped = rounded + kHugePage;
    void* p = ::mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        throw Error(std::string(label) + ": cannot allocate " + std::to_string(bytes >> 20) + " MiB: " + std::strerror(errno));
    const auto start = reinterpret_cast<uintptr_t>(p);
    const uintptr_t aligned = (start + kHugePage - 1) & ~uintptr_t(kHugePage - 1);
    if (aligned > start) ::munmap(p, aligned - start);
    const uintptr_t end = aligned + rounded, mapped_end = start + mapped;
    if (mapped_end > end) ::munmap(reinterpret_cast<void*>(end), mapped_end - end);
    ::madvise(reinterpret_cast<void*>(aligned), rounded, MADV_HUGEPAGE);  // a hint; failure is harmless
    data_ = reinterpret_cast<std::byte*>(aligned);
    size_ = bytes;
    reserved_ = rounded;
}

bool LargeBuffer::huge_pages_possible() {
    // Transparent huge pages switched off ("[never]") or not built in: no.
    std::ifstream f("/sys/kernel/mm/transparent_hugepage/enabled");
    std::string setting((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    return f.is_open() && setting.find("[never]") == std::string::npos;
}

void LargeBuffer::release() noexcept {
    if (data_ != nullptr) ::munmap(data_, reserved_);
    data_ = nullptr;
    size_ = reserved_ = 0;
}

}  // namespace lumen::platform
