/* lumen C API — a small, stable C99 interface in front of the C++ library,
 * for apps and for other languages (Python, Go, Rust, Java via JNI...).
 *
 * Conventions (docs/api.md has the full reference and the ABI policy):
 * - Every function returns a lumen_status; LUMEN_OK is 0. On failure,
 *   lumen_last_error() returns a message naming the problem (thread-local,
 *   valid until the next failing call on the same thread). No call aborts the
 *   process or lets a C++ exception escape.
 * - Handles are opaque. Each *_create / *_load has one matching *_free, which
 *   accepts NULL. Results are written through out-parameters, which are left
 *   unchanged (handles: set to NULL) when a call fails.
 * - Params structs start with `struct_size`: fill them with the matching
 *   *_default_params(&p, sizeof p) and change the fields you need. Newer
 *   library versions only append fields, so old callers keep working.
 * - Threads: a model (and a lora) may be shared by any number of threads and
 *   sessions. A session, a sampler and a chat are used by one thread at a time.
 * - Strings are UTF-8. Text passed in is (pointer, length); text returned
 *   through a buffer is NUL-terminated when it fits (see lumen_detokenize).
 */
#ifndef LUMEN_LUMEN_H
#define LUMEN_LUMEN_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32) && defined(LUMEN_C_API_EXPORTS)
#define LUMEN_C_API __declspec(dllexport) /* building lumen.dll (and the C API in the static library) */
#elif defined(_WIN32)
#define LUMEN_C_API /* callers link lumen.dll's import library or the static library alike */
#else
#define LUMEN_C_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ABI version: the major number changes only when existing functions or
 * struct fields change (it is the shared library's soname: liblumen.so.1);
 * the minor number grows when functions or appended fields are added. */
#define LUMEN_API_VERSION_MAJOR 1
#define LUMEN_API_VERSION_MINOR 0
#define LUMEN_API_VERSION (LUMEN_API_VERSION_MAJOR * 1000 + LUMEN_API_VERSION_MINOR)

typedef enum lumen_status {
    LUMEN_OK = 0,
    LUMEN_ERR_INVALID_ARGUMENT = 1, /* NULL handle, bad size, out-of-range value or token id */
    LUMEN_ERR_IO = 2,               /* a file could not be opened, read or mapped */
    LUMEN_ERR_BAD_MODEL = 3,        /* the data is not a model lumen can run */
    LUMEN_ERR_ABORTED = 4,          /* the progress callback stopped the load */
    LUMEN_ERR_CONTEXT_FULL = 5,     /* the tokens do not fit the session's context */
    LUMEN_ERR_BUFFER_TOO_SMALL = 6, /* the needed size was written to the size out-parameter */
    LUMEN_ERR_CLOSED = 7,           /* the session was closed with lumen_session_close */
    LUMEN_ERR_OUT_OF_MEMORY = 8,
    LUMEN_ERR_INTERNAL = 9          /* a bug in lumen: please report the message */
} lumen_status;

typedef struct lumen_model lumen_model;
typedef struct lumen_session lumen_session;
typedef struct lumen_sampler lumen_sampler;
typedef struct lumen_chat lumen_chat;
typedef struct lumen_lora lumen_lora;

/* ---- version and errors ------------------------------------------------ */

/* The library's version, e.g. "0.1.0 (C API 1.0)". Static string. */
LUMEN_C_API const char* lumen_version(void);
/* LUMEN_API_VERSION of the library actually loaded (compare with the header's). */
LUMEN_C_API int lumen_api_version(void);
/* The message of this thread's last failed call ("" if none). Owned by the
 * library; valid until the next failing call on this thread. */
LUMEN_C_API const char* lumen_last_error(void);
/* A short constant name for a status ("LUMEN_ERR_IO"). */
LUMEN_C_API const char* lumen_status_name(lumen_status status);

/* ---- models ------------------------------------------------------------ */

typedef enum lumen_log_level { LUMEN_LOG_DEBUG = 0, LUMEN_LOG_INFO = 1, LUMEN_LOG_WARN = 2 } lumen_log_level;

/* Progress in [0, 1]; return 0 to abort the load (LUMEN_ERR_ABORTED). */
typedef int (*lumen_progress_callback)(float progress, void* user_data);
/* One log line (no trailing newline). The library never prints by itself. */
typedef void (*lumen_log_callback)(lumen_log_level level, const char* message, void* user_data);

typedef struct lumen_model_params {
    size_t struct_size;                  /* set by lumen_model_default_params */
    int repack;                          /* non-zero: faster weight layouts at load (default 1) */
    lumen_progress_callback progress;    /* may be NULL */
    void* progress_user_data;
    lumen_log_callback log;              /* may be NULL */
    void* log_user_data;
} lumen_model_params;

/* Fills `params` (of `size` = sizeof *params bytes) with the defaults. */
LUMEN_C_API lumen_status lumen_model_default_params(lumen_model_params* params, size_t size);

/* Loads a GGUF model. `params` may be NULL (defaults). On success *out is a
 * new model the caller frees with lumen_model_free. */
LUMEN_C_API lumen_status lumen_model_load_file(const char* path, const lumen_model_params* params, lumen_model** out);
/* From bytes in memory (e.g. an Android asset read into memory); the bytes
 * are copied, the caller may free them when the call returns. */
LUMEN_C_API lumen_status lumen_model_load_buffer(const void* data, size_t size, const lumen_model_params* params,
                                                 lumen_model** out);
/* From `size` bytes of an open file starting at `offset` (size 0: to the end;
 * e.g. AAsset_openFileDescriptor). The fd stays the caller's, who may close it
 * when the call returns. */
LUMEN_C_API lumen_status lumen_model_load_fd(int fd, uint64_t offset, uint64_t size, const lumen_model_params* params,
                                             lumen_model** out);
/* Releases the caller's reference; sessions and loras made from the model keep
 * it alive until they are freed. NULL is ignored. */
LUMEN_C_API void lumen_model_free(lumen_model* model);

typedef struct lumen_model_info {
    size_t struct_size;   /* caller sets sizeof(lumen_model_info) */
    char arch[32];        /* general.architecture, NUL-terminated (truncated if longer) */
    int32_t n_vocab, n_ctx_train, n_layer, n_embd, n_head, n_head_kv;
    uint64_t n_params;
    int32_t bos, eos;     /* -1 when the vocabulary has none */
} lumen_model_info;

/* Fills `info`; set info->struct_size = sizeof *info first. */
LUMEN_C_API lumen_status lumen_model_get_info(const lumen_model* model, lumen_model_info* info);
/* *out = 1 if `token` ends generation (end of sequence / end of turn), else 0. */
LUMEN_C_API lumen_status lumen_token_is_end(const lumen_model* model, int32_t token, int* out);

/* ---- tokens and text --------------------------------------------------- */

/* Text -> token ids. `add_special`: add BOS/EOS as the vocabulary asks;
 * `parse_special`: control-token text ("<|im_start|>") becomes that token.
 * Writes up to `capacity` ids to `tokens` and the count to *n_tokens; when
 * capacity is too small returns LUMEN_ERR_BUFFER_TOO_SMALL with *n_tokens set
 * to the count needed (tokens may be NULL to ask for the count only). */
LUMEN_C_API lumen_status lumen_tokenize(const lumen_model* model, const char* text, size_t text_len, int add_special,
                                        int parse_special, int32_t* tokens, size_t capacity, size_t* n_tokens);
/* Token ids -> text. Writes the bytes plus a NUL to `buf` when they fit and
 * the length (without NUL) to *len; otherwise LUMEN_ERR_BUFFER_TOO_SMALL with
 * *len = length needed (buf may be NULL to ask). Incomplete UTF-8 at the end
 * is kept as raw bytes: for streaming, use a lumen_detokenizer. */
LUMEN_C_API lumen_status lumen_detokenize(const lumen_model* model, const int32_t* tokens, size_t n_tokens, char* buf,
                                          size_t capacity, size_t* len);

/* Streaming detokenizer: push one token at a time and get only complete UTF-8
 * characters (a character split over several byte tokens comes out whole). */
typedef struct lumen_detokenizer lumen_detokenizer;
LUMEN_C_API lumen_status lumen_detokenizer_create(const lumen_model* model, lumen_detokenizer** out);
/* Text that became complete with `token` (maybe empty) -> *text / *len, owned
 * by the detokenizer and valid until its next call. NUL-terminated. */
LUMEN_C_API lumen_status lumen_detokenizer_push(lumen_detokenizer* d, int32_t token, const char** text, size_t* len);
/* Whatever is held back (invalid bytes become U+FFFD). Same ownership as push. */
LUMEN_C_API lumen_status lumen_detokenizer_flush(lumen_detokenizer* d, const char** text, size_t* len);
LUMEN_C_API void lumen_detokenizer_free(lumen_detokenizer* d);

/* ---- sessions ---------------------------------------------------------- */

typedef struct lumen_session_params {
    size_t struct_size;
    int32_t n_ctx;      /* context length in tokens; 0 = min(training context, 4096) */
    int32_t n_batch;    /* prompt tokens per step (default 512) */
    int32_t n_threads;  /* 0 = physical cores */
} lumen_session_params;

LUMEN_C_API lumen_status lumen_session_default_params(lumen_session_params* params, size_t size);
/* A new conversation state over `model` (which it keeps alive). params may be NULL. */
LUMEN_C_API lumen_status lumen_session_create(lumen_model* model, const lumen_session_params* params,
                                              lumen_session** out);
/* Releases the session's memory now; every later call on it returns
 * LUMEN_ERR_CLOSED. The handle itself stays valid until lumen_session_free. */
LUMEN_C_API lumen_status lumen_session_close(lumen_session* session);
LUMEN_C_API void lumen_session_free(lumen_session* session);

/* Appends tokens at the current position and computes the logits of the last
 * one. On error (context full, bad id) the session is unchanged. */
LUMEN_C_API lumen_status lumen_session_eval(lumen_session* session, const int32_t* tokens, size_t n_tokens);
/* The last eval's logits: *logits -> n_vocab floats owned by the session,
 * valid until its next eval/reset/load/close. */
LUMEN_C_API lumen_status lumen_session_logits(lumen_session* session, const float** logits, int32_t* n_vocab);
LUMEN_C_API lumen_status lumen_session_position(const lumen_session* session, int32_t* position);
LUMEN_C_API lumen_status lumen_session_context_size(const lumen_session* session, int32_t* n_ctx);
/* Forgets everything (position 0). */
LUMEN_C_API lumen_status lumen_session_reset(lumen_session* session);
/* Drops `n_discard` tokens after the first `n_keep` and moves the rest down. */
LUMEN_C_API lumen_status lumen_session_shift_context(lumen_session* session, int32_t n_keep, int32_t n_discard);

/* KV cache and position as bytes, to resume later in a session of the same
 * model and cache type. Size query: buf NULL (or too small) returns
 * LUMEN_ERR_BUFFER_TOO_SMALL with *size = bytes needed. The logits are not
 * saved: evaluate the next token after loading. */
LUMEN_C_API lumen_status lumen_session_save_state(lumen_session* session, void* buf, size_t capacity, size_t* size);
LUMEN_C_API lumen_status lumen_session_load_state(lumen_session* session, const void* data, size_t size);

/* ---- LoRA adapters ----------------------------------------------------- */

/* Loads a GGUF LoRA adapter made for `model`. Shareable between sessions. */
LUMEN_C_API lumen_status lumen_lora_load(lumen_model* model, const char* path, lumen_lora** out);
LUMEN_C_API void lumen_lora_free(lumen_lora* lora);
/* Applies `lora` to this session only, with `scale` (attaching it again
 * changes its scale). The session keeps the adapter alive while attached. */
LUMEN_C_API lumen_status lumen_session_attach_lora(lumen_session* session, lumen_lora* lora, float scale);
LUMEN_C_API lumen_status lumen_session_detach_lora(lumen_session* session, lumen_lora* lora);

/* ---- sampling ---------------------------------------------------------- */

/* llama.cpp's chain and defaults: penalties -> top-k -> typical -> top-p ->
 * min-p -> temperature -> draw. temp <= 0: greedy. Same seed, same tokens. */
typedef struct lumen_sampler_params {
    size_t struct_size;
    float temp;              /* 0.8 */
    int32_t top_k;           /* 40; <= 0 off */
    float top_p;             /* 0.95; 1 off */
    float min_p;             /* 0.05; 0 off */
    float typical_p;         /* 1 (off) */
    float repeat_penalty;    /* 1 (off) */
    int32_t repeat_last_n;   /* 64; 0 off, -1 all */
    float presence_penalty;  /* 0 */
    float frequency_penalty; /* 0 */
    uint64_t seed;
} lumen_sampler_params;

LUMEN_C_API lumen_status lumen_sampler_default_params(lumen_sampler_params* params, size_t size);
LUMEN_C_API lumen_status lumen_sampler_create(const lumen_sampler_params* params, lumen_sampler** out);
LUMEN_C_API void lumen_sampler_free(lumen_sampler* sampler);
/* Picks the next token from the session's last logits (and records it). */
LUMEN_C_API lumen_status lumen_sampler_sample(lumen_sampler* sampler, lumen_session* session, int32_t* token);
/* Records a token (e.g. of the prompt) in the history the penalties see. */
LUMEN_C_API lumen_status lumen_sampler_accept(lumen_sampler* sampler, int32_t token);
LUMEN_C_API lumen_status lumen_sampler_reset(lumen_sampler* sampler);

/* ---- chat -------------------------------------------------------------- */

typedef struct lumen_chat_message {
    const char* role;    /* "system", "user", "assistant" */
    const char* content;
} lumen_chat_message;

/* Renders messages with a chat template into prompt text. `template_name`:
 * a built-in family ("chatml", "llama3", ...) or NULL for the model's own
 * (model may be NULL when a name is given). Output like lumen_detokenize. */
LUMEN_C_API lumen_status lumen_chat_apply_template(const lumen_model* model, const char* template_name,
                                                   const lumen_chat_message* messages, size_t n_messages,
                                                   int add_generation_prompt, char* buf, size_t capacity, size_t* len);

/* A conversation over `session`. template_name: NULL = the model's own
 * template (plain continuation if it has none), "" = plain continuation, or a
 * family name. system_prompt may be NULL. The chat keeps the session alive. */
LUMEN_C_API lumen_status lumen_chat_create(lumen_session* session, const char* template_name,
                                           const char* system_prompt, lumen_chat** out);
LUMEN_C_API void lumen_chat_free(lumen_chat* chat);

/* Called with each piece of the answer (complete UTF-8, not NUL-terminated);
 * return 0 to stop generating. It must not call functions on the chat or its
 * session (the reply is still running); anything else is fine. */
typedef int (*lumen_text_callback)(const char* text, size_t len, void* user_data);

/* Adds the user's message and streams the answer (at most n_predict tokens,
 * -1: until end of turn or a full context). *n_generated (may be NULL) gets
 * the tokens generated. The answer becomes part of the conversation. */
LUMEN_C_API lumen_status lumen_chat_reply(lumen_chat* chat, lumen_sampler* sampler, const char* user_text,
                                          int32_t n_predict, lumen_text_callback on_text, void* user_data,
                                          int32_t* n_generated);
/* Forgets the conversation (keeps the system prompt). */
LUMEN_C_API lumen_status lumen_chat_reset(lumen_chat* chat);

#ifdef __cplusplus
}
#endif

#endif /* LUMEN_LUMEN_H */
