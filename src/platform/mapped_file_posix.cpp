// MappedFile on POSIX systems (Linux, macOS): open + fstat + mmap, of a path,
// a descriptor slice, or an in-memory copy.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include "lumen/error.hpp"
#include "platform/file_slice.hpp"
#include "platform/mapped_file.hpp"
#include "platform/path_text.hpp"
#include "model/memory_guard.hpp"

namespace lumen {

using platform::utf8_from_path;

namespace {
std::string errno_text() { return std::strerror(errno); }

std::string mib(uint64_t bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f MiB", double(bytes) / (1024.0 * 1024.0));
    return buf;
}

// Reads the whole of `fd` into `dst` (a copy of the file instead of a mapping).
void read_all(int fd, std::byte* dst, size_t size, const std::string& label) {
    size_t done = 0;
    while (done < size) {
        const ssize_t n = ::pread(fd, dst + done, size - done, off_t(done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw Error(label + ": cannot read: " + errno_text());
        if (n == 0) throw Error(label + ": the file shrank while it was read");
        done += size_t(n);
    }
}

std::string mlock_limit() {
    struct rlimit r {};
    if (::getrlimit(RLIMIT_MEMLOCK, &r) != 0 || r.rlim_cur == RLIM_INFINITY) return "unlimited";
    return std::to_string(r.rlim_cur / 1024) + " KiB";
}

// Closes a descriptor this file opened when the scope ends.
struct FdCloser {
    int fd;
    ~FdCloser() {
        if (fd >= 0) ::close(fd);
    }
};
}  // namespace

MappedFile::MappedFile(const std::filesystem::path& path, FileResidence residence) {
    const std::string label = utf8_from_path(path);
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw Error(label + ": cannot open: " + errno_text());
    const FdCloser closer{fd};  // a mapping keeps the file referenced
    if (residence == FileResidence::mapped) {
        map(fd, 0, 0, label);
        return;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) throw Error(label + ": cannot stat: " + errno_text());
    if (!S_ISREG(st.st_mode)) throw Error(label + ": not a regular file");
    const size_t size = size_t(st.st_size);
    check_file_fits_in_memory(label, size, residence);
    if (residence == FileResidence::locked) {
        map(fd, 0, 0, label);
        if (size_ > 0 && ::mlock(map_base_, map_size_) != 0) {
            const std::string why = errno_text();
            ::munmap(map_base_, map_size_);  // a throwing constructor runs no destructor
            throw Error(label + ": cannot lock " + mib(size_) + " in memory (--mlock): " + why +
                        " (the lock limit, ulimit -l, is " + mlock_limit() + ")");
        }
        return;
    }
    size_ = size;
    if (size == 0) return;
    void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw Error(label + ": cannot allocate " + mib(size) + " for it in memory: " + errno_text());
    map_base_ = p;
    map_size_ = size;
    data_ = static_cast<const std::byte*>(p);
    try {
        read_all(fd, static_cast<std::byte*>(p), size, label);
    } catch (...) {
        ::munmap(p, size);  // a throwing constructor runs no destructor
        throw;
    }
    ::mprotect(p, size, PROT_READ);
}

std::shared_ptr<MappedFile> MappedFile::from_fd(int fd, uint64_t offset, uint64_t size, const std::string& label) {
    if (fd < 0) throw Error(label + ": invalid file descriptor " + std::to_string(fd));
    std::shared_ptr<MappedFile> m(new MappedFile());
    m->map(fd, offset, size, label);
    return m;
}

std::shared_ptr<MappedFile> MappedFile::copy_of(std::span<const std::byte> bytes, const std::string& label) {
    const int fd = ::memfd_create("lumen-model", MFD_CLOEXEC);
    if (fd < 0) throw Error(label + ": cannot create an in-memory file: " + errno_text());
    const FdCloser closer{fd};
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw Error(label + ": cannot copy the model bytes: " + errno_text());
        done += size_t(n);
    }
    std::shared_ptr<MappedFile> m(new MappedFile());
    m->map(fd, 0, 0, label);
    return m;
}

void MappedFile::map(int fd, uint64_t offset, uint64_t size, const std::string& label) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) throw Error(label + ": cannot stat: " + errno_text());
    if (!S_ISREG(st.st_mode)) throw Error(label + ": not a regular file");
    size = platform::checked_slice_size(uint64_t(st.st_size), offset, size, label);
    size_ = size_t(size);
    if (size_ == 0) return;
    const uint64_t page = uint64_t(::sysconf(_SC_PAGESIZE));
    const uint64_t start = offset / page * page;
    map_size_ = size_t(offset - start + size);
    void* p = ::mmap(nullptr, map_size_, PROT_READ, MAP_SHARED, fd, off_t(start));
    if (p == MAP_FAILED) throw Error(label + ": cannot map into memory: " + errno_text());
    map_base_ = p;
    data_ = static_cast<const std::byte*>(p) + (offset - start);
}

MappedFile::~MappedFile() {
    if (map_base_ != nullptr) ::munmap(map_base_, map_size_);
}

void platform::release_mapped_pages(const void* p, size_t n) {
    const uintptr_t page = uintptr_t(::sysconf(_SC_PAGESIZE));
    const uintptr_t begin = (reinterpret_cast<uintptr_t>(p) + page - 1) & ~(page - 1);
    const uintptr_t end = (reinterpret_cast<uintptr_t>(p) + n) & ~(page - 1);
    if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);
}

}  // namespace lumen
