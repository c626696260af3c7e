# Hostile frontends.  Guest "hostile" runs no Linux netfront but our
# userspace one (tests/netfront/qnb-netfront, static, added to its ramdisk),
# which plays every class of bad input of DESIGN.md "Bad input" against
# qnetback vifs, reconnecting on the same vif between cases.  Its QEMU
# serves it four vifs: vif 1 carries the traffic and most cases, vifs 2-4
# take one fatal class each, and a second fatal fault on vif 1 checks that
# a vif which faulted once and reconnected still reports the next fault.
# Guest "good" (Linux netfront, served by another qnetback QEMU) must pass
# traffic after every case.  Per case dom0 checks: the hostile QEMU is
# alive; on a fatal fault the backend is Closing with a clear `error` node,
# cleared once the frontend re-initialises; a benign case leaves the error
# node alone; the backend is back in InitWait; no grant stays mapped in
# QEMU; the good guest pings and moves iperf3 traffic.  At the end, with the
# hostile guest destroyed, its QEMU holds no grant mapping.
#
# QNB_HOSTILE_CASES (a +-separated list) selects what runs.  vifs 1 and 2
# use the default grant mode (copy), vifs 3 and 4 grant-mode=map, so both
# ways of reaching the guest's data meet bad grefs and fatal faults.

# The runner starts scenarios with sh; the per-vif tables below need bash.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. /testbed/lib.sh

NF=/usr/local/bin/qnb-netfront
MODE="copy (vifs 1, 2) and map (vifs 3, 4)"
ALL=good+bad-gref+revoke-rings+offset-overflow+size-chain+zero-length-frags
ALL=$ALL+header-split+rx-no-buffers+too-many-slots@2+bad-gref@3+bogus-req-prod@3
ALL=$ALL+unknown-extra@4+unknown-extra@1
CASES=${QNB_HOSTILE_CASES:-$ALL}
MAC=00:16:3e:00:03:02
# What the error node of a fatal case must say.
declare -A FATAL=(
    [offset-overflow]="crosses the page"
    [too-many-slots]="more than"
    [bogus-req-prod]="req_prod"
    [unknown-extra]="extra type"
)
declare -A backend      # vif -> its backend's xenstore path
declare -A fatal_seen   # vif -> the last case seen Closing with its error
bad=

[ -x $NF ] || fail "$NF is missing (ninja -C build/native builds it)"
problem() { log "PROBLEM: $*"; bad="$bad
  $*"; }

# 1. The well-behaved guest.
backend_up qnb good 2
ping_both 10.0.2.1 10.0.2.2

# 2. The hostile guest: the guest image with /bin/qnb-netfront, four vifs.
ramdisk_with $NF /bin/qnb-netfront /run/domu-hostile.cpio.gz ||
    fail "cannot pack qnb-netfront"
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
tap_wait_up qtap3 10.0.3.1/24
for t in qtap32 qtap33 qtap34; do
    tap_wait_up $t
done
# The guest answers no ARP: dom0 knows its MAC.
ip neigh replace 10.0.3.2 lladdr $MAC dev qtap3 nud permanent

# dom0's UDP listener for the guest's packets (payloads name their case).
udp_listen 10.0.3.1 7009 "$QNB_OUT/udp-rx.log"
listener=$!
xl unpause hostile
log "hostile guest: domain $d, cases $CASES, grant mode $MODE"

for vif in 1 2 3 4; do
    backend[$vif]=$(xenstore-read /local/domain/$d/device/vif/$vif/backend) ||
        fail "the hostile guest has no vif $vif"
    log "hostile vif $vif: backend ${backend[$vif]}"
done

# 3. The cases.  The guest stops at each rendezvous until dom0 acknowledges.

# A fatal case, at the fault: the backend must be Closing, its error node
# saying why.
at_fatal() {
    local name=$1 vif=$2 be=${backend[$2]} st err key=${FATAL[$1]:-}
    st=$(xenstore-read "$be/state")
    err=$(xenstore-read "$be/error" 2>/dev/null)
    log "case $name on vif $vif: fault seen, backend state $st, error '$err'"
    qemu_alive hostile || problem "$name: the hostile guest's QEMU died"
    [ "$st" = 5 ] || problem "$name: backend in state $st, not Closing"
    case "$err" in
    *"$key"*) fatal_seen[$vif]=$name ;;
    *) problem "$name: error node '$err' lacks '$key'" ;;
    esac
}

# One case is over: check the backend, QEMU and the other guest.
after_case() {
    local name=$1 vif=$2 res=$3 be=${backend[$2]} st err key=${FATAL[$1]:-} maps mbit
    qemu_alive hostile || { problem "$name: the hostile guest's QEMU died"; return; }
    st=$(xenstore-read "$be/state")
    err=$(xenstore-read "$be/error" 2>/dev/null)
    maps=$(qemu_gntdev_maps hostile)
    log "case $name on vif $vif ($res): backend state $st, grant mappings $maps, error '$err'"
    [ "$st" = 2 ] ||
        problem "$name: backend in state $st, not InitWait, after the frontend reinitialised"
    [ "$maps" = 0 ] || problem "$name: $maps grant mappings left in QEMU after Closed"
    if [ -n "$key" ]; then
        [ "${fatal_seen[$vif]:-}" = "$name" ] ||
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
    case "$name" in
    good|zero-length-frags)
        grep -q "qnb-netfront $name" "$QNB_OUT/udp-rx.log" ||
            problem "$name: no packet of the case reached dom0's listener" ;;
    esac
    ping -c 2 -W 5 10.0.2.2 > /dev/null || problem "$name: dom0 cannot ping the good guest"
    mbit=$(iperf 10.0.2.2 2) || problem "$name: iperf3 to the good guest failed"
    log "case $name: good guest ping ok, iperf3 ${mbit} Mbit/s"
}

# rx-no-buffers: flood a guest that posted no receive buffers; QEMU must
# neither die nor queue the flood.
rx_flood() {
    local r0 r1
    r0=$(qemu_rss hostile)
    udp_send 10.0.3.2 7010 3000 1400 0 qnb-rx-nobuf
    sleep 2
    r1=$(qemu_rss hostile)
    log "rx-no-buffers: 3000 datagrams to a guest without buffers," \
        "QEMU RSS ${r0} -> ${r1} kB"
    qemu_alive hostile || problem "rx-no-buffers: QEMU died under RX flood"
    [ $((r1 - r0)) -lt 16384 ] || problem "rx-no-buffers: QEMU RSS grew by $((r1 - r0)) kB"
}

# on_sync SEQ WHAT ARGS...: what dom0 does at each rendezvous.
on_sync() {
    case "$2" in
    rx-nobuf) rx_flood ;;
    rx-posted) udp_send 10.0.3.2 7010 150 200 0.02 qnb-rx-posted ;;
    fatal) at_fatal "$3" "$4" ;;        # fatal NAME VIF
    done) after_case "$3" "$4" "$5" ;;  # done NAME VIF PASS|FAIL
    esac
}
guest_sync hostile 300 on_sync

log "hostile guest's console:"
guest_console hostile | grep "qnb-netfront\|qnb-run" | sed 's/^/    /'
log "dom0's listener got $(wc -l < "$QNB_OUT/udp-rx.log") datagrams"
log "the hostile QEMU said:"
sed 's/^/    /' "$QNB_OUT/qemu-hostile.log" | tail -n 20

guest_console hostile | grep -q "^qnb-run: exit" ||
    problem "the hostile guest's run did not finish"
ncases=$(echo "$CASES" | tr '+' '\n' | grep -c .)
nres=$(guest_console hostile | grep -c "^qnb-netfront: case .*: \(PASS\|FAIL\)")
[ "$nres" = "$ncases" ] || problem "$nres result lines for $ncases cases"
if guest_console hostile | grep -q "^qnb-netfront: case .*: FAIL"; then
    problem "the userspace netfront reported failures (above)"
fi

# 4. The other guest still moves traffic both ways.
iperf_both 10.0.2.2 3

# 5. Destroy the hostile guest: its QEMU must let go of every grant.
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
