#include "platform/file_slice.hpp"

#include "lumen/error.hpp"

namespace lumen::platform {

uint64_t checked_slice_size(uint64_t file_size, uint64_t offset, uint64_t size, const std::string& label) {
    if (offset > file_size) throw Error(label + ": offset " + std::to_string(offset) + " is past the end of the file");
    if (size == 0) size = file_size - offset;
    if (size > file_size - offset)
        throw Error(label + ": " + std::to_string(size) + " bytes from offset " + std::to_string(offset) +
                    " run past the end of the file (" + std::to_string(file_size) + " bytes)");
    return size;
}

}  // namespace lumen::platform
