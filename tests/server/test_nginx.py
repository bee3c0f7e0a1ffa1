"""examples/nginx/lumen.conf in front of two `lumen serve` instances: requests
spread over both, streams pass through, and after one server is killed the
remaining requests still succeed.
usage: test_nginx.py LUMEN ROOT"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from serverlib import Server, check, finish, stream_text  # noqa: E402

LUMEN, ROOT = sys.argv[1], sys.argv[2]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
MODEL = os.path.join(ROOT, "models", "stories260K.gguf")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


a = Server(LUMEN, ["-m", MODEL, "-np", "4", "-t", "1"])
b = Server(LUMEN, ["-m", MODEL, "-np", "4", "-t", "1"])
port = free_port()
conf = open(os.path.join(ROOT, "examples", "nginx", "lumen.conf")).read()
conf = conf.replace("127.0.0.1:8081", f"127.0.0.1:{a.port}").replace("127.0.0.1:8082", f"127.0.0.1:{b.port}")
conf = re.sub(r"listen 8080;", f"listen 127.0.0.1:{port};", conf)
tmp = tempfile.mkdtemp(prefix="lumen-nginx-")
with open(os.path.join(tmp, "lumen.conf"), "w") as f:
    f.write(conf)
with open(os.path.join(tmp, "nginx.conf"), "w") as f:
    f.write(f"""worker_processes 1;
error_log {tmp}/error.log;
pid {tmp}/nginx.pid;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fcgi; uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
    include {tmp}/lumen.conf;
}}
""")
nginx = subprocess.Popen([NGINX, "-p", tmp, "-c", os.path.join(tmp, "nginx.conf"), "-g", "daemon off;"])


class Front(Server):
    """The helpers of Server, pointed at nginx."""
    def __init__(self, port):  # noqa: super not called: nothing to start
        self.port = port


front = Front(port)
for _ in range(100):
    try:
        if front.request("GET", "/health")[0] == 200:
            break
    except OSError:
        time.sleep(0.05)

try:
    ask = {"messages": [{"role": "user", "content": "Once upon a time"}], "max_tokens": 40, "temperature": 0}
    results = []
    def run():
        results.append(front.stream("/v1/chat/completions", ask))
    ts = [threading.Thread(target=run) for _ in range(8)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    texts = {stream_text(r[1]) for r in results}
    check("8 concurrent streams through nginx", len(results) == 8 and all(r[0] == 200 and r[2] for r in results) and len(texts) == 1,
          [r[0] for r in results])
    for _ in range(50):  # a stream is counted when its connection is released, just after [DONE]
        served = [s.metrics()['lumen_requests_total{outcome="ok"}'] for s in (a, b)]
        if sum(served) == 8:
            break
        time.sleep(0.05)
    check("least_conn spread them over both servers", min(served) >= 2 and sum(served) == 8, served)

    a.proc.send_signal(signal.SIGKILL)
    a.proc.wait()
    ok = 0
    for i in range(10):
        st, _, r = front.post("/v1/chat/completions", {**ask, "max_tokens": 8})
        ok += st == 200
        st, events, done = front.stream("/v1/completions", {"prompt": "Tom", "max_tokens": 8})
        ok += st == 200 and done
    check("after one server was killed, all 20 requests succeeded", ok == 20, ok)
    time.sleep(0.2)
    check("the survivor served them", b.metrics()['lumen_requests_total{outcome="ok"}'] == served[1] + 20)
finally:
    nginx.send_signal(signal.SIGQUIT)
    nginx.wait(10)
    check("survivor exits 0", b.stop() == 0)
    shutil.rmtree(tmp, ignore_errors=True)
finish()
