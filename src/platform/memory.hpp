// What the operating system will still give this process: the one OS query the
// memory guard needs. One implementation file per platform (memory_linux.cpp,
// memory_windows.cpp); the rest of the library never asks the OS itself.
#pragma once

#include <cstdint>

namespace lumen::platform {

// Bytes that can still be allocated without swapping or being killed: the
// smaller of the system-wide figure (Linux: MemAvailable) and the room left
// under this process's memory limit (Linux: cgroup v2 memory.max, or v1
// memory.limit_in_bytes, minus what the group uses that cannot be reclaimed).
// UINT64_MAX when the OS gives no figure.
uint64_t available_memory_bytes();

}  // namespace lumen::platform
