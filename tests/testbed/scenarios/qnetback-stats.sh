# query-xen-netback over a real QMP socket against what the guest itself
# counted: packets and bytes must match its interface counters exactly,
# slots must follow netif's rules, and qnetback-stat must print the table.
. /testbed/lib.sh
backend_up qnb s 4 queues=2,iothreads=2
ping -c 20 -i 0.2 -W 2 10.0.4.2 > /dev/null || fail "ping"
iperf 10.0.4.2 2 > /dev/null || fail "iperf3 dom0 -> guest"
iperf 10.0.4.2 2 -R > /dev/null || fail "iperf3 guest -> dom0"
gexec 10.0.4.2 "ping -c 5 -i 0.2 10.0.4.1" > /dev/null || fail "guest ping"

# The guest reads its own counters before and after a burst of traffic
# it makes itself (ping and an iperf3 client), with no agent connection
# open; QMP is read while the vif is quiet on both sides of the burst.
# The two deltas must be equal, packet for packet and byte for byte.
iperf3 -s -D -B 10.0.4.1 --logfile /run/iperf3-server.log
C=/sys/class/net/eth0/statistics
COUNTERS="$C/tx_packets $C/tx_bytes $C/rx_packets $C/rx_bytes $C/rx_dropped $C/rx_errors"
# No IPv6 chatter (router solicitations, MLD) in the measured windows.
sysctl -qw net.ipv6.conf.qtap4.disable_ipv6=1
gexec 10.0.4.2 "echo 1 > /proc/sys/net/ipv6/conf/eth0/disable_ipv6" > /dev/null
round=0
counted() { guest_console s | grep -q "^qnb-stats: counted $round\b"; }
compare() {
    # The guest waits 8 s (the agent's conversation is long over) before
    # its first reading and 4 s after the burst before its second; dom0
    # reads QMP in those quiet windows.  The guest says on its console,
    # not the network, when it has its second reading.
    round=$((round + 1))
    gexec 10.0.4.2 "rm -f /tmp/c1 /tmp/c2; (sleep 8; cat $COUNTERS > /tmp/c1;
        ping -c 30 -i 0.1 10.0.4.1; iperf3 -c 10.0.4.1 -t 2; sleep 4;
        cat $COUNTERS > /tmp/c2; echo qnb-stats: counted $round > /dev/console) \
        > /tmp/burst.log 2>&1 < /dev/null &" ||
        return 1
    sleep 2
    qmp s '{"execute": "query-xen-netback"}' > /run/q1.json || return 1
    # Then QMP after the second reading, before the agent is asked for
    # the two readings.
    wait_until 60 counted || { log "the guest never took its second reading"; return 1; }
    qmp s '{"execute": "query-xen-netback"}' > /run/q2.json || return 1
    gexec 10.0.4.2 "cat /tmp/c1 /tmp/c2" > /run/guest.counters || return 1
    python3 - /run/guest.counters /run/q1.json /run/q2.json <<'PY'
import json, sys
g = [int(x) for x in open(sys.argv[1]).read().split()]
if len(g) != 12:
    sys.exit("guest counters incomplete")
gd = [b - a for a, b in zip(g[:6], g[6:])]
print("guest rx_dropped +%d, rx_errors +%d in the burst" % (gd[4], gd[5]))

def totals(path):
    qs = json.load(open(path))["return"][0]["queues"]
    return [sum(q["tx"]["packets"] for q in qs), sum(q["tx"]["bytes"] for q in qs),
            sum(q["rx"]["packets"] for q in qs), sum(q["rx"]["bytes"] for q in qs)], qs

q1, _ = totals(sys.argv[2])
q2, qs = totals(sys.argv[3])
qd = [b - a for a, b in zip(q1, q2)]
# netfront counts received bytes after eth_type_trans() pulled the
# 14-byte Ethernet header; transmitted bytes are whole frames.
want = [gd[0], gd[1], gd[2], gd[3] + 14 * gd[2]]
print("guest burst: tx %d pkts %d bytes, rx %d pkts %d bytes (+14/pkt: %d)"
      % (gd[0], gd[1], gd[2], gd[3], want[3]))
print("qmp burst:   tx %d pkts %d bytes, rx %d pkts %d bytes" % tuple(qd))
ok = qd == want and gd[0] > 30 and gd[2] > 30
for q in qs:
    for d in ("tx", "rx"):
        s = q[d]
        if s["packets"] and not (s["packets"] <= s["slots"] <= s["packets"] * 20):
            print("q%d %s: %d slots for %d packets" % (q["index"], d, s["slots"], s["packets"]))
            ok = False
        if s["packets"] and s["events"] == 0:
            print("q%d %s: packets without events" % (q["index"], d))
            ok = False
sys.exit(0 if ok else 1)
PY
}
compare || { log "retrying once"; compare; } || fail "QMP counters do not match the guest's"
qnetback-stat -s /run/qemu-s.qmp | tee "$QNB_OUT/stat.txt"
grep -q "PPI" "$QNB_OUT/stat.txt" || fail "qnetback-stat printed no table"
hmp s "info xen-netback" | tee "$QNB_OUT/hmp.txt"
grep -q "PPI" "$QNB_OUT/hmp.txt" || fail "info xen-netback printed no table"

# The ratios: QMP gives one only over 10 or more events (polls), exactly
# packets (slots) over them; the two tables print what QMP gave, "-" for
# an absent one.
python3 - /run/q2.json <<'PY' || fail "QMP's ratios do not follow their counters"
import json, sys
ok = True
for q in json.load(open(sys.argv[1]))["return"][0]["queues"]:
    for d in ("tx", "rx"):
        s = q[d]
        for r, num, den in (("ppi", "packets", "events"), ("spi", "slots", "events"),
                            ("ppn", "packets", "polls"), ("spn", "slots", "polls")):
            want = s[num] / s[den] if s[den] >= 10 else None
            got = s.get(r)
            if (want is None) != (got is None) or (want is not None and abs(got - want) > 1e-9 * want):
                print("q%d %s: %s %r, want %r (%s %d, %s %d)"
                      % (q["index"], d, r, got, want, num, s[num], den, s[den]))
                ok = False
sys.exit(0 if ok else 1)
PY
# table_ratios FILE COLUMN-OF-PACKETS: every row's PPI..SPN against its
# own events, polls, packets and slots columns.
table_ratios() {
    awk -v p="$2" '
        function want(num, den) { return den < 10 ? "-" : sprintf("%.2f", num / den) }
        $2 == "tx" || $2 == "rx" {
            ev = $3; po = $4; pk = $5; sl = $6
            w = want(pk, ev) " " want(sl, ev) " " want(pk, po) " " want(sl, po)
            g = $(p) " " $(p + 1) " " $(p + 2) " " $(p + 3)
            if (w != g) { print "row " NR ": " g ", want " w; bad = 1 }
            if ($(p) == "-") dash++; else num++
        }
        END { printf "%d rows with PPI, %d with \"-\"\n", num, dash; exit bad || !num }
    ' "$1"
}
table_ratios "$QNB_OUT/stat.txt" 7 || fail "qnetback-stat's ratios do not follow its counters"
table_ratios "$QNB_OUT/hmp.txt" 8 || fail "info xen-netback's ratios do not follow its counters"
