// Writer round trip: every GGUF we ship, read -> written -> read back, has
// identical metadata (types included) and identical tensor bytes.
#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>

#include "lumen/error.hpp"
#include "lumen/gguf.hpp"
#include "test_helpers.hpp"

using namespace lumen;
namespace fs = std::filesystem;

namespace {

std::vector<fs::path> all_gguf_files() {
    std::vector<fs::path> files;
    for (const auto& dir : {test::data_dir(), test::source_dir() / "models"})
        for (const auto& e : fs::recursive_directory_iterator(dir))
            if (e.is_regular_file() && e.path().extension() == ".gguf") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    return files;
}

void copy_through_writer(const GgufFile& in, const fs::path& out) {
    GgufWriter w(in.version());
    w.copy_metadata(in);
    for (const auto& t : in.tensors())
        w.add_tensor(t.name, t.type, std::span<const int64_t>(t.ne.data(), t.n_dims), t.bytes());
    w.write(out);
}

}  // namespace

TEST_CASE("round trip through the writer preserves metadata and tensor bytes") {
    const auto files = all_gguf_files();
    REQUIRE(files.size() >= 30);
    test::TempDir tmp;
    for (const auto& path : files) {
        DYNAMIC_SECTION(path.filename().string()) {
            const GgufFile a = GgufFile::open(path);
            const fs::path out = tmp.path / path.filename();
            copy_through_writer(a, out);
            const GgufFile b = GgufFile::open(out);
            CHECK(b.version() == a.version());
            REQUIRE(b.metadata().size() == a.metadata().size());
            for (size_t i = 0; i < a.metadata().size(); ++i) {
                INFO(a.metadata()[i].first);
                CHECK(b.metadata()[i].first == a.metadata()[i].first);
                CHECK(b.metadata()[i].second == a.metadata()[i].second);
            }
            REQUIRE(b.tensors().size() == a.tensors().size());
            for (size_t i = 0; i < a.tensors().size(); ++i) {
                const auto& ta = a.tensors()[i];
                const auto& tb = b.tensors()[i];
                INFO(ta.name);
                CHECK(tb.name == ta.name);
                CHECK(tb.type == ta.type);
                CHECK(tb.ne == ta.ne);
                REQUIRE(tb.n_bytes == ta.n_bytes);
                CHECK(std::memcmp(ta.data, tb.data, ta.n_bytes) == 0);
            }
        }
    }
}

TEST_CASE("writer: a failing write leaves no output and no temporary file") {
    test::TempDir tmp;
    const fs::path out = tmp.path / "out.gguf";
    GgufWriter w;
    w.set("general.architecture", GgufValue::string("llama"));
    const int64_t ne[] = {32};
    w.add_tensor("t", TensorType::F32, ne, uint64_t(128), [] () -> std::vector<std::byte> {
        throw Error("simulated failure while producing tensor data");
    });
    CHECK_THROWS_WITH(w.write(out), Catch::Contains("simulated failure"));
    CHECK_FALSE(fs::exists(out));
    CHECK(fs::is_empty(tmp.path));
}

TEST_CASE("writer: an existing file is replaced only when the new one is complete") {
    test::TempDir tmp;
    const fs::path out = tmp.path / "out.gguf";
    {
        GgufWriter w;
        w.set("a", GgufValue::u32(1));
        w.write(out);
    }
    GgufWriter bad;
    bad.set("a", GgufValue::u32(2));
    const int64_t ne[] = {32};
    bad.add_tensor("t", TensorType::F32, ne, uint64_t(128), []() -> std::vector<std::byte> { return {}; });
    CHECK_THROWS_WITH(bad.write(out), Catch::Contains("producer returned 0 bytes"));
    CHECK(GgufFile::open(out).get("a").as_u64() == 1);
}

TEST_CASE("writer: rejects tensors whose bytes do not match their shape") {
    GgufWriter w;
    const int64_t ne[] = {33};
    std::vector<std::byte> data(33 * 4);
    CHECK_THROWS_WITH(w.add_tensor("t", TensorType::Q8_0, ne, data), Catch::Contains("Q8_0"));
    const int64_t ne2[] = {32, 2};
    CHECK_THROWS_WITH(w.add_tensor("t", TensorType::F32, ne2, data), Catch::Contains("bytes given"));
}

TEST_CASE("writer: nested arrays and every scalar type survive a round trip") {
    test::TempDir tmp;
    GgufWriter w(2);
    w.set("u8", GgufValue::u8(200));
    w.set("i8", GgufValue::i8(-5));
    w.set("u16", GgufValue::u16(65000));
    w.set("i16", GgufValue::i16(-30000));
    w.set("i32", GgufValue::i32(-7));
    w.set("u64", GgufValue::u64(uint64_t(1) << 60));
    w.set("i64", GgufValue::i64(-(int64_t(1) << 60)));
    w.set("f32", GgufValue::f32(0.25f));
    w.set("f64", GgufValue::f64(1e-300));
    w.set("bool", GgufValue::boolean(true));
    const std::vector<float> fs_{1.f, 2.f};
    w.set("nested", GgufValue::array_array({GgufValue::array_of<float>(GgufType::F32, fs_),
                                            GgufValue::string_array({"x", ""})}));
    w.write(tmp.path / "v.gguf");
    const GgufFile f = GgufFile::open(tmp.path / "v.gguf");
    CHECK(f.version() == 2);
    CHECK(f.get("u8").as_u64() == 200);
    CHECK(f.get("i8").as_i64() == -5);
    CHECK(f.get("i16").as_i64() == -30000);
    CHECK(f.get("u64").as_u64() == uint64_t(1) << 60);
    CHECK(f.get("i64").as_i64() == -(int64_t(1) << 60));
    CHECK(f.get("f64").as_f64() == 1e-300);
    CHECK(f.get("bool").as_bool());
    CHECK(f.get("nested").arrays()[0].number_at(1) == 2.0);
    CHECK(f.get("nested").arrays()[1].strings()[1].empty());
    CHECK_THROWS_WITH(f.get("i8").as_u64(), Catch::Contains("non-negative"));
}
