# The guest unloads and reloads netfront ten times in a row; qnetback must
# go Closed -> InitWait -> Connected each time, pass traffic after each
# (iperf3 after every second, a ping after the others),
# (xenbus pins netfront while a vif is bound: unbind the vif, then unload)
# and hold no grant mapping beyond the rings.
. /testbed/lib.sh
backend_up qnb r 4 queues=2,iothreads=2
pid=$(cat /run/qemu-r.pid)
base=$(qemu_gntdev_maps r)
log "grant mappings while connected: $base"
reload_done() { gexec 10.0.4.2 "cat /tmp/reload.log" 2>/dev/null | grep -q reload-done; }
for i in $(seq 1 10); do
    t0=$(cut -d' ' -f1 /proc/uptime)
    gexec 10.0.4.2 "rm -f /tmp/reload.log;
        (echo vif-1 > /sys/bus/xen/drivers/vif/unbind && modprobe -r xen-netfront &&
        modprobe xen-netfront max_queues=2 &&
        for n in \$(seq 100); do [ -e /sys/class/net/eth0 ] && break; sleep 0.1; done;
        ip addr add 10.0.4.2/24 dev eth0; ip link set eth0 up;
        echo reload-done) > /tmp/reload.log 2>&1 < /dev/null &" ||
        fail "cannot ask the guest to reload netfront"
    sleep 0.5
    wait_until 60 reload_done || fail "netfront did not come back after reload $i"
    loads=$(gexec 10.0.4.2 "dmesg | grep -c 'Initialising Xen virtual ethernet'")
    [ "$loads" -eq $((i + 1)) ] || {
        gexec 10.0.4.2 "cat /tmp/reload.log; lsmod"
        fail "netfront was loaded $loads times, not $((i + 1))"
    }
    secs=$(awk -v a="$t0" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { printf "%.1f", b - a }')
    # iperf3 after every second reload, a ping after the others.
    if [ $((i % 2)) = 0 ]; then
        rx="iperf3 $(iperf 10.0.4.2 2) Mbit/s" || fail "iperf3 after reconnect $i"
    else
        ping -c 1 -W 5 10.0.4.2 > /dev/null || fail "no ping after reconnect $i"
        rx="ping ok"
    fi
    maps=$(qemu_gntdev_maps r)
    log "reconnect $i: netfront back in ${secs}s, $rx, grant mappings $maps"
    [ "$maps" -le "$base" ] || fail "grant mappings grew from $base to $maps"
done
[ "$(cat /run/qemu-r.pid)" = "$pid" ] && qemu_alive r || fail "QEMU died"
no_grant_leak r
