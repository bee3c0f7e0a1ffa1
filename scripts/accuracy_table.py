#!/usr/bin/env python3
"""Update the measured golden bounds from a fresh measurement.

  LUMEN_ACCURACY_TABLE=/tmp/acc.tsv build/tests/test_forward "forward pass measured*"
  python3 scripts/accuracy_table.py /tmp/acc.tsv [more.tsv ...]

Rewrites, in tests/golden_tolerances.hpp and golden_tolerances_iq.hpp, the entries of every (golden, ISA)
pair the measurement holds: bounds = measured x 1.5 (at least 1e-5), the
measured departure step; an ISA measured for the first time gets its entry
appended to the golden's line. Entries not measured stay as they are, and so
does a line that ends in a comment (a bound set by hand; the comment says why). Prints the
measured rows as Markdown cells for docs/accuracy.md (prompt / steps / departure).
"""
import math
import re
import sys

HPPS = ["tests/golden_tolerances.hpp", "tests/golden_tolerances_iq.hpp"]


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
    entry = re.compile(r'\{"(\w+)", ([0-9.e+-]+f), ([0-9.e+-]+f), (-?\d+)\}')
    entry_isas = re.compile(r'\{"(\w+)", [0-9.e+-]+f')

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

        body = entry.sub(fix_entry, m.group(3))
        present = set(entry_isas.findall(body))
        for (f, isa), (p, s, dep, _, _) in sorted(measured.items()):  # ISAs measured for the first time
            if f == golden and isa not in present:
                body += ', {"%s", %s, %s, %d}' % (isa, bound(p), bound(s), dep)
        return m.group(1) + body + m.group(4)

    for hpp in HPPS:
        text = open(hpp).read()
        open(hpp, "w").write("".join(fix_line(l) for l in text.splitlines(keepends=True)))
    for (f, isa), (p, s, dep, n, margin) in sorted(measured.items()):
        d = "none of %d" % n if dep < 0 else "step %d (margin %.3f)" % (dep, margin)
        print("%s\t%s\t%.2g / %.2g / %s" % (f.replace(".json", ""), isa, p, s, d))


if __name__ == "__main__":
    main(sys.argv[1:])
