# make soak: one dom0 QEMU serving three guests for about six minutes of
# mixed load, its resources sampled the whole time.
#   * guest sa (the Linux netfront with static grants, two queues on two
#     IOThreads): iperf3 both ways, small UDP datagrams, 8 MiB checksummed
#     each way, round after round;
#   * guest sb (the stock Linux netfront, map mode): its vif reconnects
#     over and over (netfront unbound and bound again in the guest, every
#     fourth time the device unplugged and plugged again over QMP), ping
#     and a short iperf3 after each;
#   * guest sh (qnb-netfront --repeat-for): the hostile cases that need no
#     rendezvous with dom0, round after round, on a copy vif, a map vif and
#     a 4-queue vif on the IOThreads.
# Every 15 s dom0 samples the QEMU's RSS, open fds, grant mappings and
# threads.  With the load over and the same connections up as before it
# began, the fds and grant mappings must be what they were and the threads
# no more, and the RSS of the last third of the run may exceed the first
# third's by at most 4 MiB.  Every loop must have passed, QEMU must still
# serve both guests.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. /testbed/lib.sh

SECS=360                # the load's length
NF=/usr/local/bin/qnb-netfront
KO=/usr/local/lib/qnetback/xen-netfront.ko
GKO=/lib/modules/xen-netfront-sg.ko
# Most on the 4-queue vif's last queue (an IOThread), some in the main loop
# in copy (vif 1) and map (vif 2) mode.
HOSTILE=good+bad-gref@2+bad-gref-flood@2+revoke-rings+offset-overflow@3/4
HOSTILE=$HOSTILE+size-chain@3/4+zero-length-frags@3/4+header-split@3/4
HOSTILE=$HOSTILE+too-many-slots@2+bogus-req-prod@3/4+unknown-extra@3/4
HOSTILE=$HOSTILE+bad-num-queues+ctrl-bad-messages@3/4+ctrl-bogus-prod@3/4
HOSTILE=$HOSTILE+tx-odd-chains@3/4+tx-bad-offloads@3/4+gso-size-zero@3/4
HOSTILE=$HOSTILE+missing-slots@3/4+req-prod-back@3/4+ring-tamper@1+rewrite-under@2
HOSTILE=$HOSTILE+rewrite-under@3/4+connect-keys@3+state-flap@3/4+connect-fault@3
HOSTILE=$HOSTILE+closing-fault@3+static-reconnect@1+static-off@2+event-storm
HOSTILE=$HOSTILE+ctrl-event-storm@2+split-storm@3/4
ERRS=/run/soak-problems
: > $ERRS
problem() { log "PROBLEM: $*"; echo "$*" >> $ERRS; }

[ -x $NF ] || fail "$NF is missing (ninja -C build/native builds it)"
[ -f $KO ] || fail "$KO is missing (scripts/build-netfront-module.sh builds it)"
base_ramdisk=$GUEST_RAMDISK

# 1. The guests; eth0 (vif 1) of sa and sb is served by a QEMU of their
# own (dom0 reaches their agents through it), eth1 (vif 2) by the soak
# QEMU.
ramdisk_with $KO $GKO /run/domu-sg.cpio.gz || fail "cannot pack the module"
GUEST_RAMDISK=/run/domu-sg.cpio.gz GUEST_EXTRA="qnb.netfront=$GKO" \
    backend_up qnb sa 21 "queues=2"
GUEST_RAMDISK=$base_ramdisk backend_up qnb sb 22
ramdisk_with $NF /bin/qnb-netfront /run/domu-hostile.cpio.gz ||
    fail "cannot pack qnb-netfront"
GUEST_RAMDISK=/run/domu-hostile.cpio.gz
guest_config sh "qnb.nonetfront qnb.run=/bin/qnb-netfront,--repeat-for,$((SECS - 60)),--case,$HOSTILE"
guest_create sh -p
da=$(guest_domid sa)
db=$(guest_domid sb)
dh=$(guest_domid sh)

SB_DEV="{\"driver\": \"xen-netback\", \"id\": \"vif-sb\", \"netdev\": \"nb\", \"vif\": 2,
         \"mac\": \"00:16:3e:00:20:02\", \"frontend-id\": $db, \"grant-mode\": \"map\"}"
qemu_start soak -xen-domid 0 -xen-attach -machine xenpv \
    -object iothread,id=io0 -object iothread,id=io1 \
    -netdev tap,id=na,ifname=qsoak1,queues=2,script=no,downscript=no,vhost=off \
    -device "{\"driver\": \"xen-netback\", \"netdev\": \"na\", \"vif\": 2,
              \"mac\": \"00:16:3e:00:1f:02\", \"frontend-id\": $da,
              \"iothreads\": [\"io0\", \"io1\"]}" \
    -netdev tap,id=nb,ifname=qsoak2,script=no,downscript=no,vhost=off \
    -device "$SB_DEV" \
    -netdev tap,id=nh1,ifname=qsoakh1,script=no,downscript=no,vhost=off \
    -device xen-netback,netdev=nh1,mac=00:16:3e:00:21:02,frontend-id="$dh",vif=1 \
    -netdev tap,id=nh2,ifname=qsoakh2,script=no,downscript=no,vhost=off \
    -device xen-netback,netdev=nh2,mac=00:16:3e:00:22:02,frontend-id="$dh",vif=2,grant-mode=map \
    -netdev tap,id=nh3,ifname=qsoakh3,queues=4,script=no,downscript=no,vhost=off \
    -device "{\"driver\": \"xen-netback\", \"netdev\": \"nh3\", \"vif\": 3,
              \"mac\": \"00:16:3e:00:23:02\", \"frontend-id\": $dh,
              \"iothreads\": [\"io1\", \"io0\"]}"
tap_wait_up qsoak1 10.0.31.1/24
tap_wait_up qsoak2 10.0.32.1/24
tap_wait_up qsoakh1 10.0.33.1/24
tap_wait_up qsoakh2 10.0.34.1/24
tap_wait_up qsoakh3 10.0.35.1/24

# eth1_up IP ADDR: configure the guest's eth1 once netfront has it.
eth1_up() {
    gexec "$1" "i=0; while [ ! -e /sys/class/net/eth1 ] && [ \$i -lt 300 ]; do
                    sleep 0.1; i=\$((i + 1)); done;
                ip addr add $2/24 dev eth1 && ip link set eth1 up" > /dev/null
}
eth1_up 10.0.21.2 10.0.31.2 || fail "guest sa has no eth1 from the soak QEMU"
eth1_up 10.0.22.2 10.0.32.2 || fail "guest sb has no eth1 from the soak QEMU"
wait_until 30 ping -c 1 -W 2 10.0.31.2 || fail "sa's eth1 does not answer"
wait_until 30 ping -c 1 -W 2 10.0.32.2 || fail "sb's eth1 does not answer"
statics=$(qmp soak '{"execute": "query-xen-netback"}' | python3 -c '
import json, sys
print(sum(q["static-grants"] for d in json.load(sys.stdin)["return"]
          if d["frontend-id"] == int(sys.argv[1]) for q in d["queues"]))' "$da")
log "sa's eth1: $statics static grants held by the soak QEMU"

# sample: one line "SECONDS RSS_KB FDS MAPS THREADS" of the soak QEMU.
pid=$(cat /run/qemu-soak.pid)
t0=$(date +%s)
sample() {
    echo "$(( $(date +%s) - t0 )) $(qemu_rss soak) $(ls /proc/"$pid"/fd | wc -l)" \
         "$(qemu_gntdev_maps soak) $(awk '/^Threads/ { print $2 }' /proc/"$pid"/status)"
}

# A round of traffic first, so the baseline has its buffers and pools;
# sa's with sa_loop's runes, its figures alone.
alone_rx=$(iperf 10.0.31.2 4 -P 2) || fail "iperf3 dom0 -> sa"
alone_tx=$(iperf 10.0.31.2 4 -R) || fail "iperf3 sa -> dom0"
log "sa's eth1 alone: iperf3 $alone_rx / $alone_tx Mbit/s"
iperf_both 10.0.32.2 2
read -r _ rss0 fds0 maps0 thr0 <<< "$(sample)"
log "baseline, sa and sb connected, sh not started: RSS $rss0 kB, $fds0 fds," \
    "$maps0 grant mappings, $thr0 threads"

# 2. The load, each part bounded by $end.
end=$(( $(date +%s) + SECS ))

sa_loop() {
    local n=0 rx tx
    while [ "$(date +%s)" -lt "$end" ]; do
        n=$((n + 1))
        rx=$(iperf 10.0.31.2 4 -P 2) || problem "sa round $n: iperf3 dom0 -> guest"
        tx=$(iperf 10.0.31.2 4 -R) || problem "sa round $n: iperf3 guest -> dom0"
        udp_send 10.0.31.2 7020 2000 64 0 soak-small ||
            problem "sa round $n: small datagrams"
        if [ $((n % 3)) = 1 ]; then
            ( payload_check 10.0.31.1 10.0.31.2 8 ) > /dev/null ||
                problem "sa round $n: 8 MiB checksummed"
        fi
        log "sa round $n: iperf3 ${rx:-?} / ${tx:-?} Mbit/s"
        echo "${rx:-0} ${tx:-0}" >> /run/soak-sa-mbps
        sleep 2
    done
    echo "$n" > /run/soak-sa-rounds
}

sb_gone() { ! qmp soak '{"execute": "query-xen-netback"}' | grep -q vif-sb; }

# sb_cycle N: reconnect sb's eth1, by netfront (unbind, bind) or, every
# fourth time, by unplugging and plugging the device in the soak QEMU.
sb_cycle() {
    if [ $(($1 % 4)) = 0 ]; then
        qmp soak '{"execute": "device_del", "arguments": {"id": "vif-sb"}}' |
            grep -q '"return": {}' || { problem "sb cycle $1: device_del"; return 1; }
        wait_until 30 gexec 10.0.22.2 "test ! -e /sys/class/net/eth1" ||
            { problem "sb cycle $1: eth1 did not go"; return 1; }
        wait_until 30 sb_gone || { problem "sb cycle $1: vif-sb still listed"; return 1; }
        qmp soak "{\"execute\": \"device_add\", \"arguments\": $SB_DEV}" |
            grep -q '"return": {}' || { problem "sb cycle $1: device_add"; return 1; }
    else
        gexec 10.0.22.2 "cd /sys/bus/xen/drivers/vif && echo vif-2 > unbind &&
                         sleep 1 && echo vif-2 > bind" > /dev/null ||
            { problem "sb cycle $1: unbind and bind netfront"; return 1; }
    fi
    eth1_up 10.0.22.2 10.0.32.2 || { problem "sb cycle $1: no eth1 after"; return 1; }
    wait_until 30 ping -c 1 -W 1 10.0.32.2 ||
        { problem "sb cycle $1: no ping after"; return 1; }
}

sb_loop() {
    local n=0 r
    while [ "$(date +%s)" -lt "$end" ]; do
        n=$((n + 1))
        sb_cycle $n || break
        if [ $((n % 2)) = 0 ]; then
            r=$(iperf 10.0.32.2 2 -R) || problem "sb cycle $n: iperf3 guest -> dom0"
        else
            r=$(iperf 10.0.32.2 2) || problem "sb cycle $n: iperf3 dom0 -> guest"
        fi
        log "sb cycle $n: $([ $((n % 4)) = 0 ] && echo "replugged" || echo "rebound"), iperf3 ${r:-?} Mbit/s"
    done
    echo "$n" > /run/soak-sb-cycles
}

rm -f /run/soak-sa-rounds /run/soak-sb-cycles /run/soak-sa-mbps
sa_loop &
sa_pid=$!
sb_loop &
sb_pid=$!
xl unpause sh
log "load: $SECS s; sh plays $(echo "$HOSTILE" | tr '+' '\n' | grep -c .) hostile cases a round"

: > "$QNB_OUT/soak-samples.txt"
while [ "$(date +%s)" -lt "$end" ]; do
    qemu_alive soak || { problem "the soak QEMU died"; break; }
    s=$(sample)
    echo "$s" >> "$QNB_OUT/soak-samples.txt"
    log "sample: $s (seconds, RSS kB, fds, grant mappings, threads)"
    sleep 15
done
wait $sa_pid $sb_pid
wait_until $((SECS + 120)) sh -c 'cat /var/log/xen/console/guest-sh.log | grep -q "^qnb-run: exit"' ||
    problem "the hostile guest's rounds did not end"

# 3. The load is over: sa and sb connected, sh's vifs closed.
log "the hostile guest's rounds:"
guest_console sh | grep "qnb-netfront: \(round\|done\)" | sed 's/^/    /'
guest_console sh | grep "qnb-netfront: case .*: FAIL" | head -n 20 | sed 's/^/    /'
rounds=$(guest_console sh | grep -c "^qnb-netfront: round ")
[ "$rounds" -ge 2 ] || problem "the hostile guest played $rounds rounds"
if guest_console sh | grep -q "^qnb-netfront: case .*: FAIL"; then
    problem "the hostile guest's cases failed (above)"
fi
log "sa: $(cat /run/soak-sa-rounds 2>/dev/null || echo 0) rounds," \
    "sb: $(cat /run/soak-sb-cycles 2>/dev/null || echo 0) reconnects"
[ "$(cat /run/soak-sb-cycles 2>/dev/null || echo 0)" -ge 8 ] ||
    problem "sb reconnected fewer than 8 times"
qemu_alive soak || fail "the soak QEMU died"
ping_both 10.0.31.1 10.0.31.2
ping_both 10.0.32.1 10.0.32.2
# What the last connections and QEMU's idle worker threads leave settles
# within seconds.
settled() {
    [ "$(grep -c /dev/xen/gntdev /proc/"$pid"/maps)" = "$maps0" ] &&
        [ "$(ls /proc/"$pid"/fd | wc -l)" = "$fds0" ] &&
        [ "$(awk '/^Threads/ { print $2 }' /proc/"$pid"/status)" -le "$thr0" ]
}
wait_until 30 settled
read -r _ rss1 fds1 maps1 thr1 <<< "$(sample)"
echo "$(( $(date +%s) - t0 )) $rss1 $fds1 $maps1 $thr1" >> "$QNB_OUT/soak-samples.txt"
log "after the load: RSS $rss1 kB, $fds1 fds, $maps1 grant mappings, $thr1 threads" \
    "(baseline $rss0, $fds0, $maps0, $thr0)"
[ "$fds1" = "$fds0" ] || problem "the soak QEMU has $fds1 fds, $fds0 before the load"
[ "$maps1" = "$maps0" ] || problem "the soak QEMU maps $maps1 grants, $maps0 before the load"
[ "$thr1" -le "$thr0" ] || problem "the soak QEMU has $thr1 threads, $thr0 before the load"
# RSS: the last third's highest against the first third's.
growth=$(python3 - "$QNB_OUT/soak-samples.txt" <<'PY'
import sys
rss = [int(l.split()[1]) for l in open(sys.argv[1]) if l.strip()]
k = max(1, len(rss) // 3)
print(max(rss[-k:]) - max(rss[:k]))
PY
)
# Under make check-asan freed memory first waits in ASan's 16 MiB
# quarantine (lib.sh); LeakSanitizer looks for leaks when QEMU exits.
bound=4096
[ -f /testbed/sanitizers ] && bound=$((bound + 16384))
log "RSS: highest of the last third minus highest of the first: $growth kB (bound $bound)"
[ "$growth" -lt "$bound" ] || problem "the soak QEMU's RSS grew by $growth kB"
# What sa kept, its vif sharing the IOThreads with the hostile 4-queue
# vif: reported, not bounded (three guests and dom0 share two CPUs here).
log "sa's eth1 during the load: $(python3 - "$alone_rx" "$alone_tx" <<'PY'
import statistics, sys
rows = [l.split() for l in open("/run/soak-sa-mbps") if l.strip()]
rx = statistics.median(float(r[0]) for r in rows)
tx = statistics.median(float(r[1]) for r in rows)
print("median iperf3 %.1f / %.1f Mbit/s over %d rounds, %d%% / %d%% of alone"
      % (rx, tx, len(rows), 100 * rx / float(sys.argv[1]),
         100 * tx / float(sys.argv[2])))
PY
)"
max_fds=$(awk '{ if ($3 > m) m = $3 } END { print m }' "$QNB_OUT/soak-samples.txt")
log "fds at most $max_fds during the load"
for g in sa sb; do
    if guest_console $g | grep -i "still in use"; then
        problem "guest $g: a grant outlived its response"
    fi
done

bad=$(cat $ERRS)
[ -z "$bad" ] || fail "problems:
$bad"
log "soak: $SECS s of mixed load, reconnects and hostile rounds; fds, grant" \
    "mappings and threads back to the baseline, RSS flat"
