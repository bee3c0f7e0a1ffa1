#include "mapped_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "lumen/error.hpp"
#include "model/memory_guard.hpp"

namespace lumen {

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
}  // namespace

MappedFile::MappedFile(const std::filesystem::path& path, FileResidence residence) {
    const std::string label = path.string();
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw Error(label + ": cannot open: " + errno_text());
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const std::string why = errno_text();
        ::close(fd);
        throw Error(label + ": cannot stat: " + why);
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        throw Error(label + ": not a regular file");
    }
    size_ = size_t(st.st_size);
    if (size_ == 0) {
        ::close(fd);
        return;
    }
    if (residence != FileResidence::mapped) {
        const uint64_t available = available_memory();
        if (size_ > available) {
            ::close(fd);
            throw Error(label + ": " + mib(size_) + " cannot be " +
                        (residence == FileResidence::copied ? "read into memory (--no-mmap)" : "locked in memory (--mlock)") +
                        ": only " + mib(available) + " is available");
        }
    }
    const bool copy = residence == FileResidence::copied;
    void* p = copy ? ::mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
                   : ::mmap(nullptr, size_, PROT_READ, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) {
        const std::string why = errno_text();
        ::close(fd);
        throw Error(label + ": cannot " + (copy ? "allocate " + mib(size_) + " for" : std::string("map")) +
                    " it in memory: " + why);
    }
    data_ = static_cast<const std::byte*>(p);
    try {
        if (copy) {
            read_all(fd, static_cast<std::byte*>(p), size_, label);
            ::mprotect(p, size_, PROT_READ);
        } else if (residence == FileResidence::locked && ::mlock(p, size_) != 0) {
            throw Error(label + ": cannot lock " + mib(size_) + " in memory (--mlock): " + errno_text() +
                        " (the lock limit, ulimit -l, is " + mlock_limit() + ")");
        }
    } catch (...) {
        ::munmap(p, size_);
        data_ = nullptr;
        ::close(fd);
        throw;
    }
    ::close(fd);  // a mapping keeps the file referenced
}

MappedFile::~MappedFile() {
    if (data_ != nullptr) ::munmap(const_cast<std::byte*>(data_), size_);  // also unlocks
}

}  // namespace lumen
