#!/usr/bin/env python3
"""Print the hot loop of one function from a GNU assembler (.s) file.

usage: extract_loop.py FILE.s SYMBOL

SYMBOL is an extern "C" wrapper from mca_kernels.cpp. If its body ends in a
tail call (jmp OTHER), OTHER's body is used. The hot loop is the longest span from
a label to a conditional jump back to that label (the kernel's block loop;
inner loops are unrolled at -O3). Directives and labels are dropped so that
llvm-mca sees only the loop's instructions.
"""
import re
import sys


def function_body(lines, symbol):
    start = None
    for i, line in enumerate(lines):
        if line.rstrip() == symbol + ":":
            start = i + 1
        elif start is not None and line.strip().startswith(".size") and symbol in line:
            return lines[start:i]
    sys.exit(f"extract_loop: no function {symbol}")


def instructions(body):
    return [l for l in body if l.startswith("\t") and not l.strip().startswith(".")]


def main():
    path, symbol = sys.argv[1], sys.argv[2]
    with open(path) as f:
        lines = f.read().splitlines()
    body = function_body(lines, symbol)
    insns = instructions(body)
    if insns and re.match(r"^\tjmp\s+[^.]", insns[-1]):
        body = function_body(lines, insns[-1].split()[-1])
    labels = {}
    best = None
    for i, line in enumerate(body):
        m = re.match(r"^(\.L\w+):", line)
        if m:
            labels[m.group(1)] = i
            continue
        m = re.match(r"^\tj(?!mp)\w+\s+(\.L\w+)$", line)
        if m and m.group(1) in labels:
            span = (labels[m.group(1)], i)
            if best is None or span[1] - span[0] > best[1] - best[0]:
                best = span
    if best is None:
        sys.exit(f"extract_loop: no loop in {symbol}")
    loop = instructions(body[best[0]:best[1] + 1])
    print("\n".join(l.split("#")[0].rstrip() for l in loop))


if __name__ == "__main__":
    main()
