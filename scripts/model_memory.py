#!/usr/bin/env python3
"""Memory a model needs under lumen, from its published shape (no download).

Weights: every tensor the GGUF converter writes for the family, typed as
`lumen quantize` (= llama-quantize) types them for Q4_K_M and Q8_0: the same
mix rules as src/quantize/mix.cpp (output/tied embedding Q6_K, attn_v and
ffn_down Q6_K on the "more bits" layers, attn_qkv Q5_K, fallbacks for rows
that are not a multiple of 256). KV cache: F16 keys and values of every layer
at the given context. Prints the markdown table of docs/models.md.
"""
import sys

BPW = {"F32": 32, "Q8_0": 8.5, "Q6_K": 6.5625, "Q5_K": 5.5, "Q4_K": 4.5, "Q5_0": 5.5, "Q5_1": 6.0}
FALLBACK = {"Q4_K": "Q5_0", "Q5_K": "Q5_1", "Q6_K": "Q8_0"}

# The published shapes, one model a line: name, family, n_embd, layers, heads, KV heads, head size,
# FFN size, vocabulary, tied output (y/n).
SHAPES = """
Gemma-2-2B-it                    gemma2    2304  26   8   4  256   9216  256000 y
Phi-3.5-mini-instruct            phi3      3072  32  32  32   96   8192   32064 n
Granite-3.1-2B-instruct          granite   2048  40  32   8   64   8192   49155 y
Qwen2.5-0.5B-Instruct            qwen2      896  24  14   2   64   4864  151936 y
Qwen2.5-1.5B-Instruct            qwen2     1536  28  12   2  128   8960  151936 y
Qwen2.5-3B-Instruct              qwen2     2048  36  16   2  128  11008  151936 y
DeepSeek-R1-Distill-Qwen-1.5B    qwen2     1536  28  12   2  128   8960  151936 n
Llama-3.2-1B-Instruct            llama     2048  16  32   8   64   8192  128256 y
Llama-3.2-3B-Instruct            llama     3072  28  24   8  128   8192  128256 y
SmolLM2-135M-Instruct            llama      576  30   9   3   64   1536   49152 y
SmolLM2-360M-Instruct            llama      960  32  15   5   64   2560   49152 y
SmolLM2-1.7B-Instruct            llama     2048  24  32  32   64   8192   49152 y
TinyLlama-1.1B-Chat-v1.0         llama     2048  22  32   4   64   5632   32000 n
"""


def parse_shapes(text):
    """(name, family, embd, layers, heads, kv, head, ff, vocab, tied) per line of `text`."""
    models = []
    for line in text.strip().splitlines():
        name, fam, *numbers, tied = line.split()
        models.append((name, fam, *map(int, numbers), tied == "y"))
    return models


MODELS = parse_shapes(SHAPES)


def more_bits(i, n):
    return i < n // 8 or i >= 7 * n // 8 or (i - n // 8) % 3 == 2


def tensors(fam, E, L, H, KV, HD, F, V, tied):
    """(name, row length, rows) of every matrix; norms and biases are F32 vectors."""
    q, kv = H * HD, KV * HD
    out = [("token_embd.weight", E, V)]
    if not tied:
        out.append(("output.weight", E, V))
    for i in range(L):
        p = f"blk.{i}."
        if fam == "phi3":
            out += [(p + "attn_qkv.weight", E, q + 2 * kv), (p + "ffn_up.weight", E, 2 * F)]
        else:
            out += [(p + "attn_q.weight", E, q), (p + "attn_k.weight", E, kv), (p + "attn_v.weight", E, kv),
                    (p + "ffn_gate.weight", E, F), (p + "ffn_up.weight", E, F)]
        out += [(p + "attn_output.weight", q, E), (p + "ffn_down.weight", F, E)]
    vectors = E * (1 + L * (4 if fam == "gemma2" else 2))
    if fam == "qwen2":
        vectors += L * (q + 2 * kv)
    return out, vectors


def type_for(mix, name, row, layer, n_layer, tied):
    if name == "output.weight" or (tied and name == "token_embd.weight"):
        t = "Q8_0" if row % 256 or mix == "Q8_0" else "Q6_K"
    elif mix == "Q8_0":
        t = "Q8_0"
    elif "attn_v" in name or "ffn_down" in name:
        t = "Q6_K" if more_bits(layer, n_layer) else "Q4_K"
    elif "attn_qkv" in name:
        t = "Q5_K"
    else:
        t = "Q4_K"
    if t in FALLBACK and row % 256:
        t = FALLBACK[t]
    return t


def weight_bytes(m, mix):
    _, fam, E, L, H, KV, HD, F, V, tied = m
    mats, vectors = tensors(fam, E, L, H, KV, HD, F, V, tied)
    bits = vectors * 32
    for name, row, rows in mats:
        layer = int(name.split(".")[1]) if name.startswith("blk.") else 0
        bits += row * rows * BPW[type_for(mix, name, row, layer, L, tied)]
    return bits / 8, sum(r * n for _, r, n in mats) + vectors


def main():
    ctx = int(sys.argv[1]) if len(sys.argv) > 1 else 4096
    gib = 1 << 30
    print(f"| model | family | parameters | Q4_K_M weights | Q8_0 weights | KV cache at {ctx} (F16) | total Q4_K_M | total Q8_0 |")
    print("|---|---|---|---|---|---|---|---|")
    for m in MODELS:
        q4, params = weight_bytes(m, "Q4_K_M")
        q8, _ = weight_bytes(m, "Q8_0")
        _, fam, E, L, H, KV, HD, F, V, tied = m
        kv = 2 * L * ctx * KV * HD * 2
        print(f"| {m[0]} | `{fam}` | {params / 1e9:.2f} B | {q4 / gib:.2f} GiB | {q8 / gib:.2f} GiB | "
              f"{kv / gib:.2f} GiB | {(q4 + kv) / gib:.2f} GiB | {(q8 + kv) / gib:.2f} GiB |")


if __name__ == "__main__":
    main()
