#!/usr/bin/env python3
"""Charts for docs/benchmarks.md from benchmark JSON.

  bench/plot.py RESULTS_DIR [--out docs/img]

RESULTS_DIR is a bench/compare.sh output directory (lumen-*.json and ref-*.json,
llama-bench-style records) or any directory of `lumen bench -o json` files.
Writes:
  tps_by_type.png    generation and prompt t/s per model file, lumen vs reference
  tps_by_threads.png t/s against thread count (when several were measured)
  roofline.png       lumen's generation as % of the measured read bandwidth
Needs python3-matplotlib (bash scripts/setup.sh installs it when LUMEN_SETUP_DOCS=1).
"""
import argparse
import glob
import json
import os
import statistics
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def load(results_dir):
    rows = []
    for path in sorted(glob.glob(os.path.join(results_dir, "*.json"))):
        who = "reference" if os.path.basename(path).startswith("ref-") else "lumen"
        try:
            records = json.load(open(path))
        except (json.JSONDecodeError, OSError):
            continue
        for r in records if isinstance(records, list) else [records]:
            model = os.path.basename(r["model_filename"]).replace(".gguf", "")
            test = "pp%d" % r["n_prompt"] if r["n_gen"] == 0 else "tg%d" % r["n_gen"]
            rows.append((who, model, r["n_threads"], test, r["avg_ts"], r.get("roofline_pct")))
    return rows


def grouped(rows):
    g = defaultdict(list)
    for who, model, t, test, ts, _ in rows:
        g[(who, model, t, test)].append(ts)
    return {k: (statistics.mean(v), statistics.stdev(v) if len(v) > 1 else 0.0) for k, v in g.items()}


def bar_chart(stats, out):
    tests = sorted({k[3] for k in stats})
    threads = max(k[2] for k in stats)
    models = sorted({k[1] for k in stats})
    fig, axes = plt.subplots(1, len(tests), figsize=(6 * len(tests), 4), squeeze=False)
    for ax, test in zip(axes[0], tests):
        x = range(len(models))
        for i, who in enumerate(["lumen", "reference"]):
            vals = [stats.get((who, m, threads, test), (0, 0)) for m in models]
            ax.bar([p + 0.4 * i for p in x], [v[0] for v in vals], 0.4, yerr=[v[1] for v in vals], label=who)
        ax.set_xticks([p + 0.2 for p in x])
        ax.set_xticklabels(models, rotation=30, ha="right")
        ax.set_ylabel("tokens/s")
        ax.set_title(f"{test}, {threads} threads")
        ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(out, "tps_by_type.png"), dpi=110)


def thread_chart(stats, out):
    threads = sorted({k[2] for k in stats})
    if len(threads) < 2:
        return
    fig, ax = plt.subplots(figsize=(6, 4))
    for (who, model, test) in sorted({(k[0], k[1], k[3]) for k in stats}):
        ys = [stats.get((who, model, t, test), (None,))[0] for t in threads]
        if None not in ys:
            ax.plot(threads, ys, marker="o", label=f"{who} {model} {test}")
    ax.set_xlabel("threads")
    ax.set_ylabel("tokens/s")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "tps_by_threads.png"), dpi=110)


def roofline_chart(rows, out):
    pts = defaultdict(list)
    for who, model, t, test, _, roof in rows:
        if who == "lumen" and test.startswith("tg") and roof:
            pts[(model, t)].append(roof)
    if not pts:
        return
    keys = sorted(pts)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.bar(range(len(keys)), [statistics.mean(pts[k]) for k in keys])
    ax.axhline(100, color="gray", linestyle="--", linewidth=1)
    ax.set_xticks(range(len(keys)))
    ax.set_xticklabels([f"{m}\n{t} thr" for m, t in keys], rotation=30, ha="right", fontsize=8)
    ax.set_ylabel("% of measured read bandwidth")
    ax.set_title("generation: weight bytes streamed per second")
    fig.tight_layout()
    fig.savefig(os.path.join(out, "roofline.png"), dpi=110)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results")
    ap.add_argument("--out", default="docs/img")
    a = ap.parse_args()
    rows = load(a.results)
    if not rows:
        raise SystemExit(f"no benchmark records in {a.results}")
    os.makedirs(a.out, exist_ok=True)
    stats = grouped(rows)
    bar_chart(stats, a.out)
    thread_chart(stats, a.out)
    roofline_chart(rows, a.out)
    print(f"wrote charts to {a.out}")


if __name__ == "__main__":
    main()
