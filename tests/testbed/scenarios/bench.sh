# Every backend side by side in one boot, same guest image, in ROUNDS
# rounds; each round brings every backend up once (its own guest), in an
# order rotated from round to round (round r starts at backend r mod N, so
# no backend always runs first or last), and measures:
#   latency     ping from dom0 to the guest, PINGS requests 20 ms apart
#   throughput  iperf3 TCP, each rune both ways, SECS s a run, with the
#               CPU seconds of dom0 and of the guest from `xl list` before
#               and after each run (dom0's include the backend's QEMU)
#   packets     iperf3 UDP, 64 and 1400-byte payloads both ways, unlimited
#               rate (-b 0), UDP_SECS s a run: packets/s received
# and, for qnetback, its counters (query-xen-netback) around each TCP run.
# The raw results go to raw/ in the scenario's output directory; after each
# backend, bench-report.py turns them into bench.csv (TCP, CPU),
# bench-udp.csv, bench-lat.csv and bench-stats.csv; at the end into
# report.txt: medians with their ranges over the rounds.
#
# Time budget with the defaults, from a real run of the previous bench (one
# round, 10 s runs: guest up 9-13 s, 0.5-1 s of dom0 overhead per iperf3
# run, ~1 s per QMP query, every python3 start ~0.5 s under emulation):
#   per backend and round   up ~10 + ping ~1.5 + TCP 4 x (5 + ~0.8)
#                           + UDP 4 x (2 + ~0.5) + collect ~1 + down ~1
#                           = ~47 s; qnetback +5 QMP queries = ~52 s;
#                           xen-net-device's slow runs take ~8 s more
#   per round               6 backends: ~310 s
#   3 rounds                ~15.5 min, plus the boot and the report:
#                           ~16 min (plans/bench gives the scenario 25 min)
# Should the rounds run slower than that, no round starts that would end
# (going by the last round's duration) after BUDGET seconds: the report then
# covers the rounds done, and says so, rather than the runner's timeout
# killing everything.
#
# QNB_BENCH_* variables change the defaults (the test bed's dom0 does not
# pass make's environment through: edit them here for a one-off run).
. /testbed/lib.sh
ROUNDS=${QNB_BENCH_ROUNDS:-3}
SECS=${QNB_BENCH_SECS:-5}
UDP_SECS=${QNB_BENCH_UDP_SECS:-2}
PINGS=${QNB_BENCH_PINGS:-50}
BUDGET=${QNB_BENCH_BUDGET:-1380}
# Backends: "LABEL KIND N OPTIONS"; the first is the reference of the ratios
# (with xen-net-device, if there).
BACKENDS=${QNB_BENCH_BACKENDS:-"kernel-netback knb 1 -
xen-net-device stock 2 -
qnetback-1q-map qnb 4 queues=1,iothreads=1,grant-mode=map
qnetback-1q-copy qnb 5 queues=1,iothreads=1,grant-mode=copy
qnetback-4q-map qnb 6 queues=4,iothreads=2,grant-mode=map
qnetback-4q-copy qnb 7 queues=4,iothreads=2,grant-mode=copy"}
# The configuration whose counters are sampled every second for the plot
# (first round, first rune).
PLOT=${QNB_BENCH_PLOT:-qnetback-4q-copy}
RUNES="1x128K:-l,131072 4x128K:-P,4,-l,131072"
UDP_SIZES="64 1400"

raw=$QNB_OUT/raw
mkdir -p "$raw"
rm -f "$QNB_OUT"/bench.csv "$QNB_OUT"/bench-udp.csv "$QNB_OUT"/bench-lat.csv \
    "$QNB_OUT"/bench-stats.csv
BACKENDS=$(echo "$BACKENDS" | grep -v '^[[:space:]]*$')
nb=$(echo "$BACKENDS" | wc -l)
labels=$(echo "$BACKENDS" | awk '{ printf "%s%s", sep, $1; sep = "," }')
broken=

# qnb_snap N FILE: qnetback b$N's counters now, in FILE (empty if QMP does
# not answer: the collector then leaves that run out of bench-stats.csv).
qnb_snap() {
    qmp "b$1" '{"execute": "query-xen-netback"}' > "$2" 2>/dev/null || echo "$2: no reply" >&2
}

# timed_iperf PREFIX IP SECONDS ARGS...: one iperf3 run, dom0 the client;
# its JSON in PREFIX.json, `xl list` just before and after in PREFIX.xl0
# and PREFIX.xl1 (nothing else runs between them: the CPU is iperf3's, the
# backend's and the guest's).
timed_iperf() {
    local p=$1 ip=$2 secs=$3
    shift 3
    xl list > "$p.xl0" 2> /dev/null
    timeout $((secs + 30)) iperf3 -c "$ip" -t "$secs" -J "$@" > "$p.json" 2> "$p.err"
    xl list > "$p.xl1" 2> /dev/null
}

# bench_one ROUND LABEL KIND N OPTIONS: one backend's turn in a round.
bench_one() {
    local round=$1 label=$2 kind=$3 n=$4 opts=$5 ip p m rune name args
    local dir size stat='' sampled q0 q1 out
    ip=10.0.$n.2
    p=$raw/r$round-$label
    m=$p.manifest
    log "== round $round: $label ($kind $opts)"
    # backend_up fails the scenario when a guest does not come up: in a
    # subshell, that ends this backend's turn only (noted, checked at the end).
    if ! (backend_up "$kind" "b$n" "$n" "$opts"); then
        log "round $round: $label did not come up"
        broken="$broken r$round:$label"
        backend_down "b$n"
        return
    fi
    printf 'round %s\nbackend %s\nguest b%s\n' "$round" "$label" "$n" > "$m"

    timeout 30 ping -c "$PINGS" -i 0.02 -W 2 -w 20 "$ip" > "$p-ping.txt" 2>&1
    echo "ping $p-ping.txt" >> "$m"

    q0=-
    if [ "$kind" = qnb ]; then
        q0=$p-q0.json
        qnb_snap "$n" "$q0"
    fi
    for rune in $RUNES; do
        name=${rune%%:*}
        args=$(echo "${rune#*:}" | tr ',' ' ')
        sampled=0
        if [ "$round" = 1 ] && [ "$label" = "$PLOT" ] && [ "$name" = 1x128K ]; then
            qnetback-stat -s "/run/qemu-b$n.stat.qmp" -i 1 -n $((2 * SECS + 6)) \
                --csv "$QNB_OUT/samples.csv" > /dev/null 2>&1 &
            stat=$!
            sampled=1
        fi
        for dir in rx tx; do
            # shellcheck disable=SC2086
            if [ $dir = rx ]; then
                timed_iperf "$p-$name-$dir" "$ip" "$SECS" $args
            else
                timed_iperf "$p-$name-$dir" "$ip" "$SECS" $args -R
            fi
            q1=-
            if [ "$kind" = qnb ]; then
                q1=$p-$name-$dir.q.json
                qnb_snap "$n" "$q1"
            fi
            echo "tcp $name $dir $p-$name-$dir $q0 $q1 $sampled" >> "$m"
            q0=$q1
        done
        # Only the sampler: a bare wait would wait for QEMU too.
        [ -n "$stat" ] && wait "$stat"
        stat=
    done

    for size in $UDP_SIZES; do
        timeout $((UDP_SECS + 30)) iperf3 -c "$ip" -u -b 0 -l "$size" -t "$UDP_SECS" -J \
            > "$p-udp$size-rx.json" 2> "$p-udp$size-rx.err"
        echo "udp $size rx $p-udp$size-rx" >> "$m"
        timeout $((UDP_SECS + 30)) iperf3 -c "$ip" -u -b 0 -l "$size" -t "$UDP_SECS" -J -R \
            > "$p-udp$size-tx.json" 2> "$p-udp$size-tx.err"
        echo "udp $size tx $p-udp$size-tx" >> "$m"
    done
    backend_down "b$n"

    out=$(python3 /testbed/bench-report.py collect "$QNB_OUT" "$m" 2>&1) ||
        broken="$broken r$round:$label(collect)"
    log "$out"
}

start=$(date +%s)
last=0
r=0
while [ $r -lt "$ROUNDS" ]; do
    rstart=$(date +%s)
    if [ $r -gt 0 ] && [ $((rstart - start + last)) -gt "$BUDGET" ]; then
        log "stopping after $r of $ROUNDS rounds: round $((r + 1)) would end past ${BUDGET}s"
        break
    fi
    log "round $((r + 1)) of $ROUNDS"
    i=0
    while [ $i -lt "$nb" ]; do
        read -r label kind n opts <<EOF
$(echo "$BACKENDS" | sed -n "$(( (r + i) % nb + 1 ))p")
EOF
        [ "$opts" = - ] && opts=
        bench_one $((r + 1)) "$label" "$kind" "$n" "$opts"
        i=$((i + 1))
    done
    last=$(( $(date +%s) - rstart ))
    log "round $((r + 1)) took ${last}s"
    r=$((r + 1))
done

python3 /testbed/bench-report.py report "$QNB_OUT" --backends "$labels" \
    --rounds-asked "$ROUNDS" > "$QNB_OUT/report.txt" || fail "report"
cat "$QNB_OUT/report.txt"
[ -z "$broken" ] || fail "backends that did not come up or whose results could not be read:$broken"
# Every backend must have moved something in every rune of every round.
awk -F, 'NR > 1 && $5 + 0 <= 0 { bad = 1; print "no throughput: " $0 } END { exit bad }' \
    "$QNB_OUT/bench.csv" || fail "a backend moved nothing"
rows=$(($(wc -l < "$QNB_OUT/bench.csv") - 1))
[ "$rows" -eq $((r * nb * $(echo "$RUNES" | wc -w) * 2)) ] ||
    fail "bench.csv has $rows TCP rows, not $((r * nb * $(echo "$RUNES" | wc -w) * 2))"
