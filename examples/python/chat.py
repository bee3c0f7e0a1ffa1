"""Streams a reply from a model through lumen's Python binding.

    python3 chat.py MODEL.gguf [PROMPT] [TEMPERATURE]

Needs the binding (pip install --no-build-isolation bindings/python, or
PYTHONPATH=bindings/python) and liblumen.so.1 (installed, or LUMEN_LIBRARY=path).
"""
import sys

import lumen


def main(argv):
    if len(argv) < 2:
        print("usage: chat.py MODEL.gguf [PROMPT] [TEMPERATURE]", file=sys.stderr)
        return 2
    prompt = argv[2] if len(argv) > 2 else "Once upon a time"
    temp = float(argv[3]) if len(argv) > 3 else 0.8
    try:
        # Handles are freed when the with-blocks end.
        with lumen.Model(argv[1]) as model, lumen.Session(model, n_ctx=256) as session:
            chat = lumen.Chat(session)  # the model's own template (plain continuation if none)
            sampler = lumen.Sampler(temp=temp)
            for piece in chat.reply(prompt, sampler, n_predict=64):
                print(piece, end="", flush=True)
            print()
    except lumen.LumenError as e:  # carries the library's message, e.g. a missing file
        print("error (%s): %s" % (e.status, e), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
