# Hostile frontends.  Guest "hostile" runs no Linux netfront but our
# userspace one (tests/netfront/qnb-netfront, static, added to its ramdisk),
# which plays every class of bad input of DESIGN.md "Bad input" against
# qnetback vifs, reconnecting on the same vif between cases.  Its QEMU
# serves it four vifs: vif 1 carries the traffic and most cases, vifs 2-4
# take one fatal class each, and a second fatal fault on vif 1 checks that
# a vif which faulted once and reconnected still reports the next fault.  Guest "good"
# (Linux netfront, served by another qnetback QEMU) must pass traffic after
# every case.  Per case dom0 checks: the hostile QEMU is alive; on a fatal
# fault the backend is Closing with a clear `error` node, cleared once the
# frontend re-initialises; a benign case leaves the error node alone; the
# backend is back in InitWait; no grant stays mapped in QEMU; the good
# guest pings and moves iperf3 traffic.  At the end, with the hostile guest destroyed, its QEMU
# holds no grant mapping.
#
# QNB_HOSTILE_CASES (a +-separated list) selects what runs.  vifs 1 and 2
# use the default grant mode (copy), vifs 3 and 4 grant-mode=map, so both
# ways of reaching the guest's data meet bad grefs and fatal faults.
. /testbed/lib.sh

NF=/usr/local/bin/qnb-netfront
MODE="copy (vifs 1, 2) and map (vifs 3, 4)"
CASES=${QNB_HOSTILE_CASES:-good+bad-gref+revoke-rings+offset-overflow+size-chain+zero-length-frags+header-split+rx-no-buffers+too-many-slots@2+bad-gref@3+bogus-req-prod@3+unknown-extra@4+unknown-extra@1}
MAC=00:16:3e:00:03:02
bad=

[ -x $NF ] || fail "$NF is missing (ninja -C build/native builds it)"
problem() { log "PROBLEM: $*"; bad="$bad
  $*"; }

# 1. The well-behaved guest.
backend_up qnb good 2
ping_both 10.0.2.1 10.0.2.2

# 2. The hostile guest's ramdisk: the cached guest image, then a cpio with
#    /bin/qnb-netfront (the kernel unpacks concatenated archives in order).
python3 - /run/netfront.cpio.gz $NF <<'PY' || fail "cannot pack qnb-netfront"
import gzip, sys
out = gzip.open(sys.argv[1], "wb", compresslevel=1)
ino = 9000
def entry(name, mode, data=b""):
    global ino
    ino += 1
    fields = [ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name) + 1, 0]
    b = ("070701" + "".join("%08X" % f for f in fields)).encode()
    b += name.encode() + b"\0"
    b += b"\0" * (-len(b) % 4)
    b += data + b"\0" * (-len(data) % 4)
    out.write(b)
entry("bin/qnb-netfront", 0o100755, open(sys.argv[2], "rb").read())
entry("TRAILER!!!", 0)
out.close()
PY
cat "$GUEST_RAMDISK" /run/netfront.cpio.gz > /run/domu-hostile.cpio.gz
GUEST_RAMDISK=/run/domu-hostile.cpio.gz

guest_config hostile \
    "qnb.nonetfront qnb.run=/bin/qnb-netfront,--sync,--case,$CASES"
guest_create hostile -p
d=$(guest_domid hostile)
qemu_start hostile -xen-domid "$d" -xen-attach -machine xenpv \
    -netdev tap,id=n0,ifname=qtap3,script=no,downscript=no,vhost=off \
    -device xen-netback,netdev=n0,mac=$MAC,vif=1 \
    -netdev tap,id=n2,ifname=qtap32,script=no,downscript=no,vhost=off \
    -device xen-netback,netdev=n2,mac=00:16:3e:00:03:12,vif=2 \
    -netdev tap,id=n3,ifname=qtap33,script=no,downscript=no,vhost=off \
    -device xen-netback,netdev=n3,mac=00:16:3e:00:03:22,grant-mode=map,vif=3 \
    -netdev tap,id=n4,ifname=qtap34,script=no,downscript=no,vhost=off \
    -device xen-netback,netdev=n4,mac=00:16:3e:00:03:32,grant-mode=map,vif=4
qpid=$(cat /run/qemu-hostile.pid)
tap_wait_up qtap3 10.0.3.1/24
for t in qtap32 qtap33 qtap34; do
    wait_until 30 test -e /sys/class/net/$t || fail "tap $t never appeared"
    ip link set $t up
done
# The guest answers no ARP: dom0 knows its MAC.
ip neigh replace 10.0.3.2 lladdr $MAC dev qtap3 nud permanent

# dom0's UDP listener for the guest's packets (payloads name their case).
python3 -u - > "$QNB_OUT/udp-rx.log" 2>&1 <<'PY' &
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.0.3.1", 7009))
while True:
    b, a = s.recvfrom(65536)
    print(b.split(b"\n")[0].rstrip(b".").decode(errors="replace"), len(b))
PY
listener=$!
xl unpause hostile
log "hostile guest: domain $d, cases $CASES, grant mode $MODE"

xs_fe=/local/domain/$d/device/vif
for vif in 1 2 3 4; do
    be=$(xenstore-read "$xs_fe/$vif/backend") || fail "the hostile guest has no vif $vif"
    eval "be_$vif=\$be"
    eval "last_err_$vif=\$(xenstore-read \"\$be/error\" 2>/dev/null)"
    log "hostile vif $vif: backend $be"
done

rss() { awk '/^VmRSS/ { print $2 }' /proc/"$qpid"/status; }

# udp_send DST PORT COUNT SIZE PAUSE TEXT: datagrams from dom0.
udp_send() {
    python3 - "$@" <<'PY'
import socket, sys, time
dst, port, count, size, pause, text = sys.argv[1:7]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
msg = (text + " ").encode().ljust(int(size), b"x")
for i in range(int(count)):
    try:
        s.sendto(msg, (dst, int(port)))
    except OSError:
        pass
    if float(pause):
        time.sleep(float(pause))
PY
}

fatal_keyword() {
    case "$1" in
    offset-overflow) echo "crosses the page" ;;
    too-many-slots) echo "more than" ;;
    bogus-req-prod) echo "req_prod" ;;
    unknown-extra) echo "extra type" ;;
    esac
}

# A fatal case: the backend must be Closing, its error node saying why.
at_fatal() {
    local name=$1 vif=$2 be st err key
    eval "be=\$be_$vif"
    key=$(fatal_keyword "$name")
    st=$(xenstore-read "$be/state")
    err=$(xenstore-read "$be/error" 2>/dev/null)
    log "case $name on vif $vif: fault seen, backend state $st, error '$err'"
    qemu_alive hostile || problem "$name: the hostile guest's QEMU died"
    [ "$st" = 5 ] || problem "$name: backend in state $st, not Closing"
    case "$err" in
    *"$key"*) eval "fatal_seen_$vif=\$name" ;;
    *) problem "$name: error node '$err' lacks '$key'" ;;
    esac
}

# One case is over: check the backend, QEMU and the other guest.
after_case() {
    local name=$1 vif=$2 res=$3 be st err key maps mbit prev
    eval "be=\$be_$vif; prev=\$last_err_$vif"
    qemu_alive hostile || { problem "$name: the hostile guest's QEMU died"; return; }
    st=$(xenstore-read "$be/state")
    err=$(xenstore-read "$be/error" 2>/dev/null)
    key=$(fatal_keyword "$name")
    maps=$(qemu_gntdev_maps hostile)
    log "case $name on vif $vif ($res): backend state $st, grant mappings $maps, error '$err'"
    [ "$st" = 2 ] || problem "$name: backend in state $st, not InitWait, after the frontend reinitialised"
    [ "$maps" = 0 ] || problem "$name: $maps grant mappings left in QEMU after Closed"
    if [ -n "$key" ]; then
        eval "seen=\${fatal_seen_$vif:-}"
        [ "$seen" = "$name" ] ||
            problem "$name: dom0 never saw the backend Closing with its error"
        # The reason stays for the administrator until the frontend
        # connects again.
        case "$err" in
        *"$key"*) ;;
        *) problem "$name: error node '$err' lost the fault's reason" ;;
        esac
    elif [ -n "$err" ]; then
        # A case that connected clears any earlier fault's reason.
        problem "$name: error node '$err' after a case without fault"
    fi
    eval "last_err_$vif=\$err"
    case "$name" in
    good|zero-length-frags)
        grep -q "qnb-netfront $name" "$QNB_OUT/udp-rx.log" ||
            problem "$name: no packet of the case reached dom0's listener" ;;
    esac
    ping -c 2 -W 5 10.0.2.2 > /dev/null || problem "$name: dom0 cannot ping the good guest"
    mbit=$(iperf 10.0.2.2 2) || problem "$name: iperf3 to the good guest failed"
    log "case $name: good guest ping ok, iperf3 ${mbit} Mbit/s"
}

last=
deadline=$(( $(date +%s) + 300 ))
while [ "$(date +%s)" -lt $deadline ]; do
    guest_console hostile | grep -q "^qnb-run: exit" && break
    v=$(xenstore-read /local/domain/$d/data/qnb-sync 2>/dev/null)
    if [ -z "$v" ] || [ "$v" = "$last" ]; then
        sleep 0.3
        continue
    fi
    set -- $v
    case "$2" in
    rx-nobuf)
        r0=$(rss)
        udp_send 10.0.3.2 7010 3000 1400 0 qnb-rx-nobuf
        sleep 2
        r1=$(rss)
        log "rx-no-buffers: 3000 datagrams to a guest without buffers, QEMU RSS ${r0} -> ${r1} kB"
        qemu_alive hostile || problem "rx-no-buffers: QEMU died under RX flood"
        [ $((r1 - r0)) -lt 16384 ] || problem "rx-no-buffers: QEMU RSS grew by $((r1 - r0)) kB"
        ;;
    rx-posted)
        udp_send 10.0.3.2 7010 150 200 0.02 qnb-rx-posted
        ;;
    fatal)
        at_fatal "$3" "$4"
        ;;
    done)
        after_case "$3" "$4" "$5"
        ;;
    esac
    xenstore-write /local/domain/$d/data/qnb-ack "$v"
    last=$v
done

log "hostile guest's console:"
guest_console hostile | grep "qnb-netfront\|qnb-run" | sed 's/^/    /'
log "dom0's listener got $(wc -l < "$QNB_OUT/udp-rx.log") datagrams"
log "the hostile QEMU said:"
sed 's/^/    /' "$QNB_OUT/qemu-hostile.log" | tail -n 20

guest_console hostile | grep -q "^qnb-run: exit" || problem "the hostile guest's run did not finish"
ncases=$(echo "$CASES" | tr '+' '\n' | grep -c .)
nres=$(guest_console hostile | grep -c "^qnb-netfront: case .*: \(PASS\|FAIL\)")
[ "$nres" = "$ncases" ] || problem "$nres result lines for $ncases cases"
if guest_console hostile | grep -q "^qnb-netfront: case .*: FAIL"; then
    problem "the userspace netfront reported failures (above)"
fi

# The other guest still moves traffic both ways.
iperf_both 10.0.2.2 3

# Destroy the hostile guest: its QEMU must let go of every grant.
xl destroy hostile
sleep 2
if qemu_alive hostile; then
    maps=$(qemu_gntdev_maps hostile)
    log "hostile guest destroyed: its QEMU holds $maps grant mappings"
    [ "$maps" = 0 ] || problem "$maps grant mappings left after the guest was destroyed"
else
    log "hostile guest destroyed: its QEMU exited"
fi
qemu_alive good || problem "the good guest's QEMU died"
ping -c 2 -W 5 10.0.2.2 > /dev/null || problem "the good guest stopped answering"
no_grant_leak good
kill "$listener" 2>/dev/null

[ -z "$bad" ] || fail "problems:$bad"
log "hostile-frontend: every case as expected"
