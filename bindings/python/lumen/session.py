"""Session (one conversation's KV cache) and Sampler."""
import ctypes

from . import _native
from .errors import call
from .model import _Handle

_lib = _native.lib


class Sampler(_Handle):
    """llama.cpp's sampler chain; temp=0 is greedy. Same seed, same tokens."""
    _free = staticmethod(_lib.lumen_sampler_free)

    def __init__(self, **params):
        super().__init__()
        p = _native.params(_native.SamplerParams, _lib.lumen_sampler_default_params)
        for name, value in params.items():
            if name == "struct_size" or not hasattr(p, name):
                raise TypeError("unknown sampler parameter %r" % name)
            setattr(p, name, value)
        call(_lib.lumen_sampler_create, ctypes.byref(p), ctypes.byref(self._h))

    def sample(self, session):
        t = ctypes.c_int32()
        call(_lib.lumen_sampler_sample, self.handle, session.handle, ctypes.byref(t))
        return t.value

    def accept(self, token):
        call(_lib.lumen_sampler_accept, self.handle, token)

    def reset(self):
        call(_lib.lumen_sampler_reset, self.handle)


class Session(_Handle):
    """A conversation state over a model: eval tokens, read logits, generate.
    Use from one thread at a time. close() frees its memory at once."""
    _free = staticmethod(_lib.lumen_session_free)

    def __init__(self, model, n_ctx=0, n_batch=512, n_threads=0):
        super().__init__()
        p = _native.params(_native.SessionParams, _lib.lumen_session_default_params)
        p.n_ctx, p.n_batch, p.n_threads = n_ctx, n_batch, n_threads
        call(_lib.lumen_session_create, model.handle, ctypes.byref(p), ctypes.byref(self._h))
        self.model = model

    def eval(self, tokens):
        ids = (ctypes.c_int32 * len(tokens))(*tokens)
        call(_lib.lumen_session_eval, self.handle, ids, len(tokens))

    def logits(self):
        """The last eval's logits as a list of n_vocab floats."""
        ptr = ctypes.POINTER(ctypes.c_float)()
        n = ctypes.c_int32()
        call(_lib.lumen_session_logits, self.handle, ctypes.byref(ptr), ctypes.byref(n))
        return ptr[:n.value]

    @property
    def position(self):
        out = ctypes.c_int32()
        call(_lib.lumen_session_position, self.handle, ctypes.byref(out))
        return out.value

    @property
    def context_size(self):
        out = ctypes.c_int32()
        call(_lib.lumen_session_context_size, self.handle, ctypes.byref(out))
        return out.value

    def reset(self):
        call(_lib.lumen_session_reset, self.handle)

    def shift_context(self, n_keep, n_discard):
        call(_lib.lumen_session_shift_context, self.handle, n_keep, n_discard)

    def save_state(self):
        """The KV cache and position as bytes (resume with load_state)."""
        n = ctypes.c_size_t()
        status = _lib.lumen_session_save_state(self.handle, None, 0, ctypes.byref(n))
        if status not in (0, 6):
            call(lambda: status)
        buf = ctypes.create_string_buffer(n.value)
        call(_lib.lumen_session_save_state, self.handle, buf, n.value, ctypes.byref(n))
        return buf.raw[:n.value]

    def load_state(self, state):
        data = bytes(state)
        call(_lib.lumen_session_load_state, self.handle, data, len(data))

    def attach_lora(self, lora, scale=1.0):
        call(_lib.lumen_session_attach_lora, self.handle, lora.handle, scale)

    def detach_lora(self, lora):
        call(_lib.lumen_session_detach_lora, self.handle, lora.handle)

    def generate_tokens(self, prompt, sampler, n_predict=64, stop_at_end=True):
        """Evaluates `prompt` (text or token ids) and yields sampled token ids."""
        tokens = self.model.tokenize(prompt) if isinstance(prompt, str) else list(prompt)
        self.eval(tokens)
        for _ in range(n_predict):
            t = sampler.sample(self)
            if stop_at_end and self.model.is_end(t):
                return
            yield t
            self.eval([t])

    def generate(self, prompt, sampler, n_predict=64, stop_at_end=True):
        """Like generate_tokens, but yields text pieces (whole UTF-8 characters)."""
        d = ctypes.c_void_p()
        call(_lib.lumen_detokenizer_create, self.model.handle, ctypes.byref(d))
        try:
            text = ctypes.POINTER(ctypes.c_char)()
            n = ctypes.c_size_t()
            for t in self.generate_tokens(prompt, sampler, n_predict, stop_at_end):
                call(_lib.lumen_detokenizer_push, d, t, ctypes.byref(text), ctypes.byref(n))
                if n.value:
                    yield text[:n.value].decode("utf-8")
            call(_lib.lumen_detokenizer_flush, d, ctypes.byref(text), ctypes.byref(n))
            if n.value:
                yield text[:n.value].decode("utf-8")
        finally:
            _lib.lumen_detokenizer_free(d)

    def close(self):
        """Frees the session's memory now; later calls raise LumenError
        (LUMEN_ERR_CLOSED). Chats on the session stop working too."""
        if self._h:
            _lib.lumen_session_close(self._h)  # a second close is harmless

    def __del__(self):
        _Handle.close(self)  # frees the handle itself
