// Importance-matrix files: the reference's tiny.imatrix reads with its exact
// contents, round-trips byte for byte, and damaged images give lumen::Error.
#include <catch2/catch.hpp>

#include <cstring>
#include <limits>

#include "lumen/error.hpp"
#include "lumen/imatrix.hpp"
#include "test_helpers.hpp"

using namespace lumen;

namespace {

std::vector<std::byte> tiny_image() { return test::read_bytes(test::model_path("synth/iq/tiny.imatrix")); }

void put_i32(std::vector<std::byte>& b, size_t at, int32_t v) { std::memcpy(b.data() + at, &v, 4); }

std::string error_of(const std::vector<std::byte>& bytes) {
    try {
        parse_imatrix(bytes, "bad.imatrix");
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("tiny.imatrix: entries, counts, trailer and values as the reference wrote them") {
    const ImportanceMatrix m = read_imatrix(test::model_path("synth/iq/tiny.imatrix"));
    REQUIRE(m.entries.size() == 14);
    CHECK(m.chunks == 11);
    CHECK(m.dataset == "stories.txt");
    CHECK(m.entries[0].name == "blk.1.ffn_down.weight");
    CHECK(m.entries[0].ncall == 11);
    REQUIRE(m.entries[0].values.size() == 768);
    // First value, bit for bit, and its weight = value / ncall.
    uint32_t bits;
    std::memcpy(&bits, &m.entries[0].values[0], 4);
    CHECK(bits == 0x4035e6acu);
    CHECK(m.entries[0].weights()[0] == m.entries[0].values[0] / 11.f);
    const ImatrixEntry* q = m.find("blk.0.attn_q.weight");
    REQUIRE(q != nullptr);
    CHECK(q->values.size() == 256);
    // q, k and v read the same input, so their statistics are identical.
    CHECK(m.find("blk.0.attn_k.weight")->values == q->values);
    CHECK(m.find("blk.0.attn_v.weight")->values == q->values);
    CHECK(m.find("output.weight") == nullptr);
}

TEST_CASE("imatrix files round-trip byte for byte") {
    const auto image = tiny_image();
    CHECK(serialize_imatrix(parse_imatrix(image, "tiny")) == image);
    test::TempDir dir;
    write_imatrix(parse_imatrix(image, "tiny"), dir.path / "copy.imatrix");
    CHECK(test::read_bytes(dir.path / "copy.imatrix") == image);
}

TEST_CASE("damaged imatrix files give clear errors") {
    const auto good = tiny_image();
    auto bytes = good;

    SECTION("empty file") { CHECK_THAT(error_of({}), Catch::Contains("truncated in the entry count")); }
    SECTION("zero entries") {
        put_i32(bytes, 0, 0);
        CHECK_THAT(error_of(bytes), Catch::Contains("entry count 0"));
    }
    SECTION("huge entry count") {
        put_i32(bytes, 0, 0x7fffffff);
        CHECK_THAT(error_of(bytes), Catch::Contains("does not fit"));
    }
    SECTION("negative name length") {
        put_i32(bytes, 4, -5);
        CHECK_THAT(error_of(bytes), Catch::Contains("name length -5"));
    }
    SECTION("name longer than the file") {
        bytes.resize(100);
        put_i32(bytes, 0, 1);
        put_i32(bytes, 4, 95);
        CHECK_THAT(error_of(bytes), Catch::Contains("truncated"));
    }
    SECTION("value count beyond the file") {
        put_i32(bytes, 4 + 4 + 21 + 4, 1 << 30);
        CHECK_THAT(error_of(bytes), Catch::Contains("values need"));
    }
    SECTION("zero values") {
        put_i32(bytes, 4 + 4 + 21 + 4, 0);
        CHECK_THAT(error_of(bytes), Catch::Contains("value count 0"));
    }
    SECTION("negative call count") {
        put_i32(bytes, 4 + 4 + 21, -1);
        CHECK_THAT(error_of(bytes), Catch::Contains("negative call count"));
    }
    SECTION("non-finite value") {
        const float inf = std::numeric_limits<float>::infinity();
        std::memcpy(bytes.data() + 4 + 4 + 21 + 8, &inf, 4);
        CHECK_THAT(error_of(bytes), Catch::Contains("non-finite"));
    }
    SECTION("repeated tensor name") {
        // Rename entry 1 (blk.0.attn_q.weight, 19 bytes) to entry 0's name is not
        // possible in place; instead duplicate the whole first entry.
        const size_t first_len = 4 + 21 + 8 + 768 * 4;
        std::vector<std::byte> dup(good.begin(), good.begin() + 4 + long(first_len));
        dup.insert(dup.end(), good.begin() + 4, good.begin() + 4 + long(first_len));
        put_i32(dup, 0, 2);
        CHECK_THAT(error_of(dup), Catch::Contains("appears twice"));
    }
    SECTION("truncated trailer") {
        bytes.resize(bytes.size() - 3);
        CHECK_THAT(error_of(bytes), Catch::Contains("truncated in the dataset name"));
    }
    SECTION("bytes after the trailer") {
        bytes.push_back(std::byte{1});
        CHECK_THAT(error_of(bytes), Catch::Contains("unexpected bytes"));
    }
    SECTION("every truncation fails cleanly") {
        for (size_t n = 0; n + 1 < good.size(); n += 97) {
            std::vector<std::byte> cut(good.begin(), good.begin() + long(n));
            INFO("length " << n);
            CHECK_THROWS_AS(parse_imatrix(cut, "cut"), Error);
        }
    }
    SECTION("a missing file") {
        CHECK_THROWS_WITH(read_imatrix("/nonexistent/x.imatrix"), Catch::Contains("cannot open"));
    }
}

TEST_CASE("a file without the trailer reads with zero chunks and no dataset") {
    auto bytes = tiny_image();
    bytes.resize(bytes.size() - (4 + 4 + 11));
    const ImportanceMatrix m = parse_imatrix(bytes, "old");
    CHECK(m.entries.size() == 14);
    CHECK(m.chunks == 0);
    CHECK(m.dataset.empty());
}
