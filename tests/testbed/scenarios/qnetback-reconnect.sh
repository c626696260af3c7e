# The guest unloads and reloads netfront ten times in a row; qnetback must
# go Closed -> InitWait -> Connected each time, pass traffic after each,
# and hold no grant mapping beyond the rings.
. /testbed/lib.sh
backend_up qnb r 4 queues=2,iothreads=2
pid=$(cat /run/qemu-r.pid)
base=$(qemu_gntdev_maps r)
log "grant mappings while connected: $base"
for i in $(seq 1 10); do
    gexec 10.0.4.2 "(rmmod xen-netfront; modprobe xen-netfront max_queues=2;
        for n in \$(seq 100); do [ -e /sys/class/net/eth0 ] && break; sleep 0.1; done;
        ip addr add 10.0.4.2/24 dev eth0; ip link set eth0 up) > /tmp/reload.log 2>&1 < /dev/null &"
    sleep 1
    wait_until 60 ping -c 1 -W 1 10.0.4.2 || { gexec 10.0.4.2 "cat /tmp/reload.log"; fail "no traffic after reconnect $i"; }
    loads=$(gexec 10.0.4.2 "dmesg | grep -c 'Initialising Xen virtual ethernet'")
    [ "$loads" -eq $((i + 1)) ] || fail "netfront was loaded $loads times, not $((i + 1))"
    rx=$(iperf 10.0.4.2 2) || fail "iperf3 after reconnect $i"
    maps=$(qemu_gntdev_maps r)
    log "reconnect $i: ping ok, iperf3 $rx Mbit/s, grant mappings $maps"
    [ "$maps" -le "$base" ] || fail "grant mappings grew from $base to $maps"
done
[ "$(cat /run/qemu-r.pid)" = "$pid" ] && qemu_alive r || fail "QEMU died"
no_grant_leak r
