"""The C API (include/lumen/lumen.h) as ctypes declarations. Internal."""
import ctypes
import ctypes.util
import os

API_VERSION_MAJOR = 1

c_int32_p = ctypes.POINTER(ctypes.c_int32)
c_size_t_p = ctypes.POINTER(ctypes.c_size_t)

PROGRESS_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_float, ctypes.c_void_p)
LOG_CALLBACK = ctypes.CFUNCTYPE(None, ctypes.c_int, ctypes.c_char_p, ctypes.c_void_p)
TEXT_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_char), ctypes.c_size_t, ctypes.c_void_p)


class ModelParams(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t), ("repack", ctypes.c_int),
                ("progress", PROGRESS_CALLBACK), ("progress_user_data", ctypes.c_void_p),
                ("log", LOG_CALLBACK), ("log_user_data", ctypes.c_void_p)]


class ModelInfo(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t), ("arch", ctypes.c_char * 32),
                ("n_vocab", ctypes.c_int32), ("n_ctx_train", ctypes.c_int32), ("n_layer", ctypes.c_int32),
                ("n_embd", ctypes.c_int32), ("n_head", ctypes.c_int32), ("n_head_kv", ctypes.c_int32),
                ("n_params", ctypes.c_uint64), ("bos", ctypes.c_int32), ("eos", ctypes.c_int32)]


class SessionParams(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t), ("n_ctx", ctypes.c_int32), ("n_batch", ctypes.c_int32),
                ("n_threads", ctypes.c_int32)]


class SamplerParams(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t), ("temp", ctypes.c_float), ("top_k", ctypes.c_int32),
                ("top_p", ctypes.c_float), ("min_p", ctypes.c_float), ("typical_p", ctypes.c_float),
                ("repeat_penalty", ctypes.c_float), ("repeat_last_n", ctypes.c_int32),
                ("presence_penalty", ctypes.c_float), ("frequency_penalty", ctypes.c_float),
                ("seed", ctypes.c_uint64)]


class ChatMessage(ctypes.Structure):
    _fields_ = [("role", ctypes.c_char_p), ("content", ctypes.c_char_p)]


H = ctypes.c_void_p  # every opaque handle
HP = ctypes.POINTER(ctypes.c_void_p)
S = ctypes.c_int     # lumen_status

# name: (restype, argtypes)
_SIGNATURES = {
    "lumen_version": (ctypes.c_char_p, []),
    "lumen_api_version": (ctypes.c_int, []),
    "lumen_last_error": (ctypes.c_char_p, []),
    "lumen_status_name": (ctypes.c_char_p, [S]),
    "lumen_model_default_params": (S, [ctypes.POINTER(ModelParams), ctypes.c_size_t]),
    "lumen_model_load_file": (S, [ctypes.c_char_p, ctypes.POINTER(ModelParams), HP]),
    "lumen_model_load_buffer": (S, [ctypes.c_void_p, ctypes.c_size_t, ctypes.POINTER(ModelParams), HP]),
    "lumen_model_load_fd": (S, [ctypes.c_int, ctypes.c_uint64, ctypes.c_uint64, ctypes.POINTER(ModelParams), HP]),
    "lumen_model_free": (None, [H]),
    "lumen_model_get_info": (S, [H, ctypes.POINTER(ModelInfo)]),
    "lumen_token_is_end": (S, [H, ctypes.c_int32, ctypes.POINTER(ctypes.c_int)]),
    "lumen_tokenize": (S, [H, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, c_int32_p,
                           ctypes.c_size_t, c_size_t_p]),
    "lumen_detokenize": (S, [H, c_int32_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_size_t, c_size_t_p]),
    "lumen_detokenizer_create": (S, [H, HP]),
    "lumen_detokenizer_push": (S, [H, ctypes.c_int32, ctypes.POINTER(ctypes.POINTER(ctypes.c_char)), c_size_t_p]),
    "lumen_detokenizer_flush": (S, [H, ctypes.POINTER(ctypes.POINTER(ctypes.c_char)), c_size_t_p]),
    "lumen_detokenizer_free": (None, [H]),
    "lumen_session_default_params": (S, [ctypes.POINTER(SessionParams), ctypes.c_size_t]),
    "lumen_session_create": (S, [H, ctypes.POINTER(SessionParams), HP]),
    "lumen_session_close": (S, [H]),
    "lumen_session_free": (None, [H]),
    "lumen_session_eval": (S, [H, c_int32_p, ctypes.c_size_t]),
    "lumen_session_logits": (S, [H, ctypes.POINTER(ctypes.POINTER(ctypes.c_float)), c_int32_p]),
    "lumen_session_position": (S, [H, c_int32_p]),
    "lumen_session_context_size": (S, [H, c_int32_p]),
    "lumen_session_reset": (S, [H]),
    "lumen_session_shift_context": (S, [H, ctypes.c_int32, ctypes.c_int32]),
    "lumen_session_save_state": (S, [H, ctypes.c_void_p, ctypes.c_size_t, c_size_t_p]),
    "lumen_session_load_state": (S, [H, ctypes.c_void_p, ctypes.c_size_t]),
    "lumen_lora_load": (S, [H, ctypes.c_char_p, HP]),
    "lumen_lora_free": (None, [H]),
    "lumen_session_attach_lora": (S, [H, H, ctypes.c_float]),
    "lumen_session_detach_lora": (S, [H, H]),
    "lumen_sampler_default_params": (S, [ctypes.POINTER(SamplerParams), ctypes.c_size_t]),
    "lumen_sampler_create": (S, [ctypes.POINTER(SamplerParams), HP]),
    "lumen_sampler_free": (None, [H]),
    "lumen_sampler_sample": (S, [H, H, c_int32_p]),
    "lumen_sampler_accept": (S, [H, ctypes.c_int32]),
    "lumen_sampler_reset": (S, [H]),
    "lumen_chat_apply_template": (S, [H, ctypes.c_char_p, ctypes.POINTER(ChatMessage), ctypes.c_size_t, ctypes.c_int,
                                      ctypes.c_char_p, ctypes.c_size_t, c_size_t_p]),
    "lumen_chat_create": (S, [H, ctypes.c_char_p, ctypes.c_char_p, HP]),
    "lumen_chat_free": (None, [H]),
    "lumen_chat_reply": (S, [H, H, ctypes.c_char_p, ctypes.c_int32, TEXT_CALLBACK, ctypes.c_void_p, c_int32_p]),
    "lumen_chat_reset": (S, [H]),
}


def _open_library():
    tried = []
    candidates = []
    if os.environ.get("LUMEN_LIBRARY"):
        candidates.append(os.environ["LUMEN_LIBRARY"])
    candidates.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), "liblumen.so.%d" % API_VERSION_MAJOR))
    candidates.append("liblumen.so.%d" % API_VERSION_MAJOR)
    found = ctypes.util.find_library("lumen")
    if found:
        candidates.append(found)
    for path in candidates:
        try:
            return ctypes.CDLL(path)
        except OSError as e:
            tried.append("%s (%s)" % (path, e))
    raise OSError("cannot load lumen's shared library; set LUMEN_LIBRARY to the path of liblumen.so.%d. Tried: %s"
                  % (API_VERSION_MAJOR, "; ".join(tried)))


def _bind(lib):
    for name, (restype, argtypes) in _SIGNATURES.items():
        f = getattr(lib, name)
        f.restype = restype
        f.argtypes = argtypes
    major = lib.lumen_api_version() // 1000
    if major != API_VERSION_MAJOR:
        raise OSError("liblumen has C API %d.x; these bindings need %d.x" % (major, API_VERSION_MAJOR))
    return lib


lib = _bind(_open_library())


def params(struct_type, fill):
    """A params struct filled with the library's defaults by `fill`."""
    p = struct_type()
    fill(ctypes.byref(p), ctypes.sizeof(p))
    return p
