#include "page_assets.hpp"

#include <fstream>
#include <iterator>

#include "page_embedded.hpp"

namespace lumen::serve {

PageAssets::PageAssets(const std::filesystem::path& js_root) {
    for (const EmbeddedFile& f : embedded_page_files())
        assets_[f.url] = {std::string(f.content_type) + "; charset=utf-8", std::string(f.data, f.size)};
    add_file("/vendor/marked.min.js", js_root / "marked/marked.umd.min.js", "text/javascript");
    add_file("/vendor/katex/katex.min.js", js_root / "katex/katex.min.js", "text/javascript");
    add_file("/vendor/katex/katex.min.css", js_root / "katex/katex.min.css", "text/css");
    add_file("/vendor/katex/contrib/auto-render.min.js", js_root / "katex/contrib/auto-render.js", "text/javascript");
    // The fonts katex.min.css asks for (woff2 first, which every current browser takes).
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(js_root / "katex/fonts", ec)) {
        const std::string name = e.path().filename().string();
        if (e.path().extension() == ".woff2") add_file("/vendor/katex/fonts/" + name, e.path(), "font/woff2");
    }
}

void PageAssets::add_file(const std::string& url, const std::filesystem::path& file, const std::string& type) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        missing_.push_back(file.string());
        return;
    }
    assets_[url] = {type, std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>())};
}

const Asset* PageAssets::find(const std::string& url_path) const {
    const auto it = assets_.find(url_path == "/" ? "/index.html" : url_path);
    return it == assets_.end() ? nullptr : &it->second;
}

}  // namespace lumen::serve
