# Static grants: the userspace netfront (tests/netfront/qnb-netfront) gives
# qnetback a control ring and adds its TX and RX buffer pages as static
# grants; traffic then needs no grant operation.  Three vifs: 1 in copy
# mode on an IOThread, 2 in map mode in the main loop, 3 with four queues
# on two IOThreads, traffic on each.  Per vif dom0 checks, while
# the frontend is connected: the queue holds its 128 static grants, every
# TX slot and the RX slots were served by them (zero grant operations per
# packet in steady state), the payload of dom0's datagrams arrived intact;
# then DEL under traffic, five reconnects (the count back to 128 each
# time, no grant left after each close), and the same frontend without a
# control ring.  The Linux netfront (every other scenario) ignores the
# control ring qnetback offers.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. /testbed/lib.sh

NF=/usr/local/bin/qnb-netfront
CASES=static@1+static-reconnect@1+static-off@1+static@2+static-mq@3
declare -A tap=([1]=qtap10 [2]=qtap11 [3]=qtap12)
declare -A net=([1]=10.0.10 [2]=10.0.11 [3]=10.0.12)
declare -A mac=([1]=00:16:3e:00:0a:02 [2]=00:16:3e:00:0b:02 [3]=00:16:3e:00:0c:02)
# Static grants each vif's frontend adds: 64 TX and 64 RX pages a queue.
declare -A statics=([1]=128 [2]=128 [3]=512)
bad=
problem() { log "PROBLEM: $*"; bad="$bad
  $*"; }

[ -x $NF ] || fail "$NF is missing (ninja -C build/native builds it)"
ramdisk_with $NF /bin/qnb-netfront /run/domu-static.cpio.gz || fail "cannot pack qnb-netfront"
GUEST_RAMDISK=/run/domu-static.cpio.gz
guest_config st "qnb.nonetfront qnb.run=/bin/qnb-netfront,--sync,--case,$CASES"
guest_create st -p
d=$(guest_domid st)
qemu_start st -xen-domid "$d" -xen-attach -machine xenpv \
    -object iothread,id=io0 -object iothread,id=io1 \
    -netdev tap,id=n1,ifname=qtap10,script=no,downscript=no,vhost=off \
    -device '{"driver": "xen-netback", "netdev": "n1", "mac": "00:16:3e:00:0a:02",
              "vif": 1, "iothread": "io0"}' \
    -netdev tap,id=n2,ifname=qtap11,script=no,downscript=no,vhost=off \
    -device xen-netback,netdev=n2,mac=00:16:3e:00:0b:02,vif=2,grant-mode=map \
    -netdev tap,id=n3,ifname=qtap12,queues=4,script=no,downscript=no,vhost=off \
    -device '{"driver": "xen-netback", "netdev": "n3", "mac": "00:16:3e:00:0c:02",
              "vif": 3, "iothreads": ["io0", "io1"]}'
ctrl_offered() { [ "$(xenstore-read /local/domain/0/backend/qnetback/$d/$1/state)" = 2 ] &&
    [ "$(xenstore-read /local/domain/0/backend/qnetback/$d/$1/feature-ctrl-ring)" = 1 ]; }
for v in 1 2 3; do
    tap_wait_up ${tap[$v]} ${net[$v]}.1/24
    ip neigh replace ${net[$v]}.2 lladdr ${mac[$v]} dev ${tap[$v]} nud permanent
    wait_until 20 ctrl_offered $v || problem "vif $v: no feature-ctrl-ring offered"
done
xl unpause st
log "guest st: domain $d, cases $CASES"

# A queue figure of vif VIF (queue 0).
q0() { vif_stat st "$1" "$2"; }

static_check() {
    local vif=$1 n hits miss pk ops csegs rpk rhits rmiss rops
    n=$(qmp st '{"execute": "query-xen-netback"}' | python3 -c '
import json, sys
d = [x for x in json.load(sys.stdin)["return"] if x["vif"] == int(sys.argv[1])][0]
print(sum(q["static-grants"] for q in d["queues"]), d.get("control-messages", 0))' "$vif")
    read -r pk hits miss ops csegs rpk rhits rmiss rops <<< "$(q0 "$vif" \
        "tx.packets tx.static-hits tx.static-misses tx.map-ops tx.copy-segs
         rx.packets rx.static-hits rx.static-misses rx.copy-segs")"
    ops=$((ops + csegs))
    log "static vif $vif: static grants and control messages: $n;" \
        "tx $pk packets, $hits slots static, $miss not, $ops grant ops;" \
        "rx $rpk packets, $rhits slots static, $rmiss not, $rops grant ops"
    [ "${n%% *}" = "${statics[$vif]}" ] ||
        problem "vif $vif: ${n%% *} static grants, not ${statics[$vif]}"
    [ "$pk" -ge 200 ] && [ "$ops" = 0 ] && [ "$miss" = 0 ] ||
        problem "vif $vif: TX not all static ($pk packets, $ops grant ops)"
    [ "$rpk" -gt 0 ] && [ "$rhits" -gt 0 ] ||
        problem "vif $vif: no RX through static grants"
    [ "$rops" -le $((rpk / 10)) ] ||
        problem "vif $vif: $rops RX grant ops for $rpk packets"
}

static_round() {
    local n
    n=$(qmp st '{"execute": "query-xen-netback"}' | python3 -c '
import json, sys
d = [x for x in json.load(sys.stdin)["return"] if x["vif"] == int(sys.argv[1])][0]
print(sum(q["static-grants"] for q in d["queues"]))' "$1")
    log "static-reconnect: round $2, vif $1 holds $n static grants"
    [ "$n" = 128 ] || problem "static-reconnect round $2: $n static grants, not 128"
}

after_case() {
    local name=$1 vif=$2 res=$3 maps
    qemu_alive st || { problem "$name: QEMU died"; return; }
    maps=$(qemu_gntdev_maps st)
    log "case $name on vif $vif: $res; QEMU holds $maps grant mappings"
    [ "$maps" = 0 ] || problem "$name: $maps grant mappings left after Closed"
}

on_sync() {
    case "$2" in
    static-rx) udp_send ${net[$3]}.2 7020 100 1000 0.01 qnb-static-rx ;;
    static-mq-rx)                       # several ports: the tap spreads them
        for port in 7021 7022 7023 7024 7025 7026 7027 7028; do
            udp_send ${net[$3]}.2 $port 25 1000 0.01 qnb-static-mq-rx
        done ;;
    static-check) static_check "$3" ;;
    static-round) static_round "$3" "$4" ;;
    done) after_case "$3" "$4" "$5" ;;
    esac
}
guest_sync st 300 on_sync

log "guest st's console:"
guest_console st | grep "qnb-netfront\|qnb-run" | sed 's/^/    /'
guest_console st | grep -q "^qnb-run: exit" || problem "the guest's run did not finish"
ncases=$(echo "$CASES" | tr '+' '\n' | grep -c .)
nres=$(guest_console st | grep -c "^qnb-netfront: case .*: \(PASS\|FAIL\)")
[ "$nres" = "$ncases" ] || problem "$nres result lines for $ncases cases"
guest_console st | grep -q "^qnb-netfront: case .*: FAIL" &&
    problem "the userspace netfront reported failures (above)"
xl destroy st
sleep 2
if qemu_alive st; then
    [ "$(qemu_gntdev_maps st)" = 0 ] || problem "grant mappings left after the guest was destroyed"
fi
[ -z "$bad" ] || fail "problems:$bad"
log "qnetback-static: every case as expected"
