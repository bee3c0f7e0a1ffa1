"""Load generator for bench/serve.sh: N concurrent streaming clients, each
asking R questions of exactly T generated tokens (temperature 0, no stop at end
of text), against any OpenAI-compatible server. Prints one JSON line:
aggregate generated tokens per second and time to first token p50/p95.
usage: serve_client.py URL STREAMS [ROUNDS] [TOKENS]"""
import http.client
import json
import statistics
import sys
import threading
import time
import urllib.parse

url = urllib.parse.urlparse(sys.argv[1])
streams = int(sys.argv[2])
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
tokens = int(sys.argv[4]) if len(sys.argv) > 4 else 64
ttft, generated, errors = [], [0], []
lock = threading.Lock()


def client(i):
    for r in range(rounds):
        body = {"prompt": f"Question {i}.{r}: tell the story of the number {i * 31 + r}.", "max_tokens": tokens,
                "temperature": 0, "stream": True, "ignore_eos": True, "n_predict": tokens,
                "stream_options": {"include_usage": True}}
        c = http.client.HTTPConnection(url.hostname, url.port, timeout=600)
        t0 = time.time()
        c.request("POST", "/v1/completions", json.dumps(body), {"Content-Type": "application/json"})
        resp = c.getresponse()
        first, n, events = None, 0, 0
        while True:
            line = resp.readline()
            if not line:
                break
            line = line.decode().strip()
            if not line.startswith("data: ") or line == "data: [DONE]":
                continue
            ev = json.loads(line[6:])
            if ev.get("choices") and ev["choices"][0].get("text"):
                first = first or time.time() - t0
                events += 1
            if ev.get("usage"):
                n = ev["usage"]["completion_tokens"]
        c.close()
        with lock:
            if first is None:
                errors.append(i)
            else:
                ttft.append(first)
        with lock:
            generated[0] += n or events  # usage when the server reports it


t = time.time()
threads = [threading.Thread(target=client, args=(i,)) for i in range(streams)]
for th in threads:
    th.start()
for th in threads:
    th.join()
wall = time.time() - t
q = statistics.quantiles(ttft, n=20) if len(ttft) > 1 else [ttft[0]] * 19
print(json.dumps({"streams": streams, "requests": streams * rounds, "errors": len(errors),
                  "generated": generated[0], "seconds": round(wall, 3),
                  "tokens_per_second": round(generated[0] / wall, 2),
                  "ttft_p50_ms": round(statistics.median(ttft) * 1000, 1), "ttft_p95_ms": round(q[18] * 1000, 1)}))
