// ReplacingFile on Windows: a new temporary file beside the destination
// (CreateFileW, CREATE_NEW), FlushFileBuffers, then MoveFileExW with
// MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH. Replacing fails (with
// Windows' reason) while another program holds the destination open without
// FILE_SHARE_DELETE; the destination is then left as it was.
// Until commit() the temporary file is marked for deletion when its handle
// closes, so a killed lumen leaves none behind (what O_TMPFILE gives on Linux).
#include <fcntl.h>
#include <io.h>
#include <windows.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "lumen/error.hpp"
#include "platform/file_replace.hpp"
#include "platform/path_text.hpp"
#include "platform/windows_error.hpp"

namespace lumen::platform {

namespace {
// Sets or clears the file's "delete when the last handle closes" mark.
bool delete_on_close(HANDLE h, bool on) {
    FILE_DISPOSITION_INFO info{};
    info.DeleteFile = on ? TRUE : FALSE;
    return SetFileInformationByHandle(h, FileDispositionInfo, &info, sizeof info) != 0;
}
}  // namespace

ReplacingFile::ReplacingFile(const std::filesystem::path& destination)
    : destination_(destination), label_(utf8_from_path(destination)) {
    const std::wstring stem = destination.native() + L".tmp." + std::to_wstring(GetCurrentProcessId()) + L".";
    HANDLE h = INVALID_HANDLE_VALUE;
    for (unsigned attempt = 0; attempt < 100 && h == INVALID_HANDLE_VALUE; ++attempt) {
        temporary_ = stem + std::to_wstring(GetTickCount64() + attempt);
        h = CreateFileW(temporary_.c_str(), GENERIC_WRITE | DELETE, 0, nullptr, CREATE_NEW, FILE_ATTRIBUTE_NORMAL,
                        nullptr);
        if (h == INVALID_HANDLE_VALUE && GetLastError() != ERROR_FILE_EXISTS) break;
    }
    if (h == INVALID_HANDLE_VALUE) {
        const std::string why = last_windows_error();
        temporary_.clear();
        throw Error(label_ + ": cannot create a temporary file beside it: " + why);
    }
    delete_on_close(h, true);  // a hint: where the file system refuses, the destructor still deletes it
    const int fd = _open_osfhandle(reinterpret_cast<intptr_t>(h), _O_BINARY | _O_WRONLY);
    file_ = fd < 0 ? nullptr : _fdopen(fd, "wb");
    if (file_ == nullptr) {
        if (fd < 0) CloseHandle(h);
        else _close(fd);
        DeleteFileW(temporary_.c_str());
        temporary_.clear();
        throw Error(label_ + ": cannot open temporary file");
    }
}

ReplacingFile::~ReplacingFile() {
    if (file_ != nullptr) std::fclose(file_);
    if (!committed_ && !temporary_.empty()) DeleteFileW(temporary_.c_str());
}

void ReplacingFile::commit() {
    if (std::fflush(file_) != 0) throw Error(label_ + ": flushing failed: " + std::strerror(errno));
    const HANDLE h = reinterpret_cast<HANDLE>(_get_osfhandle(_fileno(file_)));
    if (!FlushFileBuffers(h)) throw Error(label_ + ": flushing failed: " + last_windows_error());
    if (!delete_on_close(h, false)) throw Error(label_ + ": cannot keep the temporary file: " + last_windows_error());
    const int rc = std::fclose(file_);
    file_ = nullptr;
    if (rc != 0) throw Error(label_ + ": closing failed: " + std::strerror(errno));
    if (!MoveFileExW(temporary_.c_str(), destination_.c_str(), MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
        throw Error(label_ + ": cannot move the finished file into place (is it open in another program?): " +
                    last_windows_error());
    committed_ = true;
}

}  // namespace lumen::platform
