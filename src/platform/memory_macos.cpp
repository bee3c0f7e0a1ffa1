// available_memory_bytes on macOS: free + inactive + purgeable pages (host_statistics64).
// Not built on this project's machines (no macOS here); kept ready for it.
#include <mach/mach.h>
#include <unistd.h>

#include "platform/memory.hpp"

namespace lumen::platform {

uint64_t available_memory_bytes() {
    vm_statistics64_data_t vm{};
    mach_msg_type_number_t count = HOST_VM_INFO64_COUNT;
    if (host_statistics64(mach_host_self(), HOST_VM_INFO64, reinterpret_cast<host_info64_t>(&vm), &count) !=
        KERN_SUCCESS)
        return 0;
    const uint64_t page = uint64_t(sysconf(_SC_PAGESIZE));
    return (uint64_t(vm.free_count) + vm.inactive_count + vm.purgeable_count) * page;
}

}  // namespace lumen::platform
