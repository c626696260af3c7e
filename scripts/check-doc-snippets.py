#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Check that the docs' snippets are the ones the test bed runs.

A snippet in docs/*.md or README.md is a fenced code block right after a
line `<!-- snippet: PATH -->`, PATH a file of the repository (a test-bed
scenario).  Its lines must appear in that file, in order and consecutive,
exactly as written: a snippet that drifts from what the scenario runs
fails here.  Prints TAP; exits 1 on any failure.
"""

import glob
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
MARK = re.compile(r"^<!-- snippet: (\S+) -->$")


def snippets(md):
    """(line number, path, [lines]) of each snippet of file md."""
    lines = open(md).read().split("\n")
    i = 0
    while i < len(lines):
        m = MARK.match(lines[i])
        i += 1
        if not m:
            continue
        if i >= len(lines) or not lines[i].startswith("```"):
            yield i, m.group(1), None
            continue
        start = i + 1
        end = start
        while end < len(lines) and not lines[end].startswith("```"):
            end += 1
        yield start, m.group(1), [line.rstrip() for line in lines[start:end]]
        i = end + 1


def contains(hay, needle):
    n = len(needle)
    return n > 0 and any(hay[k:k + n] == needle
                         for k in range(len(hay) - n + 1))


def main():
    n = failed = 0
    docs = sorted(glob.glob(os.path.join(TOP, "docs", "*.md")))
    docs.append(os.path.join(TOP, "README.md"))
    for md in docs:
        rel = os.path.relpath(md, TOP)
        for line, path, body in snippets(md):
            n += 1
            what = "%s:%d: snippet of %s" % (rel, line, path)
            src = os.path.join(TOP, path)
            if body is None:
                why = "no code block after the marker"
            elif not os.path.isfile(src):
                why = "no file %s" % path
            else:
                hay = [s.rstrip() for s in open(src).read().split("\n")]
                why = None if contains(hay, body) else \
                    "its %d lines are not in %s as written" % (len(body), path)
            if why:
                failed += 1
                print("not ok %d - %s: %s" % (n, what, why))
            else:
                print("ok %d - %s" % (n, what))
    print("1..%d" % n)
    return 1 if failed or not n else 0


if __name__ == "__main__":
    sys.exit(main())
