// Importance matrices: per weight tensor, the mean squared activation each input
// column saw on some text. Quantizers weight their error by it (`lumen quantize
// --imatrix`), and `lumen imatrix` computes one.
//
// File format (the reference's legacy binary imatrix, little-endian):
//   int32 n_entries
//   n_entries x { int32 name_len, name bytes, int32 ncall, int32 nval, float32 values[nval] }
//   optional trailer: int32 chunks, int32 dataset_len, dataset bytes
// `values` are the per-column sums of squared activations divided by the number
// of rows seen, times ncall (the number of evaluations); readers divide by ncall.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "lumen/export.hpp"

namespace lumen {

struct LUMEN_API ImatrixEntry {
    std::string name;            // weight tensor, e.g. "blk.0.attn_q.weight"
    int32_t ncall = 0;           // evaluations accumulated
    std::vector<float> values;   // as stored in the file (see above)

    // The per-column weights quantizers use: values / ncall (values if ncall is 0).
    std::vector<float> weights() const;
};

struct LUMEN_API ImportanceMatrix {
    std::vector<ImatrixEntry> entries;  // file order
    int32_t chunks = 0;                 // text chunks processed (0: the file has no trailer)
    std::string dataset;                // name of the text file it was computed on

    // The entry for a tensor, or nullptr.
    const ImatrixEntry* find(std::string_view tensor_name) const;
};

// Reads and validates an imatrix file. Throws lumen::Error naming the file and
// what is wrong (truncation, bad counts or lengths, non-finite values, repeated names).
LUMEN_API ImportanceMatrix read_imatrix(const std::filesystem::path& path);
// The same for an in-memory image; `label` names it in messages.
LUMEN_API ImportanceMatrix parse_imatrix(std::span<const std::byte> bytes, const std::string& label);
// The file image of `m` (with the trailer).
LUMEN_API std::vector<std::byte> serialize_imatrix(const ImportanceMatrix& m);
// Writes `m` atomically. Throws lumen::Error.
LUMEN_API void write_imatrix(const ImportanceMatrix& m, const std::filesystem::path& path);

}  // namespace lumen
