# The Linux netfront with static grants (guest/xen-netfront/, built by
# scripts/build-netfront-module.sh for the guests' kernel) in a real
# guest's TCP stack:
#   * against qnetback on 1 queue and on 4 queues: ping, iperf3 one and
#     four streams both ways, 16 MiB checksummed both ways, with every
#     queue's 512 pages added as static grants and zero grant operations
#     in the backend meanwhile; three reconnects (unbind, bind) with the
#     static grants and QEMU's mappings back to zero in between and no
#     leak after;
#   * against qnetback offering no control ring (static-grants=0), Linux's
#     kernel netback and QEMU's stock xen-net-device: it falls back to
#     per-packet grants and passes ping, iperf3 one stream both ways and
#     4 MiB checksummed (one queue there: four streams would add time,
#     not coverage).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. /testbed/lib.sh

KO=/usr/local/lib/qnetback/xen-netfront.ko
GKO=/lib/modules/xen-netfront-sg.ko
[ -f $KO ] || fail "$KO is missing (scripts/build-netfront-module.sh builds it)"
ramdisk_with $KO $GKO /run/domu-sg.cpio.gz || fail "cannot pack the module"
GUEST_RAMDISK=/run/domu-sg.cpio.gz
GUEST_EXTRA="qnb.netfront=$GKO"
bad=
problem() { log "PROBLEM: $*"; bad="$bad
  $*"; }

# gstat IP NAME: a counter of the guest's netfront (ethtool -S eth0).
gstat() {
    gexec "$1" "ethtool -S eth0" | awk -v k="$2:" '$1 == k { print $2 }'
}

# statics NAME: static grants qnetback holds for guest NAME, all queues.
statics() {
    qmp "$1" '{"execute": "query-xen-netback"}' | python3 -c '
import json, sys
print(sum(q["static-grants"] for d in json.load(sys.stdin)["return"] for q in d["queues"]))'
}

statics_are() { [ "$(statics "$1")" = "$2" ]; }
cycle_said() { guest_console "$1" | grep -q "^qnb-cycle $2"; }
maps_are() { [ "$(qemu_gntdev_maps "$1")" = "$2" ]; }

# vif_of NAME: the vif index of guest NAME's qnetback device.
vif_of() {
    qmp "$1" '{"execute": "query-xen-netback"}' |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["return"][0]["vif"])'
}

# vif_sum NAME VIF WHAT...: the sum of vif_stat's figures.
vif_sum() {
    local name=$1 vif=$2 f
    shift 2
    f=$(vif_stat "$name" "$vif" "$*") || return 1
    echo "$f" | awk '{ for (i = 1; i <= NF; i++) t += $i; print t + 0 }'
}

# traffic NAME N MIB [STREAMS]: ping, iperf3 one stream both ways, and
# STREAMS streams if given, MIB MiB checksummed each way.
traffic() {
    local ip=10.0.$2.2 rx tx
    ping_both 10.0.$2.1 $ip
    iperf_both $ip 2
    if [ -n "${4:-}" ]; then
        rx=$(iperf $ip 2 -P $4) || problem "$1: iperf3 -P $4 dom0 -> guest"
        tx=$(iperf $ip 2 -P $4 -R) || problem "$1: iperf3 -P $4 guest -> dom0"
        log "$1: iperf3 $4 streams dom0->guest ${rx:-?} Mbit/s, guest->dom0 ${tx:-?} Mbit/s"
    fi
    payload_check 10.0.$2.1 $ip "$3"
}

# static_guest NAME N QUEUES OPTIONS: the module on qnetback with static
# grants: all of the traffic, no grant operation, then reconnects.
static_guest() {
    local name=$1 n=$2 nq=$3 ip=10.0.$2.2 want ops0 ops1 hits0 hits1 sq i maps0 maps vif
    local ops="tx.map-ops tx.copy-segs rx.copy-segs" hits="tx.static-hits rx.static-hits"
    want=$((nq * 512))
    backend_up qnb "$name" "$n" "$4"
    vif=$(vif_of "$name") || { problem "$name: query-xen-netback"; return 1; }
    guest_console "$name" | grep "static grants" | sed 's/^/    /'
    wait_until 20 statics_are "$name" $want ||
        problem "$name: qnetback holds $(statics "$name") static grants, not $want"
    sq=$(gstat $ip static_queues)
    [ "$sq" = "$nq" ] || problem "$name: the guest says ${sq:-no} queues are static, not $nq"
    # shellcheck disable=SC2086
    { ops0=$(vif_sum "$name" $vif $ops) && hits0=$(vif_sum "$name" $vif $hits); } ||
        { problem "$name: no counters"; return 1; }
    traffic "$name" "$n" 16 4
    # shellcheck disable=SC2086
    { ops1=$(vif_sum "$name" $vif $ops) && hits1=$(vif_sum "$name" $vif $hits); } ||
        { problem "$name: no counters"; return 1; }
    log "$name: $((hits1 - hits0)) slots through static grants," \
        "$((ops1 - ops0)) grant operations;" \
        "guest: tx_static_packets $(gstat $ip tx_static_packets)," \
        "rx_static_packets $(gstat $ip rx_static_packets)"
    [ "$((ops1 - ops0))" = 0 ] ||
        problem "$name: $((ops1 - ops0)) grant operations with static grants"
    [ "$((hits1 - hits0))" -gt 1000 ] || problem "$name: only $((hits1 - hits0)) static slots"
    [ "$(gstat $ip tx_static_packets)" -gt 0 ] 2>/dev/null &&
        [ "$(gstat $ip rx_static_packets)" -gt 0 ] 2>/dev/null ||
        problem "$name: the guest's static counters did not move"

    # Reconnects: the guest unbinds netfront from the vif (its remove
    # path: DEL, end of access, Closed), says so on its console, waits,
    # binds it again (a new connection); dom0 sees the static grants and QEMU's
    # mappings at zero while it is out, and as before once it is back.
    maps0=$(qemu_gntdev_maps "$name")
    for i in 1 2 3; do
        gexec $ip "(sleep 1; cd /sys/bus/xen/drivers/vif; d=\$(ls -d vif-*);
                    echo \$d > unbind && echo qnb-cycle $i: out;
                    sleep 4; echo \$d > bind;
                    while [ ! -e /sys/class/net/eth0 ]; do sleep 0.1; done;
                    ip addr add $ip/24 dev eth0; ip link set eth0 up;
                    echo qnb-cycle $i: in) > /dev/console 2>&1 &" ||
            { problem "$name: reconnect $i: cannot reach the guest"; break; }
        wait_until 30 cycle_said "$name" "$i: out" ||
            { problem "$name: reconnect $i: the guest did not unbind netfront"; break; }
        maps_are "$name" 0 ||
            problem "$name: reconnect $i: QEMU still maps" \
                "$(qemu_gntdev_maps "$name") grants while the guest is out"
        statics_are "$name" 0 ||
            problem "$name: reconnect $i: $(statics "$name") static grants while the guest is out"
        wait_until 40 cycle_said "$name" "$i: in" ||
            { problem "$name: reconnect $i: the guest did not bind netfront again"; break; }
        wait_until 40 ping -c 1 -W 1 $ip || { problem "$name: reconnect $i: no ping after"; break; }
        wait_until 20 statics_are "$name" $want ||
            problem "$name: reconnect $i: $(statics "$name") static grants, not $want"
        maps=$(qemu_gntdev_maps "$name")
        log "$name: reconnect $i: 0 while out; back with $(statics "$name") static grants," \
            "QEMU maps $maps (first connection $maps0)"
        [ "$maps" = "$maps0" ] ||
            problem "$name: reconnect $i: $maps mappings, first connection $maps0"
    done
    ping_both 10.0.$n.1 $ip
    if guest_console "$name" | grep -i "still in use\|leak"; then
        problem "$name: the guest's netfront reports grants still in use"
    fi
    backend_down "$name"
    return 0
}

# fallback_guest KIND NAME N OPTIONS: the module against a backend without
# static grants: stock behaviour, the same traffic.
fallback_guest() {
    local kind=$1 name=$2 n=$3 ip=10.0.$3.2 sq
    backend_up "$kind" "$name" "$n" "$4"
    guest_console "$name" | grep "static grants" | sed 's/^/    /'
    sq=$(gstat $ip static_queues)
    [ "$sq" = 0 ] || problem "$name ($kind): ${sq:-no} static queues, not 0"
    traffic "$name" "$n" 4
    if guest_console "$name" | grep -i "still in use\|leak"; then
        problem "$name: the guest's netfront reports grants still in use"
    fi
    backend_down "$name"
    return 0
}

# Each must run to its end (a shell error inside returns early, non-zero).
static_guest sg1 21 1 "queues=1,iothreads=1" || problem "sg1: did not finish"
static_guest sg4 22 4 "queues=4,iothreads=2" || problem "sg4: did not finish"
fallback_guest qnb nc0 23 "static-grants=0" || problem "nc0: did not finish"
fallback_guest knb kn1 1 "" || problem "kn1: did not finish"
fallback_guest stock st2 24 "" || problem "st2: did not finish"
[ -z "$bad" ] || fail "problems:$bad"
log "netfront-static: static grants on 1 and 4 queues, fallback on 3 backends"
