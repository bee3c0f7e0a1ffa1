// ReplacingFile on POSIX: mkstemp beside the destination, fsync, rename.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "lumen/error.hpp"
#include "platform/file_replace.hpp"
#include "platform/path_text.hpp"

namespace lumen::platform {

ReplacingFile::ReplacingFile(const std::filesystem::path& destination)
    : destination_(destination), label_(utf8_from_path(destination)) {
    std::string templ = destination.native() + ".tmp.XXXXXX";
    const int fd = ::mkstemp(templ.data());
    if (fd < 0) throw Error(label_ + ": cannot create a temporary file beside it: " + std::strerror(errno));
    temporary_ = templ;
    file_ = ::fdopen(fd, "wb");
    if (file_ == nullptr) {
        const std::string why = std::strerror(errno);
        ::close(fd);
        ::unlink(templ.c_str());
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
    const int rc = std::fclose(file_);
    file_ = nullptr;
    if (rc != 0) throw Error(label_ + ": closing failed: " + std::strerror(errno));
    // mkstemp creates 0600; give the output ordinary permissions.
    ::chmod(temporary_.c_str(), 0644);
    if (std::rename(temporary_.c_str(), destination_.c_str()) != 0)
        throw Error(label_ + ": cannot move the finished file into place: " + std::strerror(errno));
    committed_ = true;
}

}  // namespace lumen::platform
