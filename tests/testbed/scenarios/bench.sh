# Every backend side by side in one boot, same guest image, in ROUNDS
# rounds; each round brings every backend up once (its own guest), in an
# order rotated from round to round (round r starts at backend r mod N, so
# no backend always runs first or last), and measures:
#   latency     ping from dom0 to the guest, PINGS requests 20 ms apart
#   throughput  iperf3 TCP, each rune both ways, SECS s a run, with the
#               CPU seconds of dom0 and of the guest from `xl list` before
#               and after each run (dom0's include the backend's QEMU)
#   packets     iperf3 UDP, 64 and 1400-byte payloads both ways, unlimited
#               rate (-b 0), UDP_SECS s a run: packets/s received (and
#               sent: under emulation the sending iperf3 is the ceiling)
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
#                           xen-net-device's UDP runs may take up to
#                           4 x 8 s more (they are cut, see bench_one)
#   the userspace netfront  up ~25 + 2 configurations x 2 directions x
#                           (UFE_SECS 4 + 2 snapshots ~3) = ~45 s
#   per round               6 backends and it: ~355 s (measured on
#                           2026-11-27: 350-361 s; before the cut 357, 400
#                           and 420 s, the stock device's 30 s UDP waits)
#   3 rounds                ~18 min, plus the boot and the report:
#                           ~18.5 min (plans/bench gives the scenario 25 min)
# Should the rounds run slower than that, no round starts that would end
# (going by the last round's duration) after BUDGET seconds: the report then
# covers the rounds done, and says so, rather than the runner's timeout
# killing everything.
#
# QNB_BENCH_* variables change the defaults: testbed-run.sh hands them
# from the host's environment to dom0's, so
#   make bench QNB_BENCH_ROUNDS=1 QNB_BENCH_BACKENDS="kernel-netback knb 1 -"
# runs one round of the kernel netback alone.
. /testbed/lib.sh
ROUNDS=${QNB_BENCH_ROUNDS:-3}
SECS=${QNB_BENCH_SECS:-5}
UDP_SECS=${QNB_BENCH_UDP_SECS:-2}
PINGS=${QNB_BENCH_PINGS:-50}
BUDGET=${QNB_BENCH_BUDGET:-1380}
# Backends: "LABEL KIND N OPTIONS"; the first is the reference of the ratios
# (with xen-net-device, if there).  netfront=static in OPTIONS gives the
# guest our static-grants netfront (guest/xen-netfront/) instead of the
# stock one: qnetback-1q-static against qnetback-1q-copy is the same
# backend with and without static grants, in a real guest's TCP stack.
# Kind ufe is not a backend but the
# userspace netfront through qnetback, with and without static grants
# (bench_ufe): its own table, no TCP.
BACKENDS=${QNB_BENCH_BACKENDS:-"kernel-netback knb 1 -
xen-net-device stock 2 -
qnetback-1q-map qnb 4 queues=1,iothreads=1,grant-mode=map
qnetback-1q-copy qnb 5 queues=1,iothreads=1,grant-mode=copy
qnetback-1q-static qnb 6 queues=1,iothreads=1,grant-mode=copy,netfront=static
qnetback-4q-copy qnb 7 queues=4,iothreads=2,grant-mode=copy
qnb-netfront ufe 8 -"}
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

# QNB_BENCH_PROFILE=1: in round 1, a dom0-wide perf profile (cpu-clock,
# call graphs) of each backend's 1x128K runs, summarised in
# raw/r1-LABEL-1x128K-DIR.perf.txt; those runs' CPU figures are left out.
PROFILE=${QNB_BENCH_PROFILE:-0}

# perf_summary DATA: the top entries by process and DSO, then by symbol.
perf_summary() {
    echo "== by command and DSO (self)"
    perf report -i "$1" --no-children --sort comm,dso --stdio -g none 2>/dev/null |
        grep -v '^#' | grep -v '^$' | head -n 25
    echo "== by symbol (self), with the command"
    perf report -i "$1" --no-children --sort comm,sym --stdio -g none 2>/dev/null |
        grep -v '^#' | grep -v '^$' | head -n 60
    # Where the top entries come from: under a PV dom0 most of a backend's
    # time is xen_hypercall_pv, and only its callers say which hypercall.
    echo "== call chains of the entries over 3% (folded, caller first; idle left out)"
    perf report -i "$1" --no-children --sort comm,sym --percent-limit 3 --stdio \
        -g folded,0.5,caller,function,percent 2>/dev/null |
        grep -v '^#' | grep -v '^$' | grep -v 'swapper\|cpu_startup_entry' |
        cut -c 1-600 | head -n 120
}

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
    local dir size stat='' sampled q0 q1 out ramdisk=$GUEST_RAMDISK extra= prof
    case ",$opts," in
    *,netfront=static,*)
        ramdisk=/run/domu-sg.cpio.gz extra="qnb.netfront=$SG_KO"
        [ -f $ramdisk ] || ramdisk_with $NF_KO $SG_KO $ramdisk ||
            { broken="$broken r$round:$label(ramdisk)"; return; }
        opts=$(echo ",$opts," | sed 's/,netfront=static,/,/; s/^,//; s/,$//') ;;
    esac
    ip=10.0.$n.2
    p=$raw/r$round-$label
    m=$p.manifest
    log "== round $round: $label ($kind $opts)"
    # backend_up fails the scenario when a guest does not come up: in a
    # subshell, that ends this backend's turn only (noted, checked at the end).
    if ! (GUEST_RAMDISK=$ramdisk GUEST_EXTRA=$extra backend_up "$kind" "b$n" "$n" "$opts"); then
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
                --csv "$QNB_OUT/samples.csv" > "$p-stat.txt" 2>&1 &
            stat=$!
            # the traffic after its first sample (it takes seconds to start)
            wait_until 30 test -s "$p-stat.txt" || log "qnetback-stat: no sample yet"
            sampled=1
        fi
        [ "$PROFILE" = 1 ] && [ "$round" = 1 ] && [ "$name" = 1x128K ] && sampled=1
        for dir in rx tx; do
            prof=
            if [ "$sampled" = 1 ] && [ "$PROFILE" = 1 ]; then
                # dom0's profile of the run (it runs as long as iperf3's -t)
                perf record -a -g -F 499 -e cpu-clock -o "/run/perf-$dir.data" \
                    -- sleep "$SECS" > /dev/null 2>&1 &
                prof=$!
            fi
            # shellcheck disable=SC2086
            if [ $dir = rx ]; then
                [ -n "$stat" ] && phase_mark "$label, $name dom0 -> guest"
                timed_iperf "$p-$name-$dir" "$ip" "$SECS" $args
            else
                [ -n "$stat" ] && phase_mark "$label, $name guest -> dom0"
                timed_iperf "$p-$name-$dir" "$ip" "$SECS" $args -R
            fi
            [ -n "$stat" ] && phase_mark -
            if [ -n "$prof" ]; then
                wait "$prof"
                perf_summary "/run/perf-$dir.data" > "$p-$name-$dir.perf.txt" 2>&1
                rm -f "/run/perf-$dir.data"
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

    # A UDP run is cut UDP_SECS + 8 s after it starts; they end in about
    # UDP_SECS + 1.  xen-net-device often stops passing traffic under
    # unlimited UDP, iperf3's control connection included: its runs used to
    # wait for a 30 s timeout, up to three times a round.  iperf3, cut,
    # reports what arrived until then, over the time it ran.
    for size in $UDP_SIZES; do
        for dir in rx tx; do
            # shellcheck disable=SC2046
            timeout $((UDP_SECS + 8)) iperf3 -c "$ip" -u -b 0 -l "$size" -t "$UDP_SECS" -J \
                $([ $dir = tx ] && echo -R) \
                > "$p-udp$size-$dir.json" 2> "$p-udp$size-$dir.err"
            echo "udp $size $dir $p-udp$size-$dir" >> "$m"
        done
    done
    backend_down "b$n"

    out=$(python3 /testbed/bench-report.py collect "$QNB_OUT" "$m" 2>&1) ||
        broken="$broken r$round:$label(collect)"
    log "$out"
}

# The userspace netfront's turn: one guest running qnb-netfront's bench
# cases (tests/netfront/bench.c) through a 1-queue qnetback vif on an
# IOThread, copy mode; "grant" names its buffers by grant references,
# "static" adds the same buffers as static grants first; the order
# alternates from round to round.  At each rendezvous dom0 takes
# query-xen-netback and `xl list`, and sends the RX traffic (fragments of
# 60000-byte datagrams, for UFE_SECS s).
UFE_SECS=${QNB_BENCH_UFE_SECS:-4}
NF_KO=/usr/local/lib/qnetback/xen-netfront.ko
SG_KO=/lib/modules/xen-netfront-sg.ko
NF=/usr/local/bin/qnb-netfront

# ufe_snap N PREFIX AFTER: counters and CPU times, the CPU closest to the
# traffic: `xl list` after the QMP query when AFTER is 0, before it if 1.
# The backend's own CPU: QEMU's, from /proc, in PREFIX.qemu0 and .qemu1.
ufe_snap() {
    if [ "$3" = 1 ]; then
        qemu_cpu_ms "b$1" > "$2.qemu1"
        xl list > "$2.xl1" 2> /dev/null
    fi
    qnb_snap "$1" "$2.q$3.json"
    if [ "$3" = 0 ]; then
        xl list > "$2.xl0" 2> /dev/null
        qemu_cpu_ms "b$1" > "$2.qemu0"
    fi
    return 0
}

# ufe_sync SEQ WHAT CONFIG VIF ARGS...: guest_sync's handler.
ufe_sync() {
    local p=$UFE_P-$3
    case "$2" in
    bench-tx) ufe_snap "$UFE_N" "$p-tx" 0 ;;
    bench-tx-end)       # PACKETS BYTES MICROSECONDS
        ufe_snap "$UFE_N" "$p-tx" 1
        echo "ufe $3 tx $p-tx $(awk -v us="$7" 'BEGIN { printf "%.3f", us / 1e6 }') $5" \
            >> "$UFE_M" ;;
    bench-rx)           # SECS
        ufe_snap "$UFE_N" "$p-rx" 0
        timeout "$5" python3 /testbed/udp.py send "$UFE_IP" 7030 100000000 60000 0 \
            qnb-bench > /dev/null 2>&1
        ufe_snap "$UFE_N" "$p-rx" 1 ;;
    bench-rx-end) echo "ufe $3 rx $p-rx $UFE_SECS $5" >> "$UFE_M" ;;
    done) log "round $UFE_R: qnb-netfront case $3: $5"
        [ "$5" = PASS ] || broken="$broken r$UFE_R:$3" ;;
    esac
}

# bench_ufe ROUND LABEL N
bench_ufe() {
    local round=$1 label=$2 n=$3 cases name=b$3 mac
    mac=$(printf '00:16:3e:00:%02x:02' "$n")
    UFE_R=$round UFE_N=$n UFE_IP=10.0.$n.2
    UFE_P=$raw/r$round-$label UFE_M=$raw/r$round-$label.manifest
    cases=bench-static+bench
    [ $((round % 2)) = 0 ] && cases=bench+bench-static
    log "== round $round: $label ($cases)"
    [ -f /run/domu-ufe.cpio.gz ] ||
        ramdisk_with $NF /bin/qnb-netfront /run/domu-ufe.cpio.gz ||
        { broken="$broken r$round:$label(ramdisk)"; return; }
    printf 'round %s\nbackend %s\nguest %s\n' "$round" "$label" "$name" > "$UFE_M"
    GUEST_RAMDISK=/run/domu-ufe.cpio.gz guest_config "$name" \
        "qnb.nonetfront qnb.run=/bin/qnb-netfront,--sync,--secs,$UFE_SECS,--case,$cases"
    if ! (guest_create "$name" -p &&
          qemu_start "$name" -xen-domid "$(guest_domid "$name")" -xen-attach \
              -machine xenpv -object iothread,id=io0 \
              -netdev tap,id=n0,ifname=qtap$n,script=no,downscript=no,vhost=off \
              -device "{\"driver\": \"xen-netback\", \"netdev\": \"n0\",
                        \"mac\": \"$mac\", \"iothread\": \"io0\"}" &&
          tap_wait_up qtap$n 10.0.$n.1/24); then
        log "round $round: $label did not come up"
        broken="$broken r$round:$label"
        backend_down "$name"
        return
    fi
    ip neigh replace "$UFE_IP" lladdr "$mac" dev qtap$n nud permanent
    xl unpause "$name"
    guest_sync "$name" $((8 * UFE_SECS + 60)) ufe_sync
    guest_console "$name" | grep -q "^qnb-run: exit 0" ||
        { guest_console "$name" | grep "qnb-netfront\|qnb-run" | tail -n 8
          broken="$broken r$round:$label(run)"; }
    backend_down "$name"
    out=$(python3 /testbed/bench-report.py collect "$QNB_OUT" "$UFE_M" 2>&1) ||
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
        if [ "$kind" = ufe ]; then
            bench_ufe $((r + 1)) "$label" "$n"
        else
            bench_one $((r + 1)) "$label" "$kind" "$n" "$opts"
        fi
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
ntcp=$(echo "$BACKENDS" | awk '$2 != "ufe"' | wc -l)
[ "$rows" -eq $((r * ntcp * $(echo "$RUNES" | wc -w) * 2)) ] ||
    fail "bench.csv has $rows TCP rows, not $((r * ntcp * $(echo "$RUNES" | wc -w) * 2))"
if echo "$BACKENDS" | awk '$2 == "ufe"' | grep -q .; then
    urows=$(($(wc -l < "$QNB_OUT/bench-ufe.csv" 2>/dev/null || echo 1) - 1))
    [ "$urows" -eq $((r * 4)) ] ||
        fail "bench-ufe.csv has $urows rows, not $((r * 4))"
    # Static grants must have served every slot of theirs: no grant operation.
    awk -F, 'NR > 1 && $2 == "static" && $8 + 0 > 0 {
                 bad = 1; print "grant ops with static grants: " $0 } END { exit bad }' \
        "$QNB_OUT/bench-ufe.csv" || fail "the static configuration used grant operations"
fi
