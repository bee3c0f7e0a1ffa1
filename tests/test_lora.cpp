// LoRA: runtime adapters per session against the reference goldens, merging
// against the reference merge, merged == runtime, concurrent sessions with and
// without an adapter, and clear errors for adapters that do not fit.
// Hostile adapter files (garbage, non-UTF-8, NaN, huge shapes) get errors naming the file.
#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <thread>

#include "golden_logits.hpp"
#include "fp16.hpp"
#include "lumen/error.hpp"
#include "lumen/generate.hpp"
#include "lumen/lora.hpp"

using namespace lumen;
using namespace lumen::test;

namespace {

const std::filesystem::path kAdapter = model_path("synth/tiny-lora-r8.gguf");


// Copies a GGUF through the writer with one change applied.
std::filesystem::path rewrite(const std::filesystem::path& src, const std::filesystem::path& dst,
                              const std::function<void(GgufWriter&, const GgufFile&)>& change) {
    const GgufFile f = GgufFile::open(src);
    GgufWriter w;
    w.copy_metadata(f);
    for (const auto& t : f.tensors()) w.add_tensor(t.name, t.type, std::span<const int64_t>(t.ne.data(), t.n_dims), t.bytes());
    change(w, f);
    w.write(dst);
    return dst;
}

}  // namespace

TEST_CASE("runtime LoRA matches the reference at scales 1.0 and 0.5") {
    const auto model = Model::load(model_path("synth/tiny-f32.gguf"));
    const auto adapter = LoraAdapter::load(kAdapter, *model);
    CHECK(adapter->alpha() == 16.0f);
    CHECK(adapter->pairs().size() == 6);
    for (const auto& [file, scale] : {std::pair{"tiny-f32-lora-s1.0-p0.json", 1.0f}, {"tiny-f32-lora-s0.5-p0.json", 0.5f}}) {
        DYNAMIC_SECTION(file) {
            const GoldenLogits g = load_golden(file);
            REQUIRE(g.lora["scale"].get<float>() == scale);
            Session s(model, {.n_ctx = 512, .n_threads = 1});
            s.set_loras({{adapter, scale}});
            compare_golden(g, run_golden(s, g, g.greedy.size()), kFloat);
        }
    }
}

TEST_CASE("two sessions on one model, with and without the adapter, concurrently") {
    const auto model = Model::load(model_path("synth/tiny-f32.gguf"));
    const auto adapter = LoraAdapter::load(kAdapter, *model);
    const auto with = load_golden("tiny-f32-lora-s1.0-p0.json");
    const auto without = load_golden("tiny-f32-p0.json");
    std::vector<int32_t> a, b;
    std::thread ta([&] {
        Session s(model, {.n_ctx = 128, .n_threads = 1});
        s.set_loras({{adapter, 1.0f}});
        a = greedy(s, with.tokens, 16);
    });
    std::thread tb([&] {
        Session s(model, {.n_ctx = 128, .n_threads = 1});
        b = greedy(s, without.tokens, 16);
    });
    ta.join();
    tb.join();
    CHECK(a == std::vector<int32_t>(with.greedy.begin(), with.greedy.begin() + 16));
    CHECK(b == std::vector<int32_t>(without.greedy.begin(), without.greedy.begin() + 16));
    // Detaching restores the base model in the same session.
    Session s(model, {.n_ctx = 128, .n_threads = 1});
    s.set_loras({{adapter, 1.0f}});
    s.set_loras({});
    CHECK(greedy(s, without.tokens, 8) == std::vector<int32_t>(without.greedy.begin(), without.greedy.begin() + 8));
}

TEST_CASE("merge: F32 equals the reference merge, F16 equals it rounded, merged runs like runtime") {
    const auto model = Model::load(model_path("synth/tiny-f32.gguf"));
    const auto adapter = LoraAdapter::load(kAdapter, *model);
    const GgufFile ref = GgufFile::open(model_path("synth/tiny-lora-merged-f16.gguf"));
    TempDir tmp;
    merge_lora(*model, tmp.path / "m32.gguf", {{{adapter, 1.0f}}, TensorType::F32});
    merge_lora(*model, tmp.path / "m16.gguf", {{{adapter, 1.0f}}, TensorType::F16});
    const GgufFile m32 = GgufFile::open(tmp.path / "m32.gguf");
    const GgufFile m16 = GgufFile::open(tmp.path / "m16.gguf");
    int merged = 0;
    for (const auto& rt : ref.tensors()) {
        INFO(rt.name);
        REQUIRE(rt.type == TensorType::F32);
        const auto& a = m32.tensor(rt.name);
        const auto& h = m16.tensor(rt.name);
        REQUIRE(a.type == TensorType::F32);
        const float* want = reinterpret_cast<const float*>(rt.data);
        const float* got = reinterpret_cast<const float*>(a.data);
        float worst = 0;
        for (int64_t i = 0; i < rt.n_elements(); ++i)
            worst = std::max(worst, std::fabs(got[i] - want[i]) / std::max(1e-3f, std::fabs(want[i])));
        // Eigen's NEON product fuses multiply and add (the x86 build, without FMA, does not):
        // one rounding less per term, measured 2e-5 relative at most on the ARM build.
        CHECK(worst <= (isa_is_arm(best_isa()) ? 3e-5f : 1e-5f));
        if (h.type == TensorType::F16) {
            const uint16_t* hv = reinterpret_cast<const uint16_t*>(h.data);
            int off = 0;
            for (int64_t i = 0; i < rt.n_elements(); ++i)
                off = std::max(off, std::abs(int(hv[i]) - int(kernels::fp32_to_fp16(want[i]))));
            CHECK(off <= 1);  // ±1 unit in the last place of F16
        }
        merged += adapter->find(rt.name) != nullptr;
    }
    CHECK(merged == 6);
    // The merged file and the runtime adapter continue the same way.
    const auto g = load_golden("tiny-lora-merged-f16-p0.json");
    const auto merged_model = Model::load(tmp.path / "m32.gguf");
    Session sm(merged_model, {.n_ctx = 128, .n_threads = 1});
    Session sr(model, {.n_ctx = 128, .n_threads = 1});
    sr.set_loras({{adapter, 1.0f}});
    const auto tm = greedy(sm, g.tokens, 32), tr = greedy(sr, g.tokens, 32);
    CHECK(tm == tr);
    CHECK(tm == g.greedy);
}

TEST_CASE("merge onto a quantized base writes a quantized model") {
    const auto base = Model::load(model_path("synth/tiny-q8_0.gguf"));
    const auto adapter = LoraAdapter::load(kAdapter, *base);
    TempDir tmp;
    merge_lora(*base, tmp.path / "q.gguf", {{{adapter, 1.0f}}, std::nullopt});
    const GgufFile out = GgufFile::open(tmp.path / "q.gguf");
    CHECK(out.tensor("blk.0.attn_q.weight").type == TensorType::Q8_0);
    CHECK(out.tensor("blk.1.ffn_down.weight").type == TensorType::Q8_0);
    // Its greedy continuation equals the runtime adapter on the quantized base
    // (up to requantization: compare the first tokens).
    const auto g = load_golden("tiny-f32-lora-s1.0-p0.json");
    Session sm(Model::load(tmp.path / "q.gguf"), {.n_ctx = 128, .n_threads = 1});
    Session sr(base, {.n_ctx = 128, .n_threads = 1});
    sr.set_loras({{adapter, 1.0f}});
    const auto tm = greedy(sm, g.tokens, 4), tr = greedy(sr, g.tokens, 4);
    CHECK(tm == tr);
}

TEST_CASE("adapters that do not fit are refused with clear errors") {
    const auto tiny = Model::load(model_path("synth/tiny-f32.gguf"));
    const auto stories = Model::load(source_dir() / "models/stories260K.gguf");
    TempDir tmp;
    CHECK_THROWS_WITH(LoraAdapter::load(kAdapter, *stories), Catch::Contains("shapes do not fit"));
    const auto qwen = Model::load(model_path("synth/tiny-qwen2-f32.gguf"));
    CHECK_THROWS_WITH(LoraAdapter::load(kAdapter, *qwen), Catch::Contains("architecture 'llama' but the model is 'qwen2'"));
    const auto no_alpha = rewrite(kAdapter, tmp.path / "no_alpha.gguf", [](GgufWriter& w, const GgufFile&) {
        w.remove("adapter.lora.alpha");
    });
    CHECK_THROWS_WITH(LoraAdapter::load(no_alpha, *tiny), Catch::Contains("'adapter.lora.alpha' is missing"));
    const auto not_lora = rewrite(kAdapter, tmp.path / "model.gguf", [](GgufWriter& w, const GgufFile&) {
        w.set("general.type", GgufValue::string("model"));
    });
    CHECK_THROWS_WITH(LoraAdapter::load(not_lora, *tiny), Catch::Contains("not a LoRA adapter"));
    CHECK_THROWS_WITH(LoraAdapter::load(model_path("synth/tiny-f32.gguf"), *tiny), Catch::Contains("not a LoRA adapter"));
    // Truncated file.
    const auto bytes = read_bytes(kAdapter);
    {
        std::ofstream f(tmp.path / "cut.gguf", std::ios::binary);
        f.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size() / 2));
    }
    CHECK_THROWS_WITH(LoraAdapter::load(tmp.path / "cut.gguf", *tiny), Catch::Contains("cut.gguf"));
}

TEST_CASE("hostile adapters: garbage, empty, non-UTF-8 metadata, NaN alpha, huge shapes get clear errors") {
    const auto tiny = Model::load(model_path("synth/tiny-f32.gguf"));
    TempDir tmp;
    const auto write_raw = [&](const char* name, const std::string& bytes) {
        std::ofstream(tmp.path / name, std::ios::binary) << bytes;
        return tmp.path / name;
    };
    CHECK_THROWS_WITH(LoraAdapter::load(write_raw("empty.gguf", ""), *tiny), Catch::Contains("empty.gguf"));
    CHECK_THROWS_WITH(LoraAdapter::load(write_raw("text.gguf", "this is not a model\n"), *tiny),
                      Catch::Contains("text.gguf") && Catch::Contains("not a GGUF file"));
    const auto bad_arch = rewrite(kAdapter, tmp.path / "arch.gguf", [](GgufWriter& w, const GgufFile&) {
        w.set("general.architecture", GgufValue::string("\xff\xfe llama"));
    });
    CHECK_THROWS_WITH(LoraAdapter::load(bad_arch, *tiny), Catch::Contains("arch.gguf: adapter is for architecture"));
    const auto nan_alpha = rewrite(kAdapter, tmp.path / "nan.gguf", [](GgufWriter& w, const GgufFile&) {
        w.set("adapter.lora.alpha", GgufValue::f32(std::numeric_limits<float>::quiet_NaN()));
    });
    CHECK_THROWS_WITH(LoraAdapter::load(nan_alpha, *tiny), Catch::Contains("alpha must be a finite"));
    // A tensor declaring far more data than the file holds (a "huge" adapter).
    auto bytes = read_bytes(kAdapter);
    const GgufFile f = GgufFile::open(kAdapter);
    const GgufTensor& t = f.tensors().front();
    // Find the tensor's first dimension in the header and make it enormous.
    const std::string name = t.name;
    std::string raw(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    const size_t at = raw.find(name) + name.size() + 4;  // after the name and n_dims
    const uint64_t huge = uint64_t(1) << 40;
    std::memcpy(raw.data() + at, &huge, sizeof huge);
    CHECK_THROWS_WITH(LoraAdapter::load(write_raw("huge.gguf", raw), *tiny), Catch::Contains("huge.gguf"));
}
