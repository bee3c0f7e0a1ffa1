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
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "lumen/export.hpp"
#include "lumen/model.hpp"
#include "lumen/session.hpp"

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

struct ImatrixOptions {
    int n_ctx = 512;            // tokens per chunk (each chunk a fresh context starting with BOS)
    int n_chunks = -1;          // chunks to process; -1: all that fit in the text
    std::string dataset;        // recorded in the file (the text file's name)
    bool process_output = false;  // also collect output.weight (the reference skips it by default)
    SessionOptions session;     // threads, ISA; n_ctx and n_batch are set from above
};

// Called after each chunk: (chunk index, chunk count).
using ImatrixProgress = std::function<void(int, int)>;

// Computes an importance matrix the way the reference's llama-imatrix does:
// the tokens are cut into chunks of n_ctx (first token replaced by BOS), each
// evaluated in one pass; for every layer weight matrix (`blk.*`) the squared
// input activations are summed per column over all tokens. Entry values are
// (sum / tokens seen) * ncall, ncall = evaluations, in float as the reference.
// Throws lumen::Error if the text holds fewer than 2 chunks' worth of tokens.
LUMEN_API ImportanceMatrix compute_imatrix(std::shared_ptr<const Model> model, const std::vector<int32_t>& tokens,
                                           const ImatrixOptions& options, const ImatrixProgress& progress = {});

}  // namespace lumen
