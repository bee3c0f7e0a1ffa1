// MappedFile on Windows: CreateFileW (UTF-16 path, so any Unicode name opens)
// + CreateFileMappingW + MapViewOfFile. Other processes may read, and even
// replace the file by rename, while it is mapped (FILE_SHARE_DELETE).
#include <windows.h>
#include <io.h>  // _get_osfhandle

#include <cstring>
#include <string>

#include "lumen/error.hpp"
#include "platform/file_slice.hpp"
#include "platform/mapped_file.hpp"
#include "platform/path_text.hpp"
#include "platform/windows_error.hpp"
#include "model/memory_guard.hpp"

namespace lumen {

using platform::utf8_from_path;
using platform::last_windows_error;

MappedFile::MappedFile(const std::filesystem::path& path, FileResidence residence) {
    const std::string label = utf8_from_path(path);
    const DWORD attributes = GetFileAttributesW(path.c_str());
    if (attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY) != 0)
        throw Error(label + ": not a regular file");
    HANDLE file = CreateFileW(path.c_str(), GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_DELETE, nullptr, OPEN_EXISTING,
                              FILE_ATTRIBUTE_NORMAL, nullptr);
    if (file == INVALID_HANDLE_VALUE) throw Error(label + ": cannot open: " + last_windows_error());
    BY_HANDLE_FILE_INFORMATION info{};
    if (!GetFileInformationByHandle(file, &info)) {
        const std::string why = last_windows_error();
        CloseHandle(file);
        throw Error(label + ": cannot stat: " + why);
    }
    if (GetFileType(file) != FILE_TYPE_DISK) {
        CloseHandle(file);
        throw Error(label + ": not a regular file");
    }
    try {
        map_view(file, 0, (uint64_t(info.nFileSizeHigh) << 32) | info.nFileSizeLow, label);
    } catch (...) {
        CloseHandle(file);
        throw;
    }
    CloseHandle(file);  // the mapping keeps the file referenced
    if (residence == FileResidence::mapped || size_ == 0) return;
    try {
        check_file_fits_in_memory(label, size_, residence);
    } catch (...) {
        release();
        throw;
    }
    if (residence == FileResidence::locked) {
        if (!VirtualLock(const_cast<std::byte*>(data_), size_)) {
            const std::string why = last_windows_error();
            release();
            throw Error(label + ": cannot lock it in memory (--mlock): " + why);
        }
        return;
    }
    // --no-mmap: a private copy in memory backed by the paging file, the file's view released.
    std::shared_ptr<MappedFile> copy;
    try {
        copy = copy_of(bytes(), label);
    } catch (...) {
        release();
        throw;
    }
    UnmapViewOfFile(map_base_);
    CloseHandle(static_cast<HANDLE>(mapping_));
    data_ = copy->data_;
    map_base_ = copy->map_base_;
    mapping_ = copy->mapping_;
    copy->data_ = nullptr;
    copy->map_base_ = nullptr;
    copy->mapping_ = nullptr;
}

// A C runtime descriptor (_open, _fileno) stands for a Windows file handle,
// which the mapping references; the descriptor stays the caller's.
std::shared_ptr<MappedFile> MappedFile::from_fd(int fd, uint64_t offset, uint64_t size, const std::string& label) {
    const intptr_t os_handle = fd < 0 ? -1 : _get_osfhandle(fd);
    if (os_handle == -1 || os_handle == -2) throw Error(label + ": invalid file descriptor " + std::to_string(fd));
    HANDLE file = reinterpret_cast<HANDLE>(os_handle);
    if (GetFileType(file) != FILE_TYPE_DISK) throw Error(label + ": not a regular file");
    LARGE_INTEGER file_size{};
    if (!GetFileSizeEx(file, &file_size)) throw Error(label + ": cannot stat: " + last_windows_error());
    size = platform::checked_slice_size(uint64_t(file_size.QuadPart), offset, size, label);
    std::shared_ptr<MappedFile> m(new MappedFile());
    m->map_view(file, offset, size, label);
    return m;
}

// Maps `size` bytes of `file` from `offset`: the view starts at the allocation
// granularity (64 KiB) at or below `offset`, data_ points at `offset` in it.
void MappedFile::map_view(void* file, uint64_t offset, uint64_t size, const std::string& label) {
    size_ = size_t(size);
    if (size == 0) return;
    HANDLE mapping = CreateFileMappingW(static_cast<HANDLE>(file), nullptr, PAGE_READONLY, 0, 0, nullptr);
    if (mapping == nullptr) throw Error(label + ": cannot map into memory: " + last_windows_error());
    SYSTEM_INFO si{};
    GetSystemInfo(&si);
    const uint64_t start = offset / si.dwAllocationGranularity * si.dwAllocationGranularity;
    void* p = MapViewOfFile(mapping, FILE_MAP_READ, DWORD(start >> 32), DWORD(start), SIZE_T(offset - start + size));
    if (p == nullptr) {
        const std::string why = last_windows_error();
        CloseHandle(mapping);
        throw Error(label + ": cannot map into memory: " + why);
    }
    mapping_ = mapping;
    map_base_ = p;
    data_ = static_cast<const std::byte*>(p) + (offset - start);
}

// A private copy in a mapping backed by the paging file.
std::shared_ptr<MappedFile> MappedFile::copy_of(std::span<const std::byte> bytes, const std::string& label) {
    std::shared_ptr<MappedFile> m(new MappedFile());
    m->size_ = bytes.size();
    if (bytes.empty()) return m;
    const uint64_t n = bytes.size();
    HANDLE mapping = CreateFileMappingW(INVALID_HANDLE_VALUE, nullptr, PAGE_READWRITE, DWORD(n >> 32), DWORD(n), nullptr);
    if (mapping == nullptr) throw Error(label + ": cannot create an in-memory copy: " + last_windows_error());
    void* p = MapViewOfFile(mapping, FILE_MAP_WRITE, 0, 0, 0);
    if (p == nullptr) {
        const std::string why = last_windows_error();
        CloseHandle(mapping);
        throw Error(label + ": cannot create an in-memory copy: " + why);
    }
    std::memcpy(p, bytes.data(), bytes.size());
    m->mapping_ = mapping;
    m->map_base_ = p;
    m->data_ = static_cast<const std::byte*>(p);
    return m;
}

MappedFile::~MappedFile() { release(); }

void MappedFile::release() {
    if (map_base_ != nullptr) UnmapViewOfFile(map_base_);
    if (mapping_ != nullptr) CloseHandle(static_cast<HANDLE>(mapping_));
    data_ = nullptr;
    map_base_ = nullptr;
    mapping_ = nullptr;
}

void platform::release_mapped_pages(const void* p, size_t n) {
    SYSTEM_INFO si{};
    GetSystemInfo(&si);
    const uintptr_t page = si.dwPageSize;
    const uintptr_t begin = (reinterpret_cast<uintptr_t>(p) + page - 1) & ~(page - 1);
    const uintptr_t end = (reinterpret_cast<uintptr_t>(p) + n) & ~(page - 1);
    // Unlocking pages that are not locked removes them from the working set
    // (documented behaviour of VirtualUnlock); the call then "fails", harmlessly.
    if (end > begin) VirtualUnlock(reinterpret_cast<void*>(begin), end - begin);
}

}  // namespace lumen
