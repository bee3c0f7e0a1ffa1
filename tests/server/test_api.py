"""`lumen serve` API behaviour with plain HTTP: answers, streaming, errors named
by field, limits (body size, queue, timeout, API key), stop strings, seeds,
determinism under batching, prompt cache, adapters, disconnects, SIGTERM.
usage: test_api.py LUMEN ROOT"""
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from serverlib import Server, check, finish, stream_text  # noqa: E402

LUMEN, ROOT = sys.argv[1], sys.argv[2]
STORIES = os.path.join(ROOT, "models", "stories260K.gguf")
SYNTH = os.path.join(ROOT, "tests", "data", "models", "synth")
CHAT = "/v1/chat/completions"
ASK = {"messages": [{"role": "user", "content": "Once upon a time"}], "max_tokens": 24, "temperature": 0}


def answer(resp):
    return resp["choices"][0]["message"]["content"]


def basics(s):
    st, h, r = s.post(CHAT, ASK)
    check("chat: 200 with an answer", st == 200 and len(answer(r)) > 10, r)
    check("chat: object, usage, finish", r["object"] == "chat.completion" and r["usage"]["completion_tokens"] == 24
          and r["choices"][0]["finish_reason"] == "length" and r["model"] == "stories260K", r)
    _, evs, done = s.stream(CHAT, ASK)
    check("chat stream: same text as non-streamed", stream_text(evs) == answer(r) and done, stream_text(evs))
    check("chat stream: role first, finish last", evs[0]["choices"][0]["delta"].get("role") == "assistant"
          and evs[-1]["choices"][0]["finish_reason"] == "length")
    st, _, c = s.post("/v1/completions", {"prompt": "Once upon a time", "max_tokens": 24, "temperature": 0})
    check("completions: same text as chat for a plain model", st == 200 and c["choices"][0]["text"] == answer(r), c)
    _, evs, done = s.stream("/v1/completions", {"prompt": "Once upon a time", "max_tokens": 24, "temperature": 0})
    check("completions stream", done and stream_text(evs, chat=False) == answer(r))
    # Stop strings cut the answer before them.
    cut = answer(r).split(" ")[3]
    st, _, r2 = s.post(CHAT, {**ASK, "stop": [" " + cut]})
    check("stop string", st == 200 and answer(r2) == answer(r).split(" " + cut)[0]
          and r2["choices"][0]["finish_reason"] == "stop", answer(r2))
    _, evs, _ = s.stream(CHAT, {**ASK, "stop": " " + cut})
    check("stop string, streamed", stream_text(evs) == answer(r2), stream_text(evs))
    # Seeds: same seed, same sampled text; unknown fields ignored.
    hot = {**ASK, "temperature": 1.0, "top_k": 0, "top_p": 1.0, "min_p": 0.0, "seed": 42, "max_tokens": 40,
           "logit_bias": {}, "user": "student-7", "whatever": [1, 2]}
    a, b = answer(s.post(CHAT, hot)[2]), answer(s.post(CHAT, hot)[2])
    c2 = answer(s.post(CHAT, {**hot, "seed": 43})[2])
    check("seed: same seed same text, other seed other text", a == b and a != c2, (a, c2))
    # Prompt cache: a follow-up turn reuses the first turn's tokens.
    turn1 = {"messages": [{"role": "user", "content": "Lily had a red ball."}], "max_tokens": 8, "temperature": 0}
    r1 = s.post(CHAT, turn1)[2]
    turn2 = {**turn1, "messages": turn1["messages"] + [{"role": "assistant", "content": answer(r1)},
                                                       {"role": "user", "content": "Then she"}]}
    r2 = s.post(CHAT, turn2)[2]
    cached = r2["usage"]["prompt_tokens_details"]["cached_tokens"]
    check("prompt cache: the next turn evaluates only new text", cached >= r1["usage"]["prompt_tokens"], r2["usage"])
    st, _, m = s.request("GET", "/v1/models")
    check("models", st == 200 and json.loads(m)["data"][0]["id"] == "stories260K")
    st, _, hb = s.request("GET", "/health")
    check("health", st == 200 and json.loads(hb)["status"] == "ok")
    st, h, page = s.request("GET", "/")
    check("page served", st == 200 and b"<html" in page.lower() and "text/html" in h["content-type"])
    st, _, _ = s.request("GET", "/../../etc/passwd")
    check("no file system through the server", st == 404)


def errors(s):
    cases = [
        ("malformed JSON", "{\"messages\": [", 400, None),
        ("body not an object", "[1,2]", 400, None),
        ("messages missing", {"max_tokens": 3}, 400, "messages"),
        ("messages wrong type", {"messages": "hi"}, 400, "messages"),
        ("role wrong", {"messages": [{"role": 5, "content": "x"}]}, 400, "messages[0].role"),
        ("content wrong", {"messages": [{"role": "user", "content": 7}]}, 400, "messages[0].content"),
        ("max_tokens string", {**ASK, "max_tokens": "5"}, 400, "max_tokens"),
        ("max_tokens zero", {**ASK, "max_tokens": 0}, 400, "max_tokens"),
        ("temperature string", {**ASK, "temperature": "hot"}, 400, "temperature"),
        ("temperature range", {**ASK, "temperature": 9}, 400, "temperature"),
        ("top_p range", {**ASK, "top_p": 1.5}, 400, "top_p"),
        ("top_k float", {**ASK, "top_k": 1.5}, 400, "top_k"),
        ("min_p string", {**ASK, "min_p": "x"}, 400, "min_p"),
        ("seed string", {**ASK, "seed": "x"}, 400, "seed"),
        ("stop number", {**ASK, "stop": 5}, 400, "stop"),
        ("stream string", {**ASK, "stream": "yes"}, 400, "stream"),
        ("n = 2", {**ASK, "n": 2}, 400, "n"),
        ("lora not array", {**ASK, "lora": "physics"}, 400, "lora"),
        ("unknown adapter", {**ASK, "lora": [{"name": "chemistry"}]}, 404, "lora[0].name"),
        ("unknown model", {**ASK, "model": "gpt-4o"}, 404, "model"),
        ("prompt too long", {"messages": [{"role": "user", "content": "word " * 3000}]}, 400, "messages"),
    ]
    for name, body, status, param in cases:
        st, _, r = s.post(CHAT, body)
        ok = st == status and isinstance(r, dict) and "message" in r.get("error", {})
        if param is not None:
            ok = ok and r["error"]["param"] == param
        check(f"error: {name} -> {status}", ok, (st, r))
    st, _, r = s.post("/v1/completions", {"prompt": [1, 2, 3]})
    check("error: completions prompt of token ids -> 400", st == 400 and r["error"]["param"] == "prompt", r)
    st, _, r = s.post(CHAT, json.dumps({**ASK, "pad": "x" * 300_000}))
    check("error: body over --max-body -> 413", st == 413, st)
    st, _, r = s.request("GET", "/v1/nothing")
    check("error: unknown endpoint -> 404", st == 404)


def batching(s):
    """A seeded temperature-0 request gives the same text alone and batched with 7 others."""
    req = {"messages": [{"role": "user", "content": "The cat sat"}], "max_tokens": 48, "temperature": 0, "seed": 7}
    alone = answer(s.post(CHAT, req)[2])
    others = [{"messages": [{"role": "user", "content": f"Tom and Sue went to the {w}"}], "max_tokens": 60,
               "temperature": 0.9, "seed": i} for i, w in enumerate(["park", "sea", "shop", "zoo", "farm", "hill", "lake"])]
    results = [None] * 8
    def run(i, body):
        results[i] = s.stream(CHAT, body)
    threads = [threading.Thread(target=run, args=(i + 1, b)) for i, b in enumerate(others)]
    for t in threads:
        t.start()
    time.sleep(0.05)
    run(0, req)
    for t in threads:
        t.join()
    m = s.metrics()
    check("batching: same text alone and among 7 others", stream_text(results[0][1]) == alone,
          (stream_text(results[0][1]), alone))
    check("batching: all 8 completed", all(r[2] for r in results))
    check("batching: steps held several sequences",
          m["lumen_step_sequences_total"] > m["lumen_steps_total"] * 1.5, m)


def limits(lumen):
    # One slot, one queue place: a third concurrent request is refused with 503 + Retry-After.
    # A long request runs for seconds on any machine (the bundled model makes
    # 3000+ tokens a second on one core: 4000 tokens once took 1.3 s, close to
    # the waits below), and it does not stop at an end token.
    s = Server(lumen, ["-m", STORIES, "-np", "1", "--max-queue", "1", "-t", "1", "-n", "30000", "-c", "32768"])
    long = {"prompt": "Once", "max_tokens": 30000, "temperature": 1.0, "min_p": 0, "top_k": 0, "top_p": 1,
            "ignore_eos": True}
    got = {}
    holder = threading.Thread(target=lambda: got.update(a=s.stream("/v1/completions", long, stop_after_s=1.5)))
    holder.start()
    time.sleep(0.2)
    queued = threading.Thread(target=lambda: got.update(b=s.post("/v1/completions", {**long, "max_tokens": 5})))
    queued.start()
    time.sleep(0.2)
    st, h, r = s.post("/v1/completions", long)
    holder.join()
    queued.join()
    check("queue full -> 503 with Retry-After", st == 503 and h.get("retry-after") == "1", (st, h, r))
    check("the queued request ran after the hang-up", got["b"][0] == 200, got["b"])
    # The hung-up stream freed the slot: the next request gets it at once.
    t = time.time()
    st, _, r = s.post("/v1/completions", {"prompt": "Once", "max_tokens": 5})
    check("disconnect frees the slot", st == 200 and time.time() - t < 5, time.time() - t)
    m = s.metrics()
    check("metrics: one cancelled, one rejected", m['lumen_requests_total{outcome="cancelled"}'] == 1
          and m['lumen_requests_total{outcome="rejected"}'] == 1, m)
    # SIGTERM while a stream runs: the stream ends, the server exits 0.
    got = []
    t1 = threading.Thread(target=lambda: got.append(s.stream("/v1/completions", long)))
    t1.start()
    time.sleep(0.5)
    status = s.stop()
    t1.join()
    check("SIGTERM mid-stream: exit 0", status == 0, status)
    check("SIGTERM mid-stream: the stream was ended", got and got[0][2], got[:1])

    s = Server(lumen, ["-m", STORIES, "-np", "1", "--timeout", "1", "-n", "100000", "-c", "32768", "-t", "1",
                       "--api-key", "sesame"])
    st, _, r = s.post(CHAT, ASK)
    check("api key: 401 without it", st == 401 and r["error"]["code"] == "invalid_api_key", r)
    st, _, r = s.post(CHAT, ASK, headers={"Authorization": "Bearer wrong"})
    check("api key: 401 with a wrong one", st == 401)
    key = {"Authorization": "Bearer sesame"}
    st, _, r = s.post(CHAT, ASK, headers=key)
    check("api key: 200 with it", st == 200, r)
    st, _, _ = s.request("GET", "/health")
    check("api key: /health stays open", st == 200)
    st, _, r = s.post("/v1/completions", {"prompt": "Once", "max_tokens": 30000, "temperature": 1, "min_p": 0,
                                          "top_k": 0, "top_p": 1, "ignore_eos": True, "ignore": 1}, headers=key)
    check("request timeout -> 504", st == 504, (st, r))
    check("SIGINT: exit 0", s.stop(signal_int()) == 0)


def signal_int():
    import signal
    return signal.SIGINT


def adapters(lumen):
    lora = os.path.join(SYNTH, "tiny-lora-r8.gguf")
    s = Server(lumen, ["-m", os.path.join(SYNTH, "tiny-f32.gguf"), "-np", "4", "-t", "1", "--lora", f"physics={lora}"])
    ids = [m["id"] for m in json.loads(s.request("GET", "/v1/models")[2])["data"]]
    check("adapters listed as models", ids == ["tiny-f32", "physics"], ids)
    base = {"prompt": "a b c", "max_tokens": 16, "temperature": 0}
    plain = s.post("/v1/completions", base)[2]["choices"][0]["text"]
    with_lora = s.post("/v1/completions", {**base, "lora": [{"name": "physics", "scale": 1.0}]})[2]["choices"][0]["text"]
    by_model = s.post("/v1/completions", {**base, "model": "physics"})[2]["choices"][0]["text"]
    check("adapter changes the answer; 'model' selects it too", plain != with_lora and by_model == with_lora,
          (plain, with_lora, by_model))
    res = {}
    def run(k, body):
        res[k] = stream_text(s.stream("/v1/completions", body)[1], chat=False)
    ts = [threading.Thread(target=run, args=(k, b)) for k, b in
          [("a", base), ("b", {**base, "model": "physics"}), ("c", base), ("d", {**base, "model": "physics"})]]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    check("adapter and no adapter in one batch: same as alone",
          res["a"] == res["c"] == plain and res["b"] == res["d"] == with_lora, res)
    check("adapters: exit 0", s.stop() == 0)


def threads(lumen):
    # Only slot 0 runs steps (for every slot's rows), so -t adds its workers once, not once per slot.
    counts = {}
    for t in (1, 3):
        s = Server(lumen, ["-m", STORIES, "-np", "8", "-t", str(t)])
        st, _, _ = s.post(CHAT, ASK)
        counts[t] = s.status_field("Threads") if st == 200 else -1
        s.stop()
    check("-np 8 -t 3 runs 2 more threads than -t 1 (workers of the stepping slot only)",
          counts[1] > 0 and counts[3] - counts[1] == 2, counts)


if __name__ == "__main__":
    s = Server(LUMEN, ["-m", STORIES, "-np", "8", "-t", "1", "--max-body", "200000"])
    basics(s)
    errors(s)
    batching(s)
    check("exit 0", s.stop() == 0)
    limits(LUMEN)
    adapters(LUMEN)
    threads(LUMEN)
    finish()
