"""Load: 32 concurrent clients for a bounded time against 8 slots. Most stream
answers (a share of them hang up mid-stream), others send malformed JSON,
oversized bodies, unknown models and wrong field types. Every valid request
must complete, every invalid one get its 4xx, the server stay up with flat
memory, and /metrics add up to what the clients saw.
usage: test_load.py LUMEN ROOT [SECONDS]"""
import json
import os
import sys
import threading
import time
import traceback

sys.path.insert(0, os.path.dirname(__file__))
from serverlib import Server, check, finish  # noqa: E402

LUMEN, ROOT = sys.argv[1], sys.argv[2]
SECONDS = float(sys.argv[3]) if len(sys.argv) > 3 else 20
CLIENTS = 32

s = Server(LUMEN, ["-m", os.path.join(ROOT, "models", "stories260K.gguf"), "-np", "8", "-t", "1",
                   "--max-body", "100000", "--max-queue", "64"])
lock = threading.Lock()
seen = {"ok": 0, "cancelled": 0, "invalid": 0, "bad_valid": [], "bad_invalid": [], "exceptions": []}

INVALID = [
    ("malformed", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"", 400),
    ("oversized", json.dumps({"messages": [{"role": "user", "content": "x" * 150_000}]}), 413),
    ("unknown model", json.dumps({"model": "nope", "messages": [{"role": "user", "content": "hi"}]}), 404),
    ("wrong type", json.dumps({"messages": [{"role": "user", "content": "hi"}], "max_tokens": "many"}), 400),
]


def client(i, end):
    n = 0
    while time.time() < end:
        n += 1
        kind = i % 8
        try:
            if kind == 7:  # one in eight clients sends invalid requests
                name, body, want = INVALID[n % len(INVALID)]
                st, _, r = s.request("POST", "/v1/chat/completions", body)
                with lock:
                    if st == want:
                        seen["invalid"] += 1
                    else:
                        seen["bad_invalid"].append((name, st, r[:200]))
                time.sleep(0.05)
                continue
            hang_up = kind in (5, 6) and n % 2 == 0  # a share of the streams stop reading mid-answer
            body = {"messages": [{"role": "user", "content": f"Student {i} asks question {n}"}],
                    "max_tokens": 3000 if hang_up else 24 + (i * 7 + n) % 40, "temperature": 0.8,
                    "seed": i * 1000 + n, "min_p": 0, "top_k": 0, "top_p": 1}
            st, events, done = s.stream("/v1/chat/completions", body, stop_after=3 if hang_up else None)
            with lock:
                if hang_up:
                    seen["cancelled"] += 1
                elif st == 200 and done and events[-1]["choices"][0]["finish_reason"] in ("stop", "length"):
                    seen["ok"] += 1
                else:
                    seen["bad_valid"].append((st, events[-1:] if events else None))
        except Exception as e:  # noqa: BLE001 (any failure is a test failure)
            what = INVALID[n % len(INVALID)][0] if kind == 7 else "hang-up stream" if kind in (5, 6) and n % 2 == 0 \
                else "stream"
            where = traceback.extract_tb(e.__traceback__)[-2:]
            with lock:
                seen["exceptions"].append(f"{what}: {e!r} at " + " <- ".join(f"{f.name}:{f.lineno}" for f in where))


end = time.time() + SECONDS
threads = [threading.Thread(target=client, args=(i, end)) for i in range(CLIENTS)]
for t in threads:
    t.start()
time.sleep(min(5, SECONDS / 4))
rss_warm = s.rss_kb()
for t in threads:
    t.join()
time.sleep(0.5)  # hung-up streams are noticed at the next write
rss_end = s.rss_kb()
m = s.metrics()
print(f"{seen['ok']} answers, {seen['cancelled']} hang-ups, {seen['invalid']} invalid; "
      f"RSS {rss_warm} -> {rss_end} kB; mean batch {m['lumen_step_sequences_total'] / max(1, m['lumen_steps_total']):.2f}")
check("load: valid requests all completed", not seen["bad_valid"] and seen["ok"] > 20, seen["bad_valid"][:3])
check("load: invalid requests all got their 4xx", not seen["bad_invalid"] and seen["invalid"] > 10,
      seen["bad_invalid"][:3])
check("load: no client errors", not seen["exceptions"], seen["exceptions"][:3])
check("load: server still healthy", s.request("GET", "/health")[0] == 200)
check("load: RSS flat (< 8 MB growth after warm-up)", rss_end - rss_warm < 8 * 1024, (rss_warm, rss_end))
ok, inv, can = (m[f'lumen_requests_total{{outcome="{k}"}}'] for k in ("ok", "invalid", "cancelled"))
check("metrics: ok count adds up", ok == seen["ok"], (ok, seen["ok"]))
check("metrics: invalid count adds up", inv == seen["invalid"], (inv, seen["invalid"]))
check("metrics: cancelled count adds up", can == seen["cancelled"], (can, seen["cancelled"]))
check("metrics: nothing failed or rejected", m['lumen_requests_total{outcome="failed"}'] == 0
      and m['lumen_requests_total{outcome="rejected"}'] == 0, m)
check("metrics: idle at the end", m["lumen_slots_busy"] == 0 and m["lumen_queue_length"] == 0, m)
check("load: exit 0", s.stop() == 0)
finish()
