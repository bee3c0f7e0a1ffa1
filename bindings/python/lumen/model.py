"""Model (load from a path, bytes or a file descriptor) and Lora."""
import ctypes
import os

from . import _native
from .errors import call

_lib = _native.lib


class _Handle:
    """Owns one C handle; close() (or leaving a `with` block) frees it."""
    _free = None

    def __init__(self):
        self._h = ctypes.c_void_p()

    @property
    def handle(self):
        if not self._h:
            raise ValueError("%s is closed" % type(self).__name__)
        return self._h

    def close(self):
        if self._h:
            type(self)._free(self._h)
            self._h = ctypes.c_void_p()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()


class Model(_Handle):
    """A loaded GGUF model, shareable by any number of sessions and threads.

    Model(path), Model(data=bytes) or Model(fd=n, offset=0, size=0).
    progress(fraction) -> bool (False aborts); log(level, message).
    """
    _free = staticmethod(_lib.lumen_model_free)

    def __init__(self, path=None, *, data=None, fd=None, offset=0, size=0, progress=None, log=None, repack=True):
        super().__init__()
        p = _native.params(_native.ModelParams, _lib.lumen_model_default_params)
        p.repack = 1 if repack else 0
        # The callbacks must stay alive while the C library may call them.
        self._progress = _native.PROGRESS_CALLBACK(lambda f, _: 1 if progress(f) is not False else 0) if progress else None
        self._log = _native.LOG_CALLBACK(lambda lv, m, _: log(lv, m.decode("utf-8", "replace"))) if log else None
        if self._progress:
            p.progress = self._progress
        if self._log:
            p.log = self._log
        if data is not None:
            buf = bytes(data)
            call(_lib.lumen_model_load_buffer, buf, len(buf), ctypes.byref(p), ctypes.byref(self._h))
        elif fd is not None:
            call(_lib.lumen_model_load_fd, fd, offset, size, ctypes.byref(p), ctypes.byref(self._h))
        else:
            if path is None:
                raise TypeError("Model needs a path, data= or fd=")
            call(_lib.lumen_model_load_file, os.fsencode(path), ctypes.byref(p), ctypes.byref(self._h))
        info = _native.ModelInfo()
        info.struct_size = ctypes.sizeof(info)
        call(_lib.lumen_model_get_info, self._h, ctypes.byref(info))
        self.arch = info.arch.decode()
        self.n_vocab, self.n_ctx_train, self.n_layer = info.n_vocab, info.n_ctx_train, info.n_layer
        self.n_embd, self.n_params = info.n_embd, info.n_params
        self.bos, self.eos = info.bos, info.eos

    def tokenize(self, text, add_special=True, parse_special=False):
        raw = text.encode("utf-8")
        n = ctypes.c_size_t()
        status = _lib.lumen_tokenize(self.handle, raw, len(raw), add_special, parse_special, None, 0, ctypes.byref(n))
        if status not in (0, 6):  # 6: LUMEN_ERR_BUFFER_TOO_SMALL, the expected answer to a size query
            call(lambda: status)
        ids = (ctypes.c_int32 * n.value)()
        call(_lib.lumen_tokenize, self.handle, raw, len(raw), add_special, parse_special, ids, n.value, ctypes.byref(n))
        return list(ids)

    def detokenize(self, tokens):
        ids = (ctypes.c_int32 * len(tokens))(*tokens)
        n = ctypes.c_size_t()
        status = _lib.lumen_detokenize(self.handle, ids, len(tokens), None, 0, ctypes.byref(n))
        if status not in (0, 6):
            call(lambda: status)
        buf = ctypes.create_string_buffer(n.value + 1)
        call(_lib.lumen_detokenize, self.handle, ids, len(tokens), buf, n.value + 1, ctypes.byref(n))
        return buf.raw[:n.value].decode("utf-8", "replace")

    def is_end(self, token):
        out = ctypes.c_int()
        call(_lib.lumen_token_is_end, self.handle, token, ctypes.byref(out))
        return bool(out.value)

    def apply_template(self, messages, template=None, add_generation_prompt=True):
        """Renders [(role, content), ...] or [{"role":..., "content":...}] with a chat template."""
        pairs = [(m["role"], m["content"]) if isinstance(m, dict) else m for m in messages]
        arr = (_native.ChatMessage * len(pairs))(*[_native.ChatMessage(r.encode(), c.encode()) for r, c in pairs])
        name = template.encode() if template is not None else None
        n = ctypes.c_size_t()
        status = _lib.lumen_chat_apply_template(self.handle, name, arr, len(pairs), add_generation_prompt, None, 0,
                                                ctypes.byref(n))
        if status not in (0, 6):
            call(lambda: status)
        buf = ctypes.create_string_buffer(n.value + 1)
        call(_lib.lumen_chat_apply_template, self.handle, name, arr, len(pairs), add_generation_prompt, buf,
             n.value + 1, ctypes.byref(n))
        return buf.raw[:n.value].decode("utf-8", "replace")


class Lora(_Handle):
    """A LoRA adapter for `model`; attach it to sessions with Session.attach_lora."""
    _free = staticmethod(_lib.lumen_lora_free)

    def __init__(self, model, path):
        super().__init__()
        call(_lib.lumen_lora_load, model.handle, os.fsencode(path), ctypes.byref(self._h))
