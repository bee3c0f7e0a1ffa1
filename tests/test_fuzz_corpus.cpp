// Replays the fuzzing corpus (tests/fuzz/corpus/gguf) through the reader in the
// normal build: every input must parse or give lumen::Error, never crash.
#include <catch2/catch.hpp>

#include <filesystem>

#include "lumen/error.hpp"
#include "lumen/gguf.hpp"
#include "test_helpers.hpp"

TEST_CASE("fuzz corpus replays cleanly through the GGUF reader") {
    namespace fs = std::filesystem;
    int files = 0, errors = 0;
    for (const auto& e : fs::directory_iterator(lumen::test::source_dir() / "tests/fuzz/corpus/gguf")) {
        const auto bytes = lumen::test::read_bytes(e.path());
        ++files;
        try {
            const auto f = lumen::GgufFile::parse(bytes, e.path().filename().string());
            for (const auto& [k, v] : f.metadata()) CHECK(!v.to_display_string().empty());
        } catch (const lumen::Error& err) {
            ++errors;
            CHECK(std::string(err.what()).find(e.path().filename().string()) == 0);
        }
    }
    CHECK(files >= 10);
    CHECK(errors < files);  // the seeds include valid files
}
