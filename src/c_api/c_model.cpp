// C API: loading models (path, buffer, fd) with progress, abort and log
// callbacks, and model facts.
#include <cstdio>
#include <string>

#include "c_api/handles.hpp"
#include "lumen/gguf.hpp"

using namespace lumen;
using namespace lumen::c_api;

namespace {

lumen_model_params model_defaults() {
    return {.struct_size = sizeof(lumen_model_params), .repack = 1, .progress = nullptr, .progress_user_data = nullptr,
            .log = nullptr, .log_user_data = nullptr};
}

bool is_io_problem(const std::string& m) {
    for (const char* s : {": cannot open", ": cannot stat", ": cannot map", ": not a regular file",
                          "invalid file descriptor", "past the end of the file", "cannot create an in-memory file",
                          "cannot copy the model bytes"})
        if (m.find(s) != std::string::npos) return true;
    return false;
}

void emit_log(const lumen_model_params& p, lumen_log_level level, const std::string& text) {
    if (p.log) p.log(level, text.c_str(), p.log_user_data);
}

// Runs `open` (which makes the GgufFile) and the model load with the caller's
// callbacks, and sorts what went wrong into IO, bad model or aborted.
template <class Open>
lumen_status load_with(const lumen_model_params* given, lumen_model** out, const char* function, Open&& open) {
    bool aborted = false;
    lumen_status st = guard(LUMEN_ERR_BAD_MODEL, [&] {
        require_handle(out, function, "out");
        *out = nullptr;
        const lumen_model_params p = read_params(given, model_defaults(), function);
        LoadOptions o;
        o.repack = p.repack != 0;
        if (p.progress)
            o.progress = [&p, &aborted](float f) {
                aborted = p.progress(f, p.progress_user_data) == 0;
                return !aborted;
            };
        // The first progress report comes before any work, so an abort costs nothing.
        if (o.progress && !o.progress(0.0f)) fail(LUMEN_ERR_ABORTED, std::string(function) + ": model load aborted by the progress callback");
        auto model = Model::load(open(), o);
        const ModelConfig& c = model->config();
        char line[256];
        std::snprintf(line, sizeof line, "loaded %s: %s, %d layers, %d x %d, vocabulary %d, %.2fM parameters",
                      model->file().label().c_str(), c.arch.c_str(), c.n_layer, c.n_embd, c.n_ff, c.n_vocab,
                      double(model->n_params()) / 1e6);
        emit_log(p, LUMEN_LOG_INFO, line);
        *out = new lumen_model{std::move(model), p.log, p.log_user_data};
    });
    if (st == LUMEN_ERR_BAD_MODEL && aborted) return LUMEN_ERR_ABORTED;
    if (st == LUMEN_ERR_BAD_MODEL && is_io_problem(lumen_last_error())) return LUMEN_ERR_IO;
    return st;
}

}  // namespace

extern "C" {

lumen_status lumen_model_default_params(lumen_model_params* params, size_t size) {
    return write_defaults(params, size, model_defaults(), "lumen_model_default_params");
}

lumen_status lumen_model_load_file(const char* path, const lumen_model_params* params, lumen_model** out) {
    return load_with(params, out, "lumen_model_load_file", [&] {
        require_handle(path, "lumen_model_load_file", "path");
        return GgufFile::open(path);
    });
}

lumen_status lumen_model_load_buffer(const void* data, size_t size, const lumen_model_params* params,
                                     lumen_model** out) {
    return load_with(params, out, "lumen_model_load_buffer", [&] {
        require_handle(data, "lumen_model_load_buffer", "data");
        if (size == 0) fail(LUMEN_ERR_INVALID_ARGUMENT, "lumen_model_load_buffer: size is 0");
        return GgufFile::copy_of({static_cast<const std::byte*>(data), size}, "model buffer");
    });
}

lumen_status lumen_model_load_fd(int fd, uint64_t offset, uint64_t size, const lumen_model_params* params,
                                 lumen_model** out) {
    return load_with(params, out, "lumen_model_load_fd", [&] {
        return GgufFile::open_fd(fd, offset, size, "model fd " + std::to_string(fd));
    });
}

void lumen_model_free(lumen_model* model) { delete model; }

lumen_status lumen_model_get_info(const lumen_model* model, lumen_model_info* info) {
    return guard(LUMEN_ERR_INTERNAL, [&] {
        require_handle(model, "lumen_model_get_info", "model");
        require_handle(info, "lumen_model_get_info", "info");
        if (info->struct_size < sizeof(size_t) || info->struct_size > (1u << 16))
            fail(LUMEN_ERR_INVALID_ARGUMENT, "lumen_model_get_info: set info->struct_size = sizeof(lumen_model_info)");
        lumen_model_info i{};
        i.struct_size = std::min(info->struct_size, sizeof i);
        const ModelConfig& c = model->model->config();
        std::snprintf(i.arch, sizeof i.arch, "%s", c.arch.c_str());
        i.n_vocab = c.n_vocab;
        i.n_ctx_train = c.n_ctx_train;
        i.n_layer = c.n_layer;
        i.n_embd = c.n_embd;
        i.n_head = c.n_head;
        i.n_head_kv = c.n_head_kv;
        i.n_params = model->model->n_params();
        i.bos = model->model->vocab().bos();
        i.eos = model->model->vocab().eos();
        std::memcpy(static_cast<void*>(info), &i, i.struct_size);
    });
}

lumen_status lumen_token_is_end(const lumen_model* model, int32_t token, int* out) {
    return guard(LUMEN_ERR_INTERNAL, [&] {
        require_handle(model, "lumen_token_is_end", "model");
        require_handle(out, "lumen_token_is_end", "out");
        const Vocab& v = model->model->vocab();
        if (token < 0 || token >= v.size())
            fail(LUMEN_ERR_INVALID_ARGUMENT, "lumen_token_is_end: token id " + std::to_string(token) +
                                                 " is outside the vocabulary (0.." + std::to_string(v.size() - 1) + ")");
        *out = v.is_end_of_generation(token) ? 1 : 0;
    });
}

}  // extern "C"
