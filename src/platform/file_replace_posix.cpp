// ReplacingFile on POSIX. Where the file system allows (Linux O_TMPFILE), the
// temporary file has no name until it is complete, so even a process killed
// mid-write leaves nothing behind; it gets a name beside the destination only
// to be renamed over it. Elsewhere: mkstemp beside the destination.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "lumen/error.hpp"
#include "platform/file_replace.hpp"
#include "platform/path_text.hpp"

namespace lumen::platform {

namespace {

// An unnamed file in `dir`, or -1 when the file system cannot make one.
int open_unnamed(const std::filesystem::path& dir) {
#ifdef O_TMPFILE
    return ::open(dir.empty() ? "." : dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
#else
    (void)dir;
    return -1;
#endif
}

// Gives the unnamed file `fd` a temporary name beside `destination`.
std::string name_unnamed(int fd, const std::filesystem::path& destination, const std::string& label) {
    const std::string proc = "/proc/self/fd/" + std::to_string(fd);
    for (int attempt = 0;; ++attempt) {
        std::string name = destination.native() + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(attempt);
        if (::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, name.c_str(), AT_SYMLINK_FOLLOW) == 0) return name;
        if (errno != EEXIST || attempt > 100)
            throw Error(label + ": cannot give the finished file a name: " + std::strerror(errno));
    }
}

}  // namespace

ReplacingFile::ReplacingFile(const std::filesystem::path& destination)
    : destination_(destination), label_(utf8_from_path(destination)) {
    int fd = open_unnamed(destination.parent_path());
    if (fd < 0) {
        std::string templ = destination.native() + ".tmp.XXXXXX";
        fd = ::mkstemp(templ.data());
        if (fd < 0) throw Error(label_ + ": cannot create a temporary file beside it: " + std::strerror(errno));
        temporary_ = templ;
        ::fchmod(fd, 0644);  // mkstemp creates 0600; give the output ordinary permissions
    }
    file_ = ::fdopen(fd, "wb");
    if (file_ == nullptr) {
        const std::string why = std::strerror(errno);
        ::close(fd);
        if (!temporary_.empty()) ::unlink(temporary_.c_str());
        throw Error(label_ + ": cannot open temporary file: " + why);
    }
}

ReplacingFile::~ReplacingFile() {
    if (file_ != nullptr) std::fclose(file_);
    if (!committed_ && !temporary_.empty()) ::unlink(temporary_.c_str());
}

void ReplacingFile::commit() {
    if (std::fflush(file_) != 0 || ::fsync(::fileno(file_)) != 0)
        throw Error(label_ + ": flushing failed: " + std::strerror(errno));
    if (temporary_.empty()) temporary_ = name_unnamed(::fileno(file_), destination_, label_);
    const int rc = std::fclose(file_);
    file_ = nullptr;
    if (rc != 0) throw Error(label_ + ": closing failed: " + std::strerror(errno));
    if (std::rename(temporary_.c_str(), destination_.c_str()) != 0)
        throw Error(label_ + ": cannot move the finished file into place: " + std::strerror(errno));
    committed_ = true;
}

}  // namespace lumen::platform
