#pragma once

#include <cstdint>

namespace lumen::platform {

// Memory the OS can give this process now without swapping, in bytes.
uint64_t available_memory_bytes();

}  // namespace lumen::platform
