// A slice [offset, offset + size) of a file of `file_size` bytes, as asked for
// by MappedFile::from_fd (size 0: to the end). Shared by every OS's mapping.
#pragma once

#include <cstdint>
#include <string>

namespace lumen::platform {

// The slice's size (size 0 resolved to the rest of the file). Throws
// lumen::Error naming `label` when the slice does not lie inside the file.
uint64_t checked_slice_size(uint64_t file_size, uint64_t offset, uint64_t size, const std::string& label);

}  // namespace lumen::platform
