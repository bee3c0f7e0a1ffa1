// LargeBuffer's moves (the allocation itself is per OS).
#include <utility>

#include "platform/large_buffer.hpp"

namespace lumen::platform {

LargeBuffer::LargeBuffer(LargeBuffer&& o) noexcept
    : data_(std::exchange(o.data_, nullptr)),
      size_(std::exchange(o.size_, 0)),
      reserved_(std::exchange(o.reserved_, 0)) {}

LargeBuffer& LargeBuffer::operator=(LargeBuffer&& o) noexcept {
    if (this != &o) {
        release();
        data_ = std::exchange(o.data_, nullptr);
        size_ = std::exchange(o.size_, 0);
        reserved_ = std::exchange(o.reserved_, 0);
    }
    return *this;
}

LargeBuffer::~LargeBuffer() { release(); }

}  // namespace lumen::platform
