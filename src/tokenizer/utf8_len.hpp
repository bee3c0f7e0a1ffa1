// Byte length of the UTF-8 sequence a lead byte starts (internal helper).
#pragma once

#include <cstddef>

namespace lumen {

// 1 for ASCII and for bytes that cannot start a sequence, so malformed input
// still advances one byte at a time.
inline size_t utf8_sequence_length(unsigned char lead) {
    if (lead < 0x80) return 1;
    if ((lead >> 5) == 0x6) return 2;
    if ((lead >> 4) == 0xE) return 3;
    if ((lead >> 3) == 0x1E) return 4;
    return 1;
}

}  // namespace lumen
