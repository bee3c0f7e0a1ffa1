"""Helpers for the `lumen serve` tests: start a server on 127.0.0.1 and a free
port (--port 0; the port is read from its log), talk HTTP with the standard
library only, stop it with SIGTERM and check it exits 0."""
import atexit
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

FAILS = []
RUNNING = []  # servers to kill if a test dies before stopping them


@atexit.register
def _kill_leftovers():
    for p in RUNNING:
        if p.poll() is None:
            p.kill()
            p.wait()


def check(name, cond, detail=""):
    if cond:
        print(f"ok   {name}")
    else:
        print(f"FAIL {name} {detail}")
        FAILS.append(name)


def finish():
    print(f"{len(FAILS)} failed")
    sys.exit(1 if FAILS else 0)


class Server:
    def __init__(self, lumen, args, env=None):
        self.log = tempfile.NamedTemporaryFile(prefix="lumen-serve-", suffix=".log", delete=False)
        self.proc = subprocess.Popen([lumen, "serve", "--port", "0", *args], stdout=self.log, stderr=self.log,
                                     env={**os.environ, **(env or {})})
        RUNNING.append(self.proc)
        self.port = None
        deadline = time.time() + 30
        while time.time() < deadline and self.proc.poll() is None:
            m = re.search(r"listening on http://[^:]+:(\d+)", self.text())
            if m:
                self.port = int(m.group(1))
                break
            time.sleep(0.05)
        if self.port is None:
            raise RuntimeError("server did not start:\n" + self.text())

    def text(self):
        with open(self.log.name, encoding="utf-8", errors="replace") as f:
            return f.read()

    def conn(self, timeout=60):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, path, body=None, headers=None, timeout=60):
        """-> (status, headers dict, body bytes)"""
        c = self.conn(timeout)
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        c.request(method, path, body=body, headers={"Content-Type": "application/json", **(headers or {})})
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data

    def post(self, path, body, **kw):
        status, headers, data = self.request("POST", path, body, **kw)
        try:
            return status, headers, json.loads(data)
        except ValueError:
            return status, headers, data

    def stream(self, path, body, headers=None, stop_after=None, stop_after_s=None, timeout=60):
        """SSE request -> (status, list of parsed events, saw [DONE]).
        stop_after / stop_after_s: hang up after N events / that many seconds."""
        t0 = time.time()
        c = self.conn(timeout)
        c.request("POST", path, body=json.dumps({**body, "stream": True}),
                  headers={"Content-Type": "application/json", **(headers or {})})
        r = c.getresponse()
        if r.status != 200:
            data = r.read()
            c.close()
            return r.status, [json.loads(data)], False
        events, done = [], False
        while True:
            line = r.readline()  # chunked transfer decoded (events may straddle chunks)
            if not line:
                break
            line = line.decode().rstrip("\r\n")
            if not line.startswith("data: "):
                continue
            if line == "data: [DONE]":
                done = True
                break
            events.append(json.loads(line[6:]))
            if (stop_after is not None and len(events) >= stop_after) or \
                    (stop_after_s is not None and time.time() - t0 >= stop_after_s):
                c.sock.close()
                c.close()
                return r.status, events, False
        c.close()
        return r.status, events, done

    def metrics(self, headers=None):
        _, _, data = self.request("GET", "/metrics", headers=headers)
        out = {}
        for line in data.decode().splitlines():
            if line and not line.startswith("#"):
                name, value = line.rsplit(" ", 1)
                out[name] = float(value)
        return out

    def status_field(self, name):
        """A number from /proc/PID/status (VmRSS in kB, Threads, ...); 0 if absent."""
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith(name + ":"):
                    return int(line.split()[1])
        return 0

    def rss_kb(self):
        return self.status_field("VmRSS")

    def stop(self, sig=signal.SIGTERM, timeout=20):
        """Sends `sig`; returns the exit status (None if it had to be killed)."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                return None
        os.unlink(self.log.name)
        return self.proc.returncode


def stream_text(events, chat=True):
    if chat:
        return "".join(e["choices"][0]["delta"].get("content", "") for e in events if e.get("choices"))
    return "".join(e["choices"][0]["text"] for e in events if e.get("choices"))
