// Atomic replace on Windows (run under Wine when cross-built): a destination
// another handle holds open (without FILE_SHARE_DELETE, as the C runtime opens
// files) cannot be replaced; the write fails with a message and the old file
// stays intact, with no temporary file left. Once closed, replacing works.
#include <catch2/catch.hpp>

#include <fstream>

#include "lumen/gguf.hpp"
#include "test_helpers.hpp"

using namespace lumen;

namespace {
void write_with_value(const std::filesystem::path& path, const std::string& value) {
    GgufWriter w;
    w.set("general.name", GgufValue::string(value));
    w.write(path);
}
}  // namespace

TEST_CASE("replacing a file held open by another handle fails cleanly") {
    test::TempDir dir;
    const auto path = dir.path / u8"out é.gguf";  // char8_t: exact on Windows too
    write_with_value(path, "old");
    const std::string before = test::read_text(path);
    {
        std::ifstream held(path, std::ios::binary);
        REQUIRE(held.good());
        CHECK_THROWS_WITH(write_with_value(path, "new"), Catch::Contains("cannot move the finished file into place") &&
                                                              Catch::Contains("out é.gguf"));
        CHECK(test::read_text(path) == before);
        size_t files = 0;
        for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path)) ++files;
        CHECK(files == 1);
    }
    write_with_value(path, "new");
    CHECK(GgufFile::open(path).get_string("general.name") == "new");
}
