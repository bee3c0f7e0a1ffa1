"""Chat: a conversation with the model's chat template, streamed."""
import ctypes
import queue
import threading

from . import _native
from .errors import LumenError, call
from .model import _Handle
from .session import Sampler

_lib = _native.lib
_DONE = object()


class Chat(_Handle):
    """A conversation over a session. template: None = the model's own (plain
    continuation if it has none), "" = plain, or a family name ("chatml", ...)."""
    _free = staticmethod(_lib.lumen_chat_free)

    def __init__(self, session, template=None, system_prompt=None):
        super().__init__()
        call(_lib.lumen_chat_create, session.handle, template.encode() if template is not None else None,
             system_prompt.encode() if system_prompt is not None else None, ctypes.byref(self._h))
        self.session = session

    def reply(self, text, sampler=None, n_predict=-1):
        """Adds the user's message and yields the answer's text pieces as they
        are generated. Stopping early (break, close()) stops the generation."""
        sampler = sampler or Sampler()
        pieces = queue.Queue()
        stop = threading.Event()

        def on_text(data, length, _):
            pieces.put(ctypes.string_at(data, length).decode("utf-8", "replace"))
            return 0 if stop.is_set() else 1

        callback = _native.TEXT_CALLBACK(on_text)
        result = {}

        def run():  # the C call runs here (ctypes releases the GIL); pieces flow through the queue
            try:
                call(_lib.lumen_chat_reply, self.handle, sampler.handle, text.encode("utf-8"), n_predict, callback,
                     None, None)
            except LumenError as e:
                result["error"] = e
            finally:
                pieces.put(_DONE)

        worker = threading.Thread(target=run, daemon=True)
        worker.start()
        try:
            while True:
                piece = pieces.get()
                if piece is _DONE:
                    break
                yield piece
        finally:
            stop.set()
            worker.join()
        if "error" in result:
            raise result["error"]

    def say(self, text, sampler=None, n_predict=-1):
        """The whole answer as one string."""
        return "".join(self.reply(text, sampler, n_predict))

    def reset(self):
        call(_lib.lumen_chat_reset, self.handle)
