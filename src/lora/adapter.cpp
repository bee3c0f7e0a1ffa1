// Loading and validating LoRA adapters.
#include <cmath>
#include <string>

#include "lumen/error.hpp"
#include "lumen/lora.hpp"
#include "platform/path_text.hpp"

namespace lumen {

namespace {

std::vector<float> to_float(const GgufTensor& t, const std::string& label) {
    const TypeTraits& tt = type_traits(t.type);
    if (tt.dequantize == nullptr) throw Error(label + ": tensor '" + t.name + "' has unsupported type " + tt.name);
    std::vector<float> out(static_cast<size_t>(t.n_elements()));
    tt.dequantize(t.data, out.data(), t.n_elements());
    return out;
}

}  // namespace

std::shared_ptr<const LoraAdapter> LoraAdapter::load(const std::filesystem::path& path, const Model& base) {
    const GgufFile f = GgufFile::open(path);
    const std::string label = f.label();
    auto a = std::shared_ptr<LoraAdapter>(new LoraAdapter());
    a->path_ = platform::utf8_from_path(path);
    a->name_ = f.get_string("general.name", platform::utf8_from_path(path.filename()));
    if (f.get_string("general.type") != "adapter" || f.get_string("adapter.type") != "lora")
        throw Error(label + ": not a LoRA adapter (general.type must be 'adapter' and adapter.type 'lora')");
    const std::string arch = f.get_string("general.architecture");
    if (arch != base.config().arch)
        throw Error(label + ": adapter is for architecture '" + arch + "' but the model is '" + base.config().arch + "'");
    const GgufValue* alpha = f.find("adapter.lora.alpha");
    if (alpha == nullptr) throw Error(label + ": metadata 'adapter.lora.alpha' is missing");
    try {
        a->alpha_ = alpha->as_f32();
    } catch (const Error& e) {
        throw Error(label + ": metadata 'adapter.lora.alpha': " + e.what());
    }
    if (!(a->alpha_ >= 0.f) || !std::isfinite(a->alpha_)) throw Error(label + ": adapter.lora.alpha must be a finite, non-negative number");

    for (const auto& t : f.tensors()) {
        const bool is_a = t.name.size() > 7 && t.name.compare(t.name.size() - 7, 7, ".lora_a") == 0;
        const bool is_b = t.name.size() > 7 && t.name.compare(t.name.size() - 7, 7, ".lora_b") == 0;
        if (!is_a && !is_b) throw Error(label + ": unexpected tensor '" + t.name + "' (only *.lora_a / *.lora_b)");
        if (!is_a) continue;
        const std::string base_name = t.name.substr(0, t.name.size() - 7);
        const GgufTensor* tb = f.find_tensor(base_name + ".lora_b");
        if (tb == nullptr) throw Error(label + ": '" + t.name + "' has no matching '" + base_name + ".lora_b'");
        const GgufTensor* w = base.file().find_tensor(base_name);
        if (w == nullptr) throw Error(label + ": the model has no tensor '" + base_name + "' to adapt");
        const int64_t n_in = w->ne[0], n_out = w->ne[1], rank = t.ne[1];
        if (w->n_dims != 2 || t.n_dims != 2 || tb->n_dims != 2 || t.ne[0] != n_in || tb->ne[0] != rank ||
            tb->ne[1] != n_out || rank < 1)
            throw Error(label + ": shapes do not fit '" + base_name + "' [" + w->shape_string() + "]: lora_a is [" +
                        t.shape_string() + "], lora_b is [" + tb->shape_string() + "]; expected [" +
                        std::to_string(n_in) + " x r] and [r x " + std::to_string(n_out) + "]");
        a->pairs_[base_name] = Pair{n_in, n_out, rank, to_float(t, label), to_float(*tb, label)};
    }
    for (const auto& t : f.tensors())
        if (t.name.size() > 7 && t.name.compare(t.name.size() - 7, 7, ".lora_b") == 0 &&
            a->pairs_.find(t.name.substr(0, t.name.size() - 7)) == a->pairs_.end())
            throw Error(label + ": '" + t.name + "' has no matching lora_a");
    if (a->pairs_.empty()) throw Error(label + ": the adapter holds no tensors");
    return a;
}

const LoraAdapter::Pair* LoraAdapter::find(std::string_view base_tensor) const {
    const auto it = pairs_.find(base_tensor);
    return it == pairs_.end() ? nullptr : &it->second;
}

}  // namespace lumen
