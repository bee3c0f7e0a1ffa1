"""lumen: small quantized language models, fast and offline on CPUs.

    import lumen
    with lumen.Model("stories260K.gguf") as model, lumen.Session(model, n_ctx=256) as session:
        chat = lumen.Chat(session)
        for piece in chat.reply("Once upon a time", lumen.Sampler(temp=0), n_predict=32):
            print(piece, end="", flush=True)
"""
from ._native import lib as _lib
from .chat import Chat
from .errors import LumenError
from .model import Lora, Model
from .session import Sampler, Session

__all__ = ["Chat", "Lora", "LumenError", "Model", "Sampler", "Session", "version", "API_VERSION"]

API_VERSION = _lib.lumen_api_version()


def version():
    return _lib.lumen_version().decode()
