# xl's own vif lines served by qnetback, in a network driver domain.
#
# dd is a PV domain with driver_domain=1 and no kernel netback: its init
# (tests/testbed/driver-init) bridges its uplink (a vif from dom0's kernel
# netback) with the vifs it serves, runs xl devd for their hotplug
# scripts and our QEMU with -object xen-vif-backend.  Guest qnbdd names
# dd in an unchanged vif line (backend=dd) while guest knb stays on dom0's
# kernel netback, at the same time on one L2.  Checked: libxl's nodes are
# served (InitWait in time for xl create, Connected, hotplug-status from
# vif-bridge), 2 queues on dd's IOThreads, traffic both ways, dd's QEMU
# SIGKILLed under traffic and restarted (streams survive), xl
# network-list/-attach/-detach, xl reboot, shutdown, destroy and a guest
# crash each leaving nothing in dom0 or dd, dd's QEMU serving on.
. /testbed/lib.sh
bridge_setup

DD_IP=10.0.1.13
[ -b /dev/vdb ] || fail "no driver domain ramdisk on /dev/vdb (testbed-run.sh)"
cat /dev/vdb > /run/dd-initrd.cpio.gz

cat > /etc/xen/dd.cfg <<'EOF'
name = "dd"
type = "pv"
driver_domain = 1
kernel = "/vmlinux.gz"
ramdisk = "/run/dd-initrd.cpio.gz"
extra = "console=hvc0 qnb.ip=10.0.1.13/24"
memory = 640
vcpus = 2
vif = [ "mac=00:16:3e:00:01:0d,bridge=xenbr0" ]
EOF
rm -f /var/log/xen/console/guest-dd.log
t0=$(date +%s)
xl create /etc/xen/dd.cfg > "$QNB_OUT/xl-create-dd.log" 2>&1 ||
    { cat "$QNB_OUT/xl-create-dd.log"; fail "xl create dd"; }
rm -f /run/dd-initrd.cpio.gz
wait_until 240 sh -c 'grep -q "qnb-dd: ready" /var/log/xen/console/guest-dd.log' ||
    { guest_console dd | tail -n 40; fail "driver domain not ready"; }
DD=$(guest_domid dd)
log "driver domain dd (domain $DD) ready after $(( $(date +%s) - t0 ))s"

# dd_exec COMMAND: run COMMAND in dd (its agent), with our tools on PATH.
dd_exec() { gexec "$DD_IP" "PATH=/usr/local/bin:\$PATH; $*"; }
# dd_qmp COMMAND: a QMP command to dd's QEMU; prints the reply's line.
dd_qmp() {
    dd_exec "printf '%s\n' '{\"execute\":\"qmp_capabilities\"}' '{\"execute\":\"$1\"}' |
             socat -t 5 - UNIX-CONNECT:/run/qnetback.qmp" | grep '"return"' | tail -n 1
}
# dd's logs, however the scenario ends.
dd_logs() {
    xl list > "$QNB_OUT/xl-list.txt" 2>&1; sleep 3; xl list >> "$QNB_OUT/xl-list.txt" 2>&1
    ip neigh >> "$QNB_OUT/xl-list.txt" 2>&1
    dd_exec "cat /var/log/xen/qnetback.log" > "$QNB_OUT/dd-qnetback.log" 2>&1
    dd_exec "cat /var/log/xen/xldevd.log" > "$QNB_OUT/dd-xldevd.log" 2>&1
}
trap dd_logs EXIT
dd_qemu_pid=$(dd_exec "cat /run/qnetback.pid") || fail "dd's QEMU has no pid file"
dd_exec "test ! -e /sys/module/xen_netback" || fail "dd has the kernel netback loaded"
dd_fds() { dd_exec "ls /proc/$dd_qemu_pid/fd | wc -l"; }
dd_maps() { dd_exec "grep -c /dev/xen/gntdev /proc/$dd_qemu_pid/maps" || true; }
fds0=$(dd_fds)

# dd_left DOMID: what dd still has of guest DOMID: backend nodes, taps.
dd_left() {
    xenstore-exists /local/domain/"$DD"/backend/vif/"$1" 2>/dev/null &&
        echo "xenstore /local/domain/$DD/backend/vif/$1"
    dd_exec "ls /sys/class/net" | grep "^vif$1\." | sed 's/^/tap /'
    return 0
}
dd_nothing_left() { [ -z "$(dd_left "$1")$(domain_left "$1")" ]; }
wait_dd_nothing_left() {
    wait_until 30 dd_nothing_left "$1" ||
        fail "left of domain $1: $(dd_left "$1") $(domain_left "$1")"
}

guest_config knb "qnb.ip=10.0.1.2/24" \
    'vif = [ "mac=00:16:3e:00:01:02,bridge=xenbr0" ]'
# The administrator's whole change: backend=dd.
guest_config qnbdd "qnb.ip=10.0.1.5/24 qnb.queues=2" \
    'vif = [ "mac=00:16:3e:00:01:05,bridge=xenbr0,backend=dd" ]'
guest_create knb
t0=$(date +%s)
guest_create qnbdd
log "xl create qnbdd returned after $(( $(date +%s) - t0 ))s"
guest_wait_ready knb
guest_wait_ready qnbdd

dd_on_bridge() { dd_exec "readlink /sys/class/net/$1/master" | grep -q 'xenbr0$'; }

# check_served NAME DEVID: the guest's vif DEVID is served by dd's QEMU.
check_served() {
    local d be st
    d=$(guest_domid "$1")
    be=$(xenstore-read /local/domain/"$d"/device/vif/"$2"/backend)
    [ "$be" = "/local/domain/$DD/backend/vif/$d/$2" ] ||
        fail "$1's vif $2 is served by $be, not by dd"
    wait_until 30 sh -c "[ \"\$(xenstore-read $be/state)\" = 4 ]" ||
        fail "$1's vif $2: backend state $(xenstore-read "$be"/state)"
    wait_until 30 sh -c "[ \"\$(xenstore-read $be/hotplug-status)\" = connected ]" ||
        fail "$1's vif $2: hotplug-status '$(xenstore-read "$be"/hotplug-status)' (xl devd's vif-bridge)"
    wait_until 10 dd_on_bridge "vif$d.$2" || {
        dd_exec "ip -d link show vif$d.$2; readlink /sys/class/net/vif$d.$2/master"
        fail "tap vif$d.$2 is not on dd's xenbr0"
    }
}

D=$(guest_domid qnbdd)
check_served qnbdd 0
be=$(xenstore-read /local/domain/"$(guest_domid knb)"/device/vif/0/backend)
[ "$be" = "/local/domain/0/backend/vif/$(guest_domid knb)/0" ] ||
    fail "knb's vif is served by $be, not dom0's kernel netback"
nq=$(xenstore-read /local/domain/"$D"/device/vif/0/multi-queue-num-queues)
[ "$nq" = 2 ] || fail "qnbdd connected $nq queues, not 2"
xl network-list qnbdd | tee "$QNB_OUT/network-list.txt"
awk -v dd="$DD" 'NR == 2 && $1 == 0 && $2 == dd && $5 == 4 { ok = 1 }
                 END { exit !ok }' "$QNB_OUT/network-list.txt" ||
    fail "xl network-list does not show vif 0 Connected on dd"
log "qnbdd's vif on dd (2 queues, tap vif$D.0 on dd's bridge), knb on dom0's kernel netback"

ping_both 10.0.1.1 10.0.1.5
iperf 10.0.1.2 5 > /run/knb.mbps & p1=$!
iperf 10.0.1.5 5 > /run/qnbdd.mbps & p2=$!
wait $p1 || fail "iperf3 to knb"
wait $p2 || fail "iperf3 to qnbdd"
log "at once: kernel netback $(cat /run/knb.mbps) Mbit/s, qnetback in dd $(cat /run/qnbdd.mbps) Mbit/s"
iperf_both 10.0.1.5 5
gexec 10.0.1.5 "ping -c 3 -i 0.2 -W 5 10.0.1.2" > /dev/null || fail "qnbdd cannot reach knb"
dd_qmp query-xen-netback > "$QNB_OUT/query-xen-netback.json"
python3 - "$QNB_OUT/query-xen-netback.json" "$D" <<'EOF' || fail "dd's QEMU does not report qnbdd's vif"
import json, sys
vifs = json.load(open(sys.argv[1]))["return"]
d = int(sys.argv[2])
v = [v for v in vifs if v["frontend-id"] == d and v["vif"] == 0]
assert len(vifs) == 1 and v and v[0]["state"] == "connected", vifs
assert v[0]["static-grants"] == 256, v    # driver-init's -global
q = v[0]["queues"]
assert len(q) == 2 and {x.get("iothread") for x in q} == {"io0", "io1"}, q
assert all(x["tx"]["packets"] > 0 and x["rx"]["packets"] > 0 for x in q), q
print("vif %s: %d queues on %s, packets tx %s rx %s" % (
    v[0]["id"], len(q), ",".join(x["iothread"] for x in q),
    [x["tx"]["packets"] for x in q], [x["rx"]["packets"] for x in q]))
EOF

# dd's QEMU killed under traffic both ways: driver-init starts it again,
# it takes the live vif over (xen-bus creates the device of a vif past
# Initialising, the engine resumes its rings) and reruns the vif's
# hotplug script for its new tap, which xl devd will not.
ifindex=$(gexec 10.0.1.5 "cat /sys/class/net/eth0/ifindex")
maps0=$(dd_maps)
iperf3 -s -1 -p 5202 > /run/restart-srv.log 2>&1 &
iperf 10.0.1.5 12 > /run/restart-rx.mbps 2> /run/restart-rx.err & p1=$!
gexec 10.0.1.5 "iperf3 -c 10.0.1.1 -t 12 -p 5202 > /tmp/restart-tx.log 2>&1 &" ||
    fail "cannot start qnbdd's iperf3"
sleep 3
t0=$(date +%s%N)
dd_exec "kill -9 $dd_qemu_pid"
wait_until 60 ping -c 1 -W 1 10.0.1.5 || fail "qnbdd unreachable after dd's QEMU was killed"
t1=$(date +%s%N)
wait $p1 || fail "iperf3 dom0 -> qnbdd did not survive the restart: $(cat /run/restart-rx.err)"
wait_until 30 gexec 10.0.1.5 "grep -q receiver /tmp/restart-tx.log" || {
    gexec 10.0.1.5 "cat /tmp/restart-tx.log" | tail -n 5
    fail "iperf3 qnbdd -> dom0 did not survive the restart"
}
tx=$(gexec 10.0.1.5 "cat /tmp/restart-tx.log" | awk '/receiver/ { print $(NF-2), $(NF-1) }')
old_pid=$dd_qemu_pid
dd_qemu_pid=$(dd_exec "cat /run/qnetback.pid")
[ "$dd_qemu_pid" != "$old_pid" ] || fail "dd's QEMU was not restarted"
[ "$(dd_exec "pgrep -c qemu-system")" = 1 ] || fail "not one QEMU in dd"
check_served qnbdd 0
[ "$(gexec 10.0.1.5 "cat /sys/class/net/eth0/ifindex")" = "$ifindex" ] ||
    fail "qnbdd's eth0 changed: its netfront reconnected"
[ "$(dd_maps)" = "$maps0" ] || fail "dd's QEMU maps $(dd_maps) grants, $maps0 before"
log "dd's QEMU SIGKILLed and restarted: kill to first ping" \
    "$(( (t1 - t0) / 1000000 )) ms; across it dom0 -> qnbdd moved $(cat /run/restart-rx.mbps)" \
    "Mbit/s, qnbdd -> dom0 $tx; $maps0 grant mappings as before"

# A second vif at run time, then away again.
xl network-attach qnbdd mac=00:16:3e:00:01:06 bridge=xenbr0 backend=dd ||
    fail "xl network-attach"
check_served qnbdd 1
wait_until 30 gexec 10.0.1.5 "test -e /sys/class/net/eth1" || fail "no eth1 in qnbdd"
gexec 10.0.1.5 "echo 1 > /proc/sys/net/ipv4/conf/all/arp_ignore;
                ip addr add 10.0.1.6/24 dev eth1; ip link set eth1 up" > /dev/null
ping -c 3 -i 0.2 -W 5 10.0.1.6 > /dev/null || fail "no answer on qnbdd's attached vif"
rx1=$(gexec 10.0.1.5 "cat /sys/class/net/eth1/statistics/rx_packets")
[ "$rx1" -ge 3 ] || fail "qnbdd's eth1 received $rx1 packets"
[ "$(xl network-list qnbdd | awk 'NR > 1' | wc -l)" = 2 ] || fail "network-list: not 2 vifs"
log "xl network-attach: vif 1 Connected, eth1 received $rx1 packets"
t0=$(date +%s)
xl network-detach qnbdd 1 || fail "xl network-detach"
log "xl network-detach returned after $(( $(date +%s) - t0 ))s"
wait_until 30 sh -c "! xenstore-exists /local/domain/$DD/backend/vif/$D/1" ||
    fail "vif 1's backend node left in dd"
wait_until 30 dd_exec "test ! -e /sys/class/net/vif$D.1" || {
    dd_qmp query-xen-netback
    xenstore-ls -fp /local/domain/"$DD"/backend/vif
    xenstore-ls -fp /local/domain/"$D"/device/vif
    fail "tap vif$D.1 left in dd"
}
gexec 10.0.1.5 "test ! -e /sys/class/net/eth1" || fail "qnbdd still has eth1"
[ "$(xl network-list qnbdd | awk 'NR > 1' | wc -l)" = 1 ] || fail "network-list: not 1 vif"
ping -c 2 -i 0.2 -W 5 10.0.1.5 > /dev/null || fail "qnbdd's vif 0 stopped after the detach"
log "xl network-detach: vif 1 gone from the guest, dd and xenstore; vif 0 serves on"
# The same vif again: nothing of the first one stands in its way.
xl network-attach qnbdd mac=00:16:3e:00:01:07 bridge=xenbr0 backend=dd ||
    fail "xl network-attach, again"
check_served qnbdd 1
xl network-detach qnbdd 1 || fail "xl network-detach, again"
wait_until 30 dd_exec "test ! -e /sys/class/net/vif$D.1" || fail "tap vif$D.1 left in dd, again"
log "vif 1 attached and detached again"

# Lifecycles: reboot (a new domain, its vif served again), shutdown,
# destroy, crash; each leaves nothing.
xl reboot qnbdd
wait_dd_nothing_left "$D"
wait_until 120 sh -c "xl domid qnbdd > /dev/null 2>&1 && [ \$(xl domid qnbdd) != $D ]" ||
    fail "qnbdd did not come back from xl reboot"
wait_until 120 ping -c 1 -W 2 10.0.1.5 || fail "qnbdd unreachable after xl reboot"
D=$(guest_domid qnbdd)
check_served qnbdd 0
log "xl reboot: domain $D served again"
xl shutdown -w qnbdd > /dev/null || fail "xl shutdown qnbdd"
wait_dd_nothing_left "$D"
log "xl shutdown: nothing left"
# qnbdd_again: create qnbdd anew, served and answering; D its domid.
qnbdd_again() {
    guest_create qnbdd
    guest_wait_ready qnbdd
    D=$(guest_domid qnbdd)
    check_served qnbdd 0
    ping -c 2 -i 0.2 -W 5 10.0.1.5 > /dev/null || fail "qnbdd unreachable after re-create"
}
qnbdd_again
guest_crash 10.0.1.5
wait_dd_nothing_left "$D"
log "guest crash: nothing left"
qnbdd_again
xl destroy qnbdd
wait_dd_nothing_left "$D"
log "xl destroy: nothing left"

# dd's QEMU serves on, holding nothing of the guests gone.
dd_exec "kill -0 $dd_qemu_pid" || fail "dd's QEMU died"
[ "$(dd_maps)" = 0 ] || fail "dd's QEMU still holds $(dd_maps) grant mappings"
fds1=$(dd_fds)
[ "$fds1" = "$fds0" ] || fail "dd's QEMU had $fds0 fds before the guests, $fds1 after"
dd_qmp query-xen-netback | grep -q '"return": \[\]' ||
    fail "dd's QEMU still has vifs: $(dd_qmp query-xen-netback)"
ping -c 2 -i 0.2 -W 5 10.0.1.2 > /dev/null || fail "knb stopped answering"
dd_logs
grep -i "error\|warn\|denied" "$QNB_OUT/dd-qnetback.log" |
    grep -v "xs_mkdir device-model/0/backends\|taking its rings over" &&
    fail "dd's QEMU logged errors"
log "dd's QEMU serving on: $fds1 fds as before, no grant mapping; knb still served"
