#!/usr/bin/env python3
# Turn bench.csv (backend,rune,direction,mbps) into the side-by-side table
# and the ratios against the first backend (the kernel netback) and against
# the stock xen-net-device.
import csv
import sys

rows = list(csv.DictReader(open(sys.argv[1])))
backends = []
for r in rows:
    if r["backend"] not in backends:
        backends.append(r["backend"])
cols = []
for r in rows:
    c = (r["rune"], r["direction"])
    if c not in cols:
        cols.append(c)
val = {(r["backend"], r["rune"], r["direction"]): float(r["mbps"]) for r in rows}
names = {"rx": "dom0->guest", "tx": "guest->dom0"}


def table(title, fmt, value):
    w = max(len(b) for b in backends) + 2
    head = "".join("%22s" % ("%s %s" % (c[0], names[c[1]])) for c in cols)
    print(title)
    print("%-*s%s" % (w, "backend", head))
    for b in backends:
        cells = ""
        for c in cols:
            v = value(b, c)
            cells += "%22s" % (fmt % v if v is not None else "-")
        print("%-*s%s" % (w, b, cells))
    print()


print("Throughput, Mbit/s received (iperf3, one boot, same guest)\n")
table("", "%.1f", lambda b, c: val.get((b,) + c))
for ref in [backends[0], "xen-net-device"]:
    if ref not in backends:
        continue

    def ratio(b, c, ref=ref):
        v, r = val.get((b,) + c), val.get((ref,) + c)
        return v / r if v is not None and r else None
    table("Ratio to %s" % ref, "%.2fx", ratio)

# The batching figures, in the form of the xen-devel measurement this
# project started from: one column per qnetback configuration.
if len(sys.argv) > 2:
    stats = list(csv.DictReader(open(sys.argv[2])))
    for rune in sorted({s["rune"] for s in stats}):
        for d, what in (("tx", "guest transmits (guest -> dom0)"),
                        ("rx", "guest receives (dom0 -> guest)")):
            sel = [s for s in stats if s["rune"] == rune and s["direction"] == d]
            if not sel:
                continue
            print("qnetback batching, %s, %s" % (rune, what))
            w = max(len(s["backend"]) for s in sel) + 2
            print("%-12s" % "" + "".join("%*s" % (w, s["backend"]) for s in sel))

            def row(name, f):
                print("%-12s" % name + "".join("%*s" % (w, f(s)) for s in sel))

            def per(s, a, b):
                return "%.2f" % (float(s[a]) / float(s[b])) if float(s[b]) else "-"
            row("Tput Mb/s", lambda s: "%.1f" % float(s["mbps"]))
            row("PPI", lambda s: per(s, "packets", "events"))
            row("SPI", lambda s: per(s, "slots", "events"))
            row("PPN", lambda s: per(s, "packets", "polls"))
            row("SPN", lambda s: per(s, "slots", "polls"))
            row("events", lambda s: s["events"])
            row("polls", lambda s: s["polls"])
            row("packets", lambda s: s["packets"])
            row("slots", lambda s: s["slots"])
            row("gnt ops/pkt", lambda s: per(s, "grant_ops", "packets"))
            row("gnt calls", lambda s: s["grant_calls"])
            row("drops+errs", lambda s: s["drops"])
            print()
