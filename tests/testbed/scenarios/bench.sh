# Throughput of every backend, side by side in one boot, same guest, same
# iperf3 runes: single stream and 4 streams with 128 KiB writes, dom0 to
# guest and guest to dom0.  Writes report.txt (the table and the ratios)
# and bench.csv to the scenario's output directory.
. /testbed/lib.sh
SECS=${QNB_BENCH_SECS:-10}
# Backends: "LABEL KIND N OPTIONS"
BACKENDS=${QNB_BENCH_BACKENDS:-"kernel-netback knb 1 -
xen-net-device stock 2 -
qnetback-1q-map qnb 4 queues=1,iothreads=1,grant-mode=map
qnetback-1q-copy qnb 5 queues=1,iothreads=1,grant-mode=copy
qnetback-4q-map qnb 6 queues=4,iothreads=2,grant-mode=map
qnetback-4q-copy qnb 7 queues=4,iothreads=2,grant-mode=copy"}
# The configuration whose counters are sampled every second for the plot.
PLOT=${QNB_BENCH_PLOT:-qnetback-4q-copy}
RUNES="1x128K:-l,131072 4x128K:-P,4,-l,131072"

csv=$QNB_OUT/bench.csv
echo "backend,rune,direction,mbps" > "$csv"
stats=$QNB_OUT/bench-stats.csv
echo "backend,rune,direction,mbps,events,polls,packets,slots,grant_ops,grant_calls,drops" > "$stats"

# qnb_delta LABEL RUNE DIR MBPS BEFORE AFTER: the counters one run moved.
qnb_delta() {
    python3 - "$@" >> "$stats" <<'PY'
import json, sys
label, rune, d, mbps, a, b = sys.argv[1:]
def tot(path):
    qs = json.load(open(path))["return"][0]["queues"]
    keys = ["events", "polls", "packets", "slots"]
    t = {k: sum(q[d][k] for q in qs) for k in keys}
    t["grant_ops"] = sum(q[d]["map-ops"] + q[d]["unmap-ops"] + q[d]["copy-segs"] for q in qs)
    t["grant_calls"] = sum(q[d]["map-calls"] + q[d]["unmap-calls"] + q[d]["copy-calls"] for q in qs)
    t["drops"] = sum(q[d]["drops"] + q[d]["errors"] for q in qs)
    return t
x, y = tot(a), tot(b)
print(",".join([label, rune, d, mbps] + [str(y[k] - x[k]) for k in
      ["events", "polls", "packets", "slots", "grant_ops", "grant_calls", "drops"]]))
PY
}
echo "$BACKENDS" | while read -r label kind n opts; do
    [ -n "$label" ] || continue
    [ "$opts" = - ] && opts=
    log "== $label ($kind $opts)"
    backend_up "$kind" "b$n" "$n" "$opts"
    for rune in $RUNES; do
        name=${rune%%:*}
        args=$(echo "${rune#*:}" | tr ',' ' ')
        [ "$kind" = qnb ] && qmp "b$n" '{"execute": "query-xen-netback"}' > /run/s0.json
        if [ "$label" = "$PLOT" ] && [ "$name" = 1x128K ]; then
            qnetback-stat -s /run/qemu-b$n.stat.qmp -i 1 -n $((2 * SECS + 6)) \
                --csv "$QNB_OUT/samples.csv" > /dev/null 2>&1 &
            stat=$!
        fi
        # shellcheck disable=SC2086
        rx=$(iperf 10.0.$n.2 "$SECS" $args) || rx=0
        [ "$kind" = qnb ] && qmp "b$n" '{"execute": "query-xen-netback"}' > /run/s1.json
        # shellcheck disable=SC2086
        tx=$(iperf 10.0.$n.2 "$SECS" $args -R) || tx=0
        if [ "$kind" = qnb ]; then
            qmp "b$n" '{"execute": "query-xen-netback"}' > /run/s2.json
            qnb_delta "$label" "$name" rx "$rx" /run/s0.json /run/s1.json
            qnb_delta "$label" "$name" tx "$tx" /run/s1.json /run/s2.json
        fi
        # Only the sampler: a bare wait would wait for QEMU too.
        [ -n "${stat:-}" ] && wait "$stat"
        stat=
        log "$label $name: dom0->guest $rx Mbit/s, guest->dom0 $tx Mbit/s"
        echo "$label,$name,rx,$rx" >> "$csv"
        echo "$label,$name,tx,$tx" >> "$csv"
    done
    backend_down "b$n"
done
python3 /testbed/bench-report.py "$csv" "$stats" > "$QNB_OUT/report.txt" || fail "report"
cat "$QNB_OUT/report.txt"
# Every backend must have moved something in every rune.
awk -F, 'NR > 1 && $4 + 0 <= 0 { bad = 1; print "no throughput: " $0 } END { exit bad }' "$csv" ||
    fail "a backend moved nothing"
