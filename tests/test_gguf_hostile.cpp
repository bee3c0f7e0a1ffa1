// Corrupted and hostile GGUF images, generated here: each must give a
// lumen::Error naming the file and the field — never a crash, hang or huge
// allocation (this suite also runs under ASan/UBSan).
#include <catch2/catch.hpp>

#include <random>

#include "gguf_builder.hpp"
#include "lumen/error.hpp"
#include "lumen/gguf.hpp"
#include "test_helpers.hpp"

using namespace lumen;
using lumen::test::Bytes;
using lumen::test::GgufSpec;

namespace {

// Parses the image and returns the error message ("" if it parsed).
std::string parse_error(const std::vector<std::byte>& image) {
    try {
        GgufFile::parse(image, "hostile.gguf");
        return "";
    } catch (const Error& e) {
        return e.what();
    }
}

void expect_error(const GgufSpec& spec, const std::string& fragment) {
    const std::string msg = parse_error(spec.build());
    INFO("error message: " << msg);
    CHECK(msg.rfind("hostile.gguf: ", 0) == 0);
    CHECK(msg.find(fragment) != std::string::npos);
}

using Kv = std::function<void(Bytes&)>;

}  // namespace

TEST_CASE("the unmodified hostile-test base file is valid") {
    const GgufSpec spec;
    const auto image = spec.build();
    const GgufFile f = GgufFile::parse(image, "base.gguf");
    CHECK(f.metadata().size() == 3);
    CHECK(f.tensors().size() == 2);
    CHECK(f.tensor("b").type == TensorType::Q8_0);
    CHECK(f.get("test.array").size() == 3);
}

TEST_CASE("hostile GGUF: header") {
    CHECK(parse_error({}).find("magic") != std::string::npos);
    CHECK(parse_error(std::vector<std::byte>(3)).find("magic") != std::string::npos);
    GgufSpec s;
    SECTION("bad magic") { s.magic = 0x46554746; expect_error(s, "bad magic"); }
    SECTION("version 1") { s.version = 1; expect_error(s, "unsupported GGUF version 1"); }
    SECTION("version 4") { s.version = 4; expect_error(s, "unsupported GGUF version 4"); }
    SECTION("absurd tensor count") { s.n_tensors = uint64_t(1) << 60; expect_error(s, "tensor count"); }
    SECTION("absurd metadata count") { s.n_kv = ~uint64_t(0); expect_error(s, "metadata count"); }
    SECTION("more metadata than present") { s.n_kv = 5; expect_error(s, "metadata #"); }
}

TEST_CASE("hostile GGUF: metadata") {
    GgufSpec s;
    SECTION("key length beyond the file") {
        s.kvs.push_back([](Bytes& o) { o.u64(uint64_t(1) << 40).u32(4); });
        expect_error(s, "string length");
    }
    SECTION("key length one past the end") {
        s.kvs = {[](Bytes& o) { o.u64(5000); }};
        expect_error(s, "exceeds");
    }
    SECTION("empty key") {
        s.kvs.push_back([](Bytes& o) { o.str("").u32(4).u32(1); });
        expect_error(s, "empty key");
    }
    SECTION("duplicate key") {
        s.kvs.push_back([](Bytes& o) { o.str("general.architecture").u32(8).str("qwen2"); });
        expect_error(s, "'general.architecture': duplicate key");
    }
    SECTION("unknown value type") {
        s.kvs.push_back([](Bytes& o) { o.str("x.bad").u32(99); });
        expect_error(s, "'x.bad': unknown value type 99");
    }
    SECTION("string value length absurd") {
        s.kvs.push_back([](Bytes& o) { o.str("x.s").u32(8).u64(~uint64_t(0)); });
        expect_error(s, "'x.s': string length");
    }
    SECTION("array length absurd") {
        s.kvs.push_back([](Bytes& o) { o.str("x.a").u32(9).u32(4).u64(uint64_t(1) << 62); });
        expect_error(s, "'x.a': array length");
    }
    SECTION("array of strings with impossible count") {
        s.kvs.push_back([](Bytes& o) { o.str("x.tokens").u32(9).u32(8).u64(uint64_t(1) << 50); });
        expect_error(s, "'x.tokens': array length");
    }
    SECTION("array with unknown element type") {
        s.kvs.push_back([](Bytes& o) { o.str("x.a").u32(9).u32(13).u64(1); });
        expect_error(s, "unknown value type 13");
    }
    SECTION("arrays nested 100 deep") {
        s.kvs.push_back([](Bytes& o) {
            o.str("x.deep").u32(9);
            for (int i = 0; i < 100; ++i) o.u32(9).u64(1);
        });
        expect_error(s, "nested more than");
    }
    SECTION("bool that is neither 0 nor 1") {
        s.kvs.push_back([](Bytes& o) { o.str("x.b").u32(7).u8(7); });
        expect_error(s, "'x.b': bool value 7");
    }
    SECTION("alignment zero") {
        s.kvs[1] = [](Bytes& o) { o.str("general.alignment").u32(4).u32(0); };
        expect_error(s, "'general.alignment'");
    }
    SECTION("alignment not a power of two") {
        s.kvs[1] = [](Bytes& o) { o.str("general.alignment").u32(4).u32(24); };
        expect_error(s, "not a power of two");
    }
    SECTION("alignment of the wrong type") {
        s.kvs[1] = [](Bytes& o) { o.str("general.alignment").u32(8).str("32"); };
        expect_error(s, "must be uint32");
    }
}

TEST_CASE("hostile GGUF: tensor infos") {
    GgufSpec s;
    SECTION("zero dimensions") { s.tensors[0].ne = {}; expect_error(s, "tensor 'a': dimension count 0"); }
    SECTION("five dimensions") { s.tensors[0].ne = {32, 1, 1, 1, 1}; expect_error(s, "dimension count 5"); }
    SECTION("a zero dimension") { s.tensors[0].ne = {32, 0}; expect_error(s, "dimension 1 = 0"); }
    SECTION("element count overflow") {
        s.tensors[0].ne = {uint64_t(1) << 40, uint64_t(1) << 40};
        expect_error(s, "overflow");
    }
    SECTION("dimension beyond int64") { s.tensors[0].ne = {~uint64_t(0)}; expect_error(s, "dimension 0"); }
    SECTION("unknown tensor type") { s.tensors[0].type = 99; expect_error(s, "unknown tensor type id 99"); }
    SECTION("removed tensor type 4") { s.tensors[0].type = 4; expect_error(s, "unknown tensor type id 4"); }
    SECTION("row not a whole number of blocks") {
        s.tensors[1].ne = {33};
        expect_error(s, "not a multiple of the Q8_0 block size");
    }
    SECTION("empty tensor name") { s.tensors[0].name = ""; expect_error(s, "empty tensor name"); }
    SECTION("duplicate tensor name") { s.tensors[1].name = "a"; expect_error(s, "tensor 'a': duplicate"); }
    SECTION("misaligned offset") { s.tensors[1].offset = 257; expect_error(s, "not a multiple of the alignment"); }
    SECTION("offset beyond the file") {
        s.tensors[1].offset = uint64_t(1) << 62;
        expect_error(s, "outside the");
    }
    SECTION("offset + size wraps around") {
        s.tensors[1].offset = ~uint64_t(0) - 31;
        expect_error(s, "outside the");
    }
    SECTION("data section truncated") { s.data_bytes = 256 + 10; expect_error(s, "tensor 'b'"); }
    SECTION("overlapping tensors") { s.tensors[1].offset = 224; expect_error(s, "overlaps"); }
    SECTION("more tensors announced than present") { s.n_tensors = 3; s.data_bytes = 0; expect_error(s, "tensor #"); }
}

TEST_CASE("hostile GGUF: every truncation of a valid file is an error") {
    const auto image = GgufSpec{}.build();
    for (size_t len = 0; len < image.size(); ++len) {
        const std::vector<std::byte> cut(image.begin(), image.begin() + std::ptrdiff_t(len));
        const std::string msg = parse_error(cut);
        INFO("truncated to " << len << " bytes");
        CHECK(!msg.empty());
    }
    CHECK(parse_error(image).empty());
}

TEST_CASE("hostile GGUF: random corruption never crashes") {
    const auto image = GgufSpec{}.build();
    std::mt19937 rng(12345);
    int errors = 0, parsed = 0;
    for (int trial = 0; trial < 3000; ++trial) {
        auto bad = image;
        const int flips = 1 + int(rng() % 4);
        for (int f = 0; f < flips; ++f) bad[rng() % bad.size()] = std::byte(rng() & 0xff);
        const std::string msg = parse_error(bad);
        if (msg.empty()) ++parsed; else ++errors;
        if (!msg.empty()) REQUIRE(msg.rfind("hostile.gguf: ", 0) == 0);
    }
    // Most corruptions hit a field that is checked; some only touch data bytes.
    CHECK(errors > 1000);
    CHECK(parsed > 0);
}

TEST_CASE("opening a missing or non-regular file is a clear error") {
    CHECK_THROWS_WITH(GgufFile::open("/nonexistent/model.gguf"), Catch::Contains("/nonexistent/model.gguf: cannot open"));
    CHECK_THROWS_WITH(GgufFile::open("/tmp"), Catch::Contains("not a regular file"));
}
