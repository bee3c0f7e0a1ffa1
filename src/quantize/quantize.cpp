// Writing a quantized model: every tensor is converted row by row (rows in
// parallel) into its planned type, with its importance weights when the
// imatrix has them, and streamed into an atomic GGUF writer.
#include <vector>

#include "lumen/error.hpp"
#include "lumen/quantize.hpp"
#include "lumen/session.hpp"
#include "scalar/file_quantizers.hpp"

namespace lumen {

namespace {

// `qw`: importance weights, ne[0] per expert (ne[2]), or empty.
std::vector<std::byte> convert(const GgufTensor& t, TensorType to, int n_threads, const std::vector<float>& qw) {
    const TypeTraits& from = type_traits(t.type);
    const TypeTraits& dst = type_traits(to);
    const kernels::FileQuantizeFn weighted = kernels::file_quantizer(to);
    if (from.dequantize == nullptr) throw Error("tensor '" + t.name + "': cannot read type " + from.name);
    if (weighted == nullptr && dst.quantize == nullptr)
        throw Error("tensor '" + t.name + "': cannot write type " + dst.name);
    const int64_t cols = t.ne[0], rows = t.n_rows();
    const size_t in_row = row_bytes(t.type, cols), out_row = row_bytes(to, cols);
    std::vector<std::byte> out(out_row * size_t(rows));
#pragma omp parallel num_threads(n_threads) if (n_threads > 1 && rows > 1)
    {
        std::vector<float> row(static_cast<size_t>(cols));
#pragma omp for schedule(static)
        for (int64_t r = 0; r < rows; ++r) {
            from.dequantize(t.data + size_t(r) * in_row, row.data(), cols);
            std::byte* q = out.data() + size_t(r) * out_row;
            if (weighted != nullptr) weighted(row.data(), q, cols, qw.empty() ? nullptr : qw.data() + (r / t.ne[1]) * cols);
            else dst.quantize(row.data(), q, cols);
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
    if (o.imatrix != nullptr) {  // the reference's record of the importance matrix used
        w.set("quantize.imatrix.file", GgufValue::string(o.imatrix_file.substr(0, 127)));
        if (!o.imatrix->dataset.empty())
            w.set("quantize.imatrix.dataset", GgufValue::string(o.imatrix->dataset.substr(0, 127)));
        w.set("quantize.imatrix.entries_count", GgufValue::i32(int32_t(o.imatrix->entries.size())));
        if (o.imatrix->chunks > 0) w.set("quantize.imatrix.chunks_count", GgufValue::i32(o.imatrix->chunks));
    }
    for (size_t i = 0; i < plan.size(); ++i) {
        const GgufTensor& t = in.tensor(plan[i].name);
        const TensorPlan& p = plan[i];
        const std::span<const int64_t> ne(t.ne.data(), t.n_dims);
        const uint64_t n_bytes = row_bytes(p.to, t.ne[0]) * uint64_t(t.n_rows());
        const size_t count = plan.size();
        w.add_tensor(t.name, p.to, ne, n_bytes, [&t, &p, &o, i, count, threads, &progress]() {
            std::vector<std::byte> bytes = p.to == p.from ? std::vector<std::byte>(t.data, t.data + t.n_bytes)
                                                          : convert(t, p.to, threads, importance_weights(o, t));
            if (progress) progress(i, count, p);
            return bytes;
        });
    }
    w.write(output);
}

}  // namespace lumen
