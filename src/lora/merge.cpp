// Merging adapters into a model file: W' = W + sum_k s_k * B_k A_k, computed in
// float with Eigen, then stored in the tensor's type (or the requested one).
#include <Eigen/Core>

#include "lumen/error.hpp"
#include "lumen/lora.hpp"
#include "lumen/session.hpp"

namespace lumen {

namespace {

using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

bool is_weight_matrix(const GgufTensor& t) {
    return t.n_dims == 2 && t.name.size() > 7 && t.name.compare(t.name.size() - 7, 7, ".weight") == 0;
}

}  // namespace

void merge_lora(const Model& base, const std::filesystem::path& output, const LoraMergeOptions& o,
                const std::function<void(size_t, size_t, const std::string&)>& progress) {
    if (o.adapters.empty()) throw Error("lora merge: no adapter given");
    const GgufFile& in = base.file();
    const int threads = o.n_threads > 0 ? o.n_threads : physical_cores();
    Eigen::setNbThreads(threads);
    GgufWriter w(in.version());
    w.copy_metadata(in);
    if (o.type) w.remove("general.file_type");
    const size_t count = in.tensors().size();
    for (size_t i = 0; i < count; ++i) {
        const GgufTensor& t = in.tensors()[i];
        std::vector<std::pair<const LoraAdapter::Pair*, float>> deltas;
        for (const auto& a : o.adapters)
            if (const auto* p = a.adapter->find(t.name)) deltas.emplace_back(p, a.adapter->factor(*p, a.scale));
        const TensorType to = o.type && is_weight_matrix(t) ? *o.type : t.type;
        const std::span<const int64_t> ne(t.ne.data(), t.n_dims);
        if (deltas.empty() && to == t.type) {
            w.add_tensor(t.name, t.type, ne, t.bytes());
            if (progress) progress(i, count, t.name);
            continue;
        }
        const TypeTraits& from_t = type_traits(t.type);
        const TypeTraits& to_t = type_traits(to);
        if (from_t.dequantize == nullptr || to_t.quantize == nullptr)
            throw Error("lora merge: cannot convert '" + t.name + "' from " + from_t.name + " to " + to_t.name);
        const int64_t cols = t.ne[0], rows = t.n_rows();
        const uint64_t out_bytes = row_bytes(to, cols) * uint64_t(rows);
        w.add_tensor(t.name, to, ne, out_bytes, [&, i, deltas, to, cols, rows, out_bytes]() {
            RowMajor m(rows, cols);
            from_t.dequantize(t.data, m.data(), rows * cols);
            for (const auto& [p, factor] : deltas) {
                const Eigen::Map<const RowMajor> A(p->a.data(), p->rank, p->n_in);
                const Eigen::Map<const RowMajor> B(p->b.data(), p->n_out, p->rank);
                m.noalias() += (B * A) * factor;
            }
            std::vector<std::byte> out(out_bytes);
            const size_t rb = row_bytes(to, cols);
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1)
            for (int64_t r = 0; r < rows; ++r) to_t.quantize(m.data() + r * cols, out.data() + size_t(r) * rb, cols);
            if (progress) progress(i, count, t.name);
            return out;
        });
    }
    w.write(output);
}

}  // namespace lumen
