"""The official `openai` npm package (installed by scripts/setup.sh into
BUILD/npm) talks to `lumen serve` with an API key.
usage: test_openai.py LUMEN ROOT NPM_DIR"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from serverlib import Server, check, finish  # noqa: E402

LUMEN, ROOT, NPM = sys.argv[1:4]
modules = os.path.join(NPM, "node_modules")
if not os.path.isdir(os.path.join(modules, "openai")):
    print(f"FAIL the openai package is not installed in {modules}: run scripts/setup.sh")
    sys.exit(1)
s = Server(LUMEN, ["-m", os.path.join(ROOT, "models", "stories260K.gguf"), "-np", "2", "-t", "1",
                   "--api-key", "classroom-key"])
r = subprocess.run(["node", os.path.join(os.path.dirname(__file__), "openai_client.cjs"), f"http://127.0.0.1:{s.port}/v1"],
                   env={**os.environ, "NODE_PATH": modules}, capture_output=True, text=True, timeout=120)
print(r.stdout, r.stderr)
check("openai npm client: models, chat (plain and streamed), completions, errors", r.returncode == 0)
check("exit 0", s.stop() == 0)
finish()
