#!/usr/bin/env python3
"""make bench's figures (scenarios/bench.sh).

  bench-report.py collect OUTDIR MANIFEST
      parse the raw results of one backend in one round (iperf3 JSON, the
      `xl list` before and after each TCP run, QMP snapshots, ping output:
      MANIFEST says which files) and append its rows to OUTDIR's CSVs;
      prints a one-line summary for the log
  bench-report.py report OUTDIR [--backends A,B,...] [--rounds-asked R]
      the report (report.txt) from OUTDIR's CSVs, on stdout

The CSVs (one row per round and run):
  bench.csv        round,backend,rune,direction,mbps,secs,dom0_cpu_s,guest_cpu_s
  bench-udp.csv    round,backend,size,direction,pps,sent_pps
  bench-lat.csv    round,backend,sent,received,min_us,median_us,max_us
  bench-stats.csv  round,backend,rune,direction,mbps,events,polls,packets,
                   slots,grant_ops,grant_calls,drops   (qnetback only)
  bench-ufe.csv    round,config,direction,secs,packets,bytes,slots,
                   grant_ops,static_hits,dom0_cpu_s,guest_cpu_s,qemu_cpu_s,
                   guest_packets
                   (the userspace netfront through qnetback; config is
                   grant or static, the counts from query-xen-netback)
direction: rx is dom0 -> guest (the guest receives), tx guest -> dom0.
An empty CPU cell means not measured (the run with the sampler).
"""
import csv
import json
import os
import re
import statistics
import sys

TCP_COLS = ["round", "backend", "rune", "direction", "mbps", "secs",
            "dom0_cpu_s", "guest_cpu_s"]
UDP_COLS = ["round", "backend", "size", "direction", "pps", "sent_pps"]
LAT_COLS = ["round", "backend", "sent", "received", "min_us", "median_us",
            "max_us"]
STAT_KEYS = ["events", "polls", "packets", "slots", "grant_ops",
             "grant_calls", "drops"]
STAT_COLS = ["round", "backend", "rune", "direction", "mbps"] + STAT_KEYS
UFE_COLS = ["round", "config", "direction", "secs", "packets", "bytes",
            "slots", "grant_ops", "static_hits", "dom0_cpu_s", "guest_cpu_s",
            "qemu_cpu_s", "guest_packets"]
FILES = {"tcp": ("bench.csv", TCP_COLS), "udp": ("bench-udp.csv", UDP_COLS),
         "lat": ("bench-lat.csv", LAT_COLS),
         "stats": ("bench-stats.csv", STAT_COLS),
         "ufe": ("bench-ufe.csv", UFE_COLS)}
NAMES = {"rx": "dom0->guest", "tx": "guest->dom0"}
# A ratio of the batching tables needs at least this many in its
# denominator (events, polls, packets) in a round to mean something.
MIN_DEN = 10
GIB = float(1 << 30)


# ---------------------------------------------------------------- collect

def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def iperf_tcp(path):
    """(Mbit/s, seconds) the receiver saw in one iperf3 -J run; (0, 0) if
    the run failed."""
    r = load_json(path)
    try:
        s = r["end"]["sum_received"]
        return s["bits_per_second"] / 1e6, s["seconds"]
    except (TypeError, KeyError):
        return 0.0, 0.0


def iperf_udp(path):
    """(received packets/s, sent packets/s) of one iperf3 -u -J run; the
    receiver's count is its highest sequence number less the gaps (iperf3's
    packets - lost_packets)."""
    r = load_json(path)
    try:
        end = r["end"]
        rcv = end.get("sum_received", end.get("sum"))
        got = (rcv["packets"] - rcv["lost_packets"]) / rcv["seconds"]
        snt = end.get("sum_sent", rcv)
        sent = snt["packets"] / snt["seconds"] if snt["seconds"] else 0.0
        return got, sent
    except (TypeError, KeyError, ZeroDivisionError):
        return 0.0, 0.0


def xl_times(path):
    """{domain name: CPU seconds} from a saved `xl list`."""
    t = {}
    try:
        lines = open(path).read().splitlines()
    except OSError:
        return t
    for line in lines:
        f = line.split()
        if len(f) >= 6 and f[0] != "Name":
            try:
                t[f[0]] = float(f[-1])
            except ValueError:
                pass
    return t


def cpu_delta(before, after, dom):
    a, b = xl_times(before), xl_times(after)
    if dom in a and dom in b:
        return "%.1f" % (b[dom] - a[dom])
    return ""


def qemu_delta(prefix):
    """QEMU's CPU seconds between PREFIX.qemu0 and .qemu1 (ms), or ""."""
    try:
        a = int(open(prefix + ".qemu0").read().split()[0])
        b = int(open(prefix + ".qemu1").read().split()[0])
    except (OSError, ValueError, IndexError):
        return ""
    return "%.2f" % ((b - a) / 1000.0)


def qnb_totals(path, d):
    """One direction's counters of a query-xen-netback reply, summed over
    the queues (the bench has one vif)."""
    r = load_json(path)
    try:
        qs = r["return"][0]["queues"]
    except (TypeError, KeyError, IndexError):
        return None
    t = {k: sum(q[d][k] for q in qs)
         for k in ["events", "polls", "packets", "slots", "bytes", "static-hits"]}
    t["grant_ops"] = sum(q[d]["map-ops"] + q[d]["unmap-ops"] + q[d]["copy-segs"] for q in qs)
    t["grant_calls"] = sum(q[d]["map-calls"] + q[d]["unmap-calls"] + q[d]["copy-calls"] for q in qs)
    t["drops"] = sum(q[d]["drops"] + q[d]["errors"] for q in qs)
    return t


def ping_rtts(path):
    """(sent, [RTT in µs of each reply]) from ping's output."""
    sent, rtts = 0, []
    try:
        text = open(path).read()
    except OSError:
        return sent, rtts
    for m in re.finditer(r"time[=<]([0-9.]+) ms", text):
        rtts.append(float(m.group(1)) * 1000)
    m = re.search(r"(\d+) packets transmitted", text)
    if m:
        sent = int(m.group(1))
    return sent, rtts


def append(outdir, what, row):
    name, cols = FILES[what]
    path = os.path.join(outdir, name)
    new = not os.path.exists(path) or os.path.getsize(path) == 0
    with open(path, "a", newline="") as f:
        w = csv.writer(f)
        if new:
            w.writerow(cols)
        w.writerow([row[c] for c in cols])


def collect(outdir, manifest):
    """MANIFEST: "round R", "backend LABEL", "guest NAME", then one line per
    measurement:
      tcp RUNE DIR PREFIX QBEFORE QAFTER SAMPLED   PREFIX.json .xl0 .xl1
      udp SIZE DIR PREFIX                          PREFIX.json
      ping FILE
      ufe CONFIG DIR PREFIX SECS GUEST_PACKETS     PREFIX.q0.json .q1.json
                                                   PREFIX.xl0 .xl1
                                                   PREFIX.qemu0 .qemu1 (ms)
    (QBEFORE, QAFTER: query-xen-netback replies around the run, or -;
    SAMPLED: 1 if the statistics sampler ran, which leaves CPU unmeasured;
    ufe: the userspace netfront's run of SECS seconds, what it counted.)"""
    meta, tcp, udp, rtt = {}, {}, {}, "-"
    for line in open(manifest).read().splitlines():
        f = line.split()
        if not f:
            continue
        if f[0] in ("round", "backend", "guest"):
            meta[f[0]] = f[1]
            continue
        base = {"round": meta["round"], "backend": meta["backend"]}
        if f[0] == "tcp":
            rune, d, p, qa, qb, sampled = f[1:7]
            mbps, secs = iperf_tcp(p + ".json")
            row = dict(base, rune=rune, direction=d, mbps="%.1f" % mbps,
                       secs="%.2f" % secs, dom0_cpu_s="", guest_cpu_s="")
            if sampled != "1" and mbps > 0:
                row["dom0_cpu_s"] = cpu_delta(p + ".xl0", p + ".xl1", "Domain-0")
                row["guest_cpu_s"] = cpu_delta(p + ".xl0", p + ".xl1", meta["guest"])
            append(outdir, "tcp", row)
            tcp.setdefault(rune, {})[d] = "%.0f" % mbps
            if qa != "-" and qb != "-":
                x, y = qnb_totals(qa, d), qnb_totals(qb, d)
                if x is not None and y is not None:
                    append(outdir, "stats", dict(base, rune=rune, direction=d,
                                                 mbps="%.1f" % mbps,
                                                 **{k: y[k] - x[k] for k in STAT_KEYS}))
        elif f[0] == "udp":
            size, d, p = f[1:4]
            pps, sent = iperf_udp(p + ".json")
            append(outdir, "udp", dict(base, size=size, direction=d,
                                       pps="%.0f" % pps, sent_pps="%.0f" % sent))
            udp.setdefault(size + "B", {})[d] = "%.0f" % pps
        elif f[0] == "ufe":
            cfg, d, p, secs, gpk = f[1:6]
            x, y = qnb_totals(p + ".q0.json", d), qnb_totals(p + ".q1.json", d)
            if x is None or y is None:
                print("%s: no counters" % p, file=sys.stderr)
                continue
            row = dict(round=meta["round"], config=cfg, direction=d, secs=secs,
                       guest_packets=gpk, qemu_cpu_s=qemu_delta(p),
                       dom0_cpu_s=cpu_delta(p + ".xl0", p + ".xl1", "Domain-0"),
                       guest_cpu_s=cpu_delta(p + ".xl0", p + ".xl1", meta["guest"]),
                       **{k: y[q] - x[q] for k, q in
                          (("packets", "packets"), ("bytes", "bytes"),
                           ("slots", "slots"), ("grant_ops", "grant_ops"),
                           ("static_hits", "static-hits"))})
            append(outdir, "ufe", row)
            pps = row["packets"] / float(secs) if num(secs) else 0
            udp.setdefault(cfg, {})[d] = "%.0f" % pps
        elif f[0] == "ping":
            sent, rtts = ping_rtts(f[1])
            row = dict(base, sent=sent, received=len(rtts), min_us="",
                       median_us="", max_us="")
            if rtts:
                row.update(min_us="%.0f" % min(rtts),
                           median_us="%.0f" % statistics.median(rtts),
                           max_us="%.0f" % max(rtts))
                rtt = row["median_us"] + " us"
            append(outdir, "lat", row)

    def pairs(figs):
        return " ".join("%s %s/%s" % (k, v.get("rx", "-"), v.get("tx", "-"))
                        for k, v in figs.items())
    if not tcp and rtt == "-" and udp:
        print("round %s %s: packets/s %s (dom0->guest/guest->dom0)"
              % (meta.get("round"), meta.get("backend"), pairs(udp)))
        return
    print("round %s %s: TCP Mbit/s %s; UDP pkt/s %s (dom0->guest/guest->dom0); "
          "RTT %s" % (meta.get("round"), meta.get("backend"), pairs(tcp), pairs(udp), rtt))


# ----------------------------------------------------------------- report

def read(outdir, what):
    path = os.path.join(outdir, FILES[what][0])
    if not os.path.exists(path):
        return []
    return list(csv.DictReader(open(path)))


def num(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


def order(rows, key, first=()):
    out = [b for b in first if any(r[key] == b for r in rows)]
    for r in rows:
        if r[key] not in out:
            out.append(r[key])
    return out


def fmt3(v):
    """Three significant figures or so, for values of any size."""
    if v is None:
        return "-"
    a = abs(v)
    if a >= 100:
        return "%.0f" % v
    if a >= 10:
        return "%.1f" % v
    return "%.2f" % v


class Table:
    """Rows of backends, columns of figures, cells of strings."""

    def __init__(self, backends, cols, width):
        self.backends, self.cols, self.width = backends, cols, width

    def show(self, title, cell, note=None):
        w = max(len(b) for b in self.backends) + 2
        print(title)
        if note:
            print(note)
        print("%-*s%s" % (w, "backend", "".join("%*s" % (self.width, c) for c in self.cols)))
        for b in self.backends:
            print("%-*s%s" % (w, b, "".join("%*s" % (self.width, cell(b, c))
                                            for c in range(len(self.cols)))))
        print()


def med_range(vals, fmt):
    if not vals:
        return "-"
    return "%s [%s-%s]" % (fmt(statistics.median(vals)), fmt(min(vals)), fmt(max(vals)))


RATIO_NOTE = ("(median over median; in brackets the lowest and highest of the "
              "per-round ratios, both measured in the same round)")


def ratio_cell(v, r, faster_is_less=False):
    """v and r: {round: figure} of a backend and of the reference.  The
    ratio of their medians, with the range of the per-round ratios; for a
    figure where less is faster (a round trip) the reference's over the
    backend's, so above 1 is faster either way."""
    if faster_is_less:
        v, r = r, v
    if not v or not r or not statistics.median(r.values()):
        return "-"
    m = statistics.median(v.values()) / statistics.median(r.values())
    each = [v[k] / r[k] for k in v if k in r and r[k]]
    if not each:
        return fmt3(m) + "x"
    return "%sx [%s-%s]" % (fmt3(m), fmt3(min(each)), fmt3(max(each)))


def ratio_tables(table, figures, faster_is_less=False, what=""):
    """The ratio to the table's first backend (the kernel netback) and to
    QEMU's stock device, of figures(backend, column) = {round: figure}."""
    for ref in [table.backends[0], "xen-net-device"]:
        if ref not in table.backends:
            continue
        table.show("Ratio to %s%s" % (ref, what),
                   lambda b, i, ref=ref: ratio_cell(figures(b, i), figures(ref, i),
                                                    faster_is_less),
                   RATIO_NOTE)


def report(outdir, backends_first, rounds_asked):
    tcp = read(outdir, "tcp")
    if not tcp:
        sys.exit("bench-report: no rows in %s" % os.path.join(outdir, "bench.csv"))
    rounds = sorted({int(r["round"]) for r in tcp})
    backends = order(tcp, "backend", backends_first)
    cols = order([dict(r, col=(r["rune"], r["direction"])) for r in tcp], "col")
    # per[(backend, col)] = {round: row}
    per = {}
    for r in tcp:
        per.setdefault((r["backend"], (r["rune"], r["direction"])), {})[int(r["round"])] = r

    def mbps(b, c):
        return {k: num(v["mbps"]) for k, v in per.get((b, c), {}).items()
                if num(v["mbps"]) is not None}

    secs = sorted({round(num(r["secs"]) or 0) for r in tcp if num(r["mbps"])})
    print("make bench: %d of %d rounds; every round runs every backend, "
          "their order rotated (round r starts at backend r mod %d)."
          % (len(rounds), rounds_asked or len(rounds), len(backends)))
    print("Cells are median [min-max] over the rounds; iperf3 TCP runs of %s s, "
          "Mbit/s received.\n" % "/".join(str(s) for s in secs))

    names = ["%s %s" % (c[0], NAMES.get(c[1], c[1])) for c in cols]
    t = Table(backends, names, 24)
    t.show("Throughput, Mbit/s", lambda b, i: med_range(list(mbps(b, cols[i]).values()),
                                                         lambda v: "%.1f" % v))

    ratio_tables(t, lambda b, i: mbps(b, cols[i]))

    # CPU seconds per GiB received, dom0 (with the backend's QEMU, if any)
    # and the guest, from the hypervisor's accounting around each run.
    def cpu(b, c, key):
        out = []
        for r in per.get((b, c), {}).values():
            m, s, x = num(r["mbps"]), num(r["secs"]), num(r[key])
            if m and s and x is not None:
                out.append(x / (m * 1e6 * s / 8 / GIB))
        return out
    w = max(len(b) for b in backends) + 2
    print("CPU seconds per GiB received (medians over the rounds; from xl list "
          "before and after each run;")
    print("dom0's includes the backend's QEMU, if any, and dom0's iperf3; the guest's its iperf3)")
    print("%-*s%s" % (w, "", "".join("%30s" % n for n in names)))
    print("%-*s%s" % (w, "backend", "%12s%9s%9s" % ("Mbit/s", "dom0", "guest") * len(cols)))
    partial = []
    for b in backends:
        cells = ""
        for c in cols:
            d0, g = cpu(b, c, "dom0_cpu_s"), cpu(b, c, "guest_cpu_s")
            n = len(mbps(b, c))
            if len(d0) < n:
                partial.append("%s %s %s: %d of %d rounds" % (b, c[0], NAMES.get(c[1], c[1]),
                                                               len(d0), n))
            v = mbps(b, c)
            cells += "%12s%9s%9s" % ("%.1f" % statistics.median(v.values()) if v else "-",
                                     fmt3(statistics.median(d0)) if d0 else "-",
                                     fmt3(statistics.median(g)) if g else "-")
        print("%-*s%s" % (w, b, cells))
    if partial:
        print("CPU from fewer rounds (the statistics sampler's run, or no "
              "throughput, is left out):")
        for p in partial:
            print("  " + p)
    print()

    udp = read(outdir, "udp")
    if udp:
        ucols = order([dict(r, col=(r["size"], r["direction"])) for r in udp], "col")
        # [(backend, column)] = {round: packets/s}
        uper, usent = {}, {}
        for r in udp:
            key = (r["backend"], (r["size"], r["direction"]))
            for d, k in ((uper, "pps"), (usent, "sent_pps")):
                if num(r[k]) is not None:
                    d.setdefault(key, {})[int(r["round"])] = num(r[k])
        ub = order(udp, "backend", backends)
        ut = Table(ub, ["%sB %s" % (c[0], NAMES.get(c[1], c[1])) for c in ucols], 24)
        ut.show("UDP, thousands of packets per second received (iperf3 -u -b 0, "
                "payload bytes as given; median [min-max])",
                lambda b, i: med_range([v / 1000 for v in
                                        uper.get((b, ucols[i]), {}).values()], fmt3))
        ratio_tables(ut, lambda b, i: uper.get((b, ucols[i]), {}),
                     what=", UDP packets per second received")
        # Under emulation the sending iperf3 itself is slow (a syscall and
        # a trip down the stack per datagram): what it managed to send is
        # the ceiling of the table above.
        ut.show("UDP, thousands of packets per second the sending iperf3 sent "
                "(the ceiling of the table above)",
                lambda b, i: med_range([v / 1000 for v in
                                        usent.get((b, ucols[i]), {}).values()], fmt3))

    lat = read(outdir, "lat")
    if lat:
        lb = order(lat, "backend", backends)
        print("Latency, ping from dom0 to the guest, round-trip µs")
        print("(median: the median of each round's series, then median [min-max] "
              "over the rounds)")
        w = max(len(b) for b in lb) + 2
        print("%-*s%24s%10s%10s%12s" % (w, "backend", "median RTT", "min", "max", "lost"))
        for b in lb:
            rs = [r for r in lat if r["backend"] == b]
            meds = [num(r["median_us"]) for r in rs if num(r["median_us"]) is not None]
            mins = [num(r["min_us"]) for r in rs if num(r["min_us"]) is not None]
            maxs = [num(r["max_us"]) for r in rs if num(r["max_us"]) is not None]
            sent = sum(int(r["sent"] or 0) for r in rs)
            got = sum(int(r["received"] or 0) for r in rs)
            print("%-*s%24s%10s%10s%12s" % (
                w, b, med_range(meds, lambda v: "%.0f" % v),
                "%.0f" % min(mins) if mins else "-",
                "%.0f" % max(maxs) if maxs else "-", "%d/%d" % (sent - got, sent)))
        print()
        rtt = {}
        for r in lat:
            if num(r["median_us"]) is not None:
                rtt.setdefault(r["backend"], {})[int(r["round"])] = num(r["median_us"])
        ratio_tables(Table(lb, ["median RTT"], 24), lambda b, i: rtt.get(b, {}),
                     faster_is_less=True,
                     what=", round trips: its median RTT over the backend's "
                          "(above 1: faster)")

    # The batching figures, in the form of the xen-devel measurement this
    # project started from: one column per qnetback configuration.
    stats = read(outdir, "stats")
    if stats:
        batching(stats, backends)

    ufe = read(outdir, "ufe")
    if ufe:
        userspace_netfront(ufe)


def userspace_netfront(rows):
    """The userspace netfront's two configurations side by side."""
    cfgs = order(rows, "config", ["grant", "static"])
    nr = len({r["round"] for r in rows})
    print("The userspace netfront (qnb-netfront's bench cases) through qnetback: 1 queue, copy")
    print("mode, an IOThread; MTU frames (guest -> dom0: its UDP frames, up to 64 in flight;")
    print("dom0 -> guest: fragments of dom0's 60000-byte datagrams, 64 buffers posted).  grant:")
    print("its buffers named by grant references, which qnetback copies; static: the same")
    print("buffers added once as static grants.  Medians [min-max] over %d round%s; counts"
          % (nr, "" if nr == 1 else "s"))
    print("from query-xen-netback, CPU from xl list around each run (dom0's includes QEMU")
    print("and dom0's sender or receiver) and QEMU's alone from /proc: the backend's cost.")
    w = max(len(c) for c in cfgs) + 2
    for d, what in (("tx", "guest transmits (guest -> dom0)"),
                    ("rx", "guest receives (dom0 -> guest)")):
        sel = {c: [r for r in rows if r["config"] == c and r["direction"] == d]
               for c in cfgs}
        if not any(sel.values()):
            continue
        print()
        print("  " + what)
        print("  %-*s%22s%22s%12s%12s%14s%14s" % (w, "config", "kpkt/s", "Mbit/s",
                                               "grant/pkt", "static/pkt",
                                               "dom0 s/GiB", "QEMU s/GiB"))

        def per(rs, f):
            out = []
            for r in rs:
                try:
                    v = f(r)
                except (TypeError, ValueError, ZeroDivisionError):
                    continue
                if v is not None:
                    out.append(v)
            return out

        for c in cfgs:
            rs = sel[c]
            kpps = per(rs, lambda r: float(r["packets"]) / float(r["secs"]) / 1000)
            mbit = per(rs, lambda r: float(r["bytes"]) * 8 / float(r["secs"]) / 1e6)
            gpp = per(rs, lambda r: float(r["grant_ops"]) / float(r["packets"]))
            spp = per(rs, lambda r: float(r["static_hits"]) / float(r["packets"]))
            cpu = per(rs, lambda r: float(r["dom0_cpu_s"]) / (float(r["bytes"]) / GIB)
                      if r["dom0_cpu_s"] else None)
            qcpu = per(rs, lambda r: float(r["qemu_cpu_s"]) / (float(r["bytes"]) / GIB)
                       if r.get("qemu_cpu_s") else None)
            print("  %-*s%22s%22s%12s%12s%14s%14s" % (
                w, c, med_range(kpps, fmt3), med_range(mbit, fmt3),
                fmt3(statistics.median(gpp)) if gpp else "-",
                fmt3(statistics.median(spp)) if spp else "-",
                fmt3(statistics.median(cpu)) if cpu else "-",
                fmt3(statistics.median(qcpu)) if qcpu else "-"))
        if "grant" in sel and "static" in sel:
            g = {r["round"]: r for r in sel["grant"]}
            each = [(float(r["packets"]) / float(r["secs"])) /
                    (float(g[r["round"]]["packets"]) / float(g[r["round"]]["secs"]))
                    for r in sel["static"]
                    if r["round"] in g and float(g[r["round"]]["packets"])]
            if each:
                print("  static / grant, packets/s: %s (median of the rounds' ratios "
                      "[min-max])" % med_range(each, fmt3))
    print()


def batching(stats, backends):
    nr = len({s["round"] for s in stats})

    def per_round_ratio(sel, a, b):
        vals = [float(s[a]) / float(s[b]) for s in sel if float(s[b]) >= MIN_DEN]
        return "%.2f" % statistics.median(vals) if vals else "-"

    def med(sel, k, fmt="%.0f"):
        return fmt % statistics.median(float(s[k]) for s in sel)

    for rune in order(stats, "rune"):
        for d, what in (("tx", "guest transmits (guest -> dom0)"),
                        ("rx", "guest receives (dom0 -> guest)")):
            sel = [s for s in stats if s["rune"] == rune and s["direction"] == d]
            if not sel:
                continue
            cfgs = order(sel, "backend", backends)
            by = {c: [s for s in sel if s["backend"] == c] for c in cfgs}
            print("qnetback batching, %s, %s" % (rune, what))
            print("(medians over %d round%s; a ratio is the median of the rounds' "
                  "ratios whose denominator is at least %d, else -)"
                  % (nr, "" if nr == 1 else "s", MIN_DEN))
            w = max(len(c) for c in cfgs) + 2
            print("%-12s" % "" + "".join("%*s" % (w, c) for c in cfgs))

            def row(name, f):
                print("%-12s" % name + "".join("%*s" % (w, f(by[c])) for c in cfgs))

            row("Tput Mb/s", lambda s: med(s, "mbps", "%.1f"))
            row("PPI", lambda s: per_round_ratio(s, "packets", "events"))
            row("SPI", lambda s: per_round_ratio(s, "slots", "events"))
            row("PPN", lambda s: per_round_ratio(s, "packets", "polls"))
            row("SPN", lambda s: per_round_ratio(s, "slots", "polls"))
            row("events", lambda s: med(s, "events"))
            row("polls", lambda s: med(s, "polls"))
            row("packets", lambda s: med(s, "packets"))
            row("slots", lambda s: med(s, "slots"))
            row("gnt ops/pkt", lambda s: per_round_ratio(s, "grant_ops", "packets"))
            row("gnt calls", lambda s: med(s, "grant_calls"))
            row("drops+errs", lambda s: med(s, "drops"))
            print()


def main():
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
    a = sys.argv[1:]
    if len(a) == 3 and a[0] == "collect":
        collect(a[1], a[2])
    elif len(a) >= 2 and a[0] == "report":
        opts = {"--backends": "", "--rounds-asked": "0"}
        rest = a[2:]
        while rest:
            if len(rest) < 2 or rest[0] not in opts:
                sys.exit(__doc__)
            opts[rest[0]] = rest[1]
            rest = rest[2:]
        report(a[1], [b for b in opts["--backends"].split(",") if b],
               int(opts["--rounds-asked"]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
