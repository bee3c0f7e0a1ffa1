// Writing a quantized model: every tensor is converted row by row (rows in
// parallel) into its planned type and streamed into an atomic GGUF writer.
#include <vector>

#include "lumen/error.hpp"
#include "lumen/quantize.hpp"
#include "lumen/session.hpp"

namespace lumen {

namespace {

std::vector<std::byte> convert(const GgufTensor& t, TensorType to, int n_threads) {
    const TypeTraits& from = type_traits(t.type);
    const TypeTraits& dst = type_traits(to);
    if (from.dequantize == nullptr) throw Error("tensor '" + t.name + "': cannot read type " + from.name);
    if (dst.quantize == nullptr) throw Error("tensor '" + t.name + "': cannot write type " + dst.name);
    const int64_t cols = t.ne[0], rows = t.n_rows();
    const size_t in_row = row_bytes(t.type, cols), out_row = row_bytes(to, cols);
    std::vector<std::byte> out(out_row * size_t(rows));
#pragma omp parallel num_threads(n_threads) if (n_threads > 1 && rows > 1)
    {
        std::vector<float> row(static_cast<size_t>(cols));
#pragma omp for schedule(static)
        for (int64_t r = 0; r < rows; ++r) {
            from.dequantize(t.data + size_t(r) * in_row, row.data(), cols);
            dst.quantize(row.data(), out.data() + size_t(r) * out_row, cols);
        }
    }
    return out;
}

}  // namespace

void quantize_model(const GgufFile& in, const std::filesystem::path& output, const QuantizeOptions& o,
                    const QuantizeProgress& progress) {
    const auto plan = plan_quantization(in, o);
    const int threads = o.n_threads > 0 ? o.n_threads : physical_cores();

    GgufWriter w(3);
    w.copy_metadata(in);
    // The reference re-adds these two at the end, wherever the input had them.
    w.remove("general.quantization_version");
    w.remove("general.file_type");
    w.set("general.quantization_version", GgufValue::u32(2));
    w.set("general.file_type", GgufValue::u32(o.mix.file_type));
    for (size_t i = 0; i < plan.size(); ++i) {
        const GgufTensor& t = in.tensor(plan[i].name);
        const TensorPlan& p = plan[i];
        const std::span<const int64_t> ne(t.ne.data(), t.n_dims);
        const uint64_t n_bytes = row_bytes(p.to, t.ne[0]) * uint64_t(t.n_rows());
        const size_t count = plan.size();
        w.add_tensor(t.name, p.to, ne, n_bytes, [&t, &p, i, count, threads, &progress]() {
            std::vector<std::byte> bytes =
                p.to == p.from ? std::vector<std::byte>(t.data, t.data + t.n_bytes) : convert(t, p.to, threads);
            if (progress) progress(i, count, p);
            return bytes;
        });
    }
    w.write(output);
}

}  // namespace lumen
