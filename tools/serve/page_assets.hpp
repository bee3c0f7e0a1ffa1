// The chat page's files, all held in memory and served by exact name: the
// page itself (index.html, chat.js, chat.css, embedded in the binary at build
// time) and the Debian-packaged libraries it uses (libjs-marked, libjs-katex
// and its fonts), read ONCE at start-up from their installed location. No
// request path ever reaches the file system.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace lumen::serve {

struct Asset {
    std::string content_type;
    std::string body;
};

class PageAssets {
public:
    // `js_root`: where Debian installs browser libraries (/usr/share/javascript).
    explicit PageAssets(const std::filesystem::path& js_root);

    const Asset* find(const std::string& url_path) const;  // nullptr: not one of ours
    std::vector<std::string> missing() const { return missing_; }  // libraries not found (page degrades to plain text)

private:
    void add_file(const std::string& url, const std::filesystem::path& file, const std::string& type);

    std::map<std::string, Asset, std::less<>> assets_;
    std::vector<std::string> missing_;
};

}  // namespace lumen::serve
