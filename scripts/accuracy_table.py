#!/usr/bin/env python3
"""Update the measured golden bounds from a fresh measurement.

  LUMEN_ACCURACY_TABLE=/tmp/acc.tsv build/tests/test_forward "forward pass measured*"
  python3 scripts/accuracy_table.py /tmp/acc.tsv [more.tsv ...]

Rewrites, in tests/golden_tolerances.hpp, the entries of every (golden, ISA)
pair the measurement holds: bounds = measured x 1.5 (at least 1e-5), the
measured departure step. Entries not measured stay as they are. Prints the
measured rows as Markdown cells for docs/accuracy.md (prompt / steps / departure).
"""
import math
import re
import sys

HPP = "tests/golden_tolerances.hpp"


def bound(x):
    """1.5 x, rounded up to two significant digits, written as the header writes them (1.8e-1f)."""
    v = max(1e-5, 1.5 * x)
    exponent = math.floor(math.log10(v))
    mantissa = math.ceil(round(v / 10**exponent * 10, 6)) / 10
    if mantissa >= 10:
        mantissa, exponent = mantissa / 10, exponent + 1
    return "%.1fe%df" % (mantissa, exponent)


def main(paths):
    measured = {}
    for path in paths:
        for line in open(path):
            f, isa, p, s, dep, n, margin = line.rstrip("\n").split("\t")
            measured[(f, isa)] = (float(p), float(s), int(dep), int(n), float(margin))
    text = open(HPP).read()
    entry = re.compile(r'\{"(\w+)", ([0-9.e+-]+f), ([0-9.e+-]+f), (-?\d+)\}')

    def fix_line(line):
        m = re.match(r'(\s*\{"([^"]+)", \{)(.*)(\}\},?\s*)$', line)
        if not m:
            return line
        golden = m.group(2)

        def fix_entry(e):
            key = (golden, e.group(1))
            if key not in measured:
                return e.group(0)
            p, s, dep, _, _ = measured[key]
            return '{"%s", %s, %s, %d}' % (e.group(1), bound(p), bound(s), dep)

        return m.group(1) + entry.sub(fix_entry, m.group(3)) + m.group(4)

    open(HPP, "w").write("".join(fix_line(l) for l in text.splitlines(keepends=True)))
    for (f, isa), (p, s, dep, n, margin) in sorted(measured.items()):
        d = "none of %d" % n if dep < 0 else "step %d (margin %.3f)" % (dep, margin)
        print("%s\t%s\t%.2g / %.2g / %s" % (f.replace(".json", ""), isa, p, s, d))


if __name__ == "__main__":
    main(sys.argv[1:])
