# A restartable backend: the dom0 QEMU serving a guest's vif is killed
# with SIGKILL under traffic, and its supervisor starts it again with the
# same command line.  The new QEMU attaches to the guest's live rings; the
# guest's netfront, never told, keeps its eth0 and its TCP connections.
# Measured: the time from the kill to the first ping answered.  Checked:
# nothing of the dead QEMU is left (grant mappings, tap, xenstore nodes).
. /testbed/lib.sh
bridge_setup
guest_config rs "qnb.ip=10.0.1.10/24 qnb.queues=2"
guest_create rs -p
d=$(guest_domid rs)

# The supervisor: a dom0 QEMU serving vif 1 of a domain, started again
# whenever it exits, until told to stop.  vif 1 is pinned, so a new QEMU
# takes the same vif; its tap joins xenbr0 through qnetback-ifup.
cat > /etc/xen/scripts/qnetback-serve <<'EOF'
#!/bin/sh
# qnetback-serve DOMID MAC: serve vif 1 of domain DOMID from a dom0 QEMU,
# restarted whenever it dies, until /run/qnetback-DOMID.stop exists.
d=$1 mac=$2
while [ ! -e /run/qnetback-$d.stop ]; do
    /usr/local/bin/qemu-system-i386 -nographic -display none -nodefaults \
        -xen-domid 0 -xen-attach -machine xenpv \
        -object iothread,id=io0 -object iothread,id=io1 \
        -qmp unix:/run/qnetback-$d.qmp,server=on,wait=off \
        -pidfile /run/qnetback-$d.pid \
        -netdev tap,id=n0,ifname=qnb$d,script=/etc/xen/scripts/qnetback-ifup,downscript=no,queues=2,vhost=off \
        -device "{\"driver\": \"xen-netback\", \"id\": \"vif-$d\", \"netdev\": \"n0\",
                  \"frontend-id\": $d, \"vif\": 1, \"mac\": \"$mac\",
                  \"iothreads\": [\"io0\", \"io1\"]}" \
        >> /var/log/xen/qnetback-$d.log 2>&1 < /dev/null
    echo "qnetback-serve: QEMU exited: $?" >> /var/log/xen/qnetback-$d.log
    sleep 0.2
done
EOF
chmod +x /etc/xen/scripts/qnetback-serve
trap 'cp /var/log/xen/qnetback-*.log "$QNB_OUT/" 2>/dev/null' EXIT
rm -f /run/qnetback-$d.stop /run/qnetback-$d.pid
/etc/xen/scripts/qnetback-serve "$d" 00:16:3e:00:01:10 &
sup=$!
# The library's QMP and mapping helpers know a QEMU by /run/qemu-NAME.*.
ln -sf /run/qnetback-$d.qmp /run/qemu-rs.qmp
ln -sf /run/qnetback-$d.pid /run/qemu-rs.pid
rs_up() { qmp rs '{"execute": "query-status"}' | grep -q running; }
wait_until 30 rs_up || { cat /var/log/xen/qnetback-$d.log; fail "QEMU did not start"; }
wait_until 20 test -e /sys/class/net/qnb$d || fail "no tap"
xl unpause rs
guest_wait_ready rs
ping_both 10.0.1.1 10.0.1.10
iperf_both 10.0.1.10 2
ifindex=$(gexec 10.0.1.10 "cat /sys/class/net/eth0/ifindex")
maps=$(qemu_gntdev_maps rs)
log "serving: guest eth0 ifindex $ifindex, QEMU holds $maps grant mappings"

# Kill it under traffic both ways; the TCP streams must survive.
iperf3 -s -1 -p 5202 > /run/rs-srv.log 2>&1 &
iperf 10.0.1.10 20 > /run/rs-rx.mbps 2> /run/rs-rx.err & p1=$!
gexec 10.0.1.10 "iperf3 -c 10.0.1.1 -t 20 -p 5202 > /tmp/rs-tx.log 2>&1 &" ||
    fail "cannot start the guest's iperf3"
sleep 5
old=$(cat /run/qnetback-$d.pid)
rm -f /run/qnetback-$d.pid
t0=$(date +%s%N)
kill -9 "$old"
log "SIGKILL to QEMU $old under traffic"
wait_until 20 test -s /run/qnetback-$d.pid || fail "the supervisor did not start QEMU again"
new=$(cat /run/qnetback-$d.pid)
[ "$new" != "$old" ] || fail "the same QEMU?"
wait_until 30 rs_up || fail "the new QEMU does not answer QMP"
tq=$(date +%s%N)
wait_until 30 ping -c 1 -W 1 10.0.1.10 || {
    tail -n 20 /var/log/xen/qnetback-$d.log
    fail "no ping 30 s after the restart"
}
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
log "kill to traffic: $ms ms (QEMU $old -> $new; $(( (tq - t0) / 1000000 )) ms to the new one's QMP)"
echo "$ms" > "$QNB_OUT/restart-kill-to-ping.ms"
wait $p1 || fail "dom0's iperf3 stream did not survive the restart: $(cat /run/rs-rx.err)"
log "dom0 -> guest stream across the restart: $(cat /run/rs-rx.mbps) Mbit/s"
sleep 2
gexec 10.0.1.10 "cat /tmp/rs-tx.log" | tail -n 4
gexec 10.0.1.10 "grep -q receiver /tmp/rs-tx.log" ||
    fail "the guest's iperf3 stream did not survive the restart"

# The new QEMU took the rings over, and answered what the dead one had
# left (the guest's posted RX buffers at least) without reading a grant.
grep -q "taking its rings over" /var/log/xen/qnetback-$d.log ||
    fail "QEMU did not say it took the rings over"
returned=$(vif_stat rs 1 cause.rx_restart)
dropped=$(vif_stat rs 1 cause.tx_restart)
[ "$returned" -gt 0 ] || fail "no RX buffer returned after the restart"
log "left by the dead QEMU: $returned RX buffers returned empty, $dropped TX packets dropped"

# The guest never saw it: same eth0, no grant error, no reconnect.
[ "$(gexec 10.0.1.10 "cat /sys/class/net/eth0/ifindex")" = "$ifindex" ] ||
    fail "the guest's eth0 changed"
no_grant_leak rs
ping_both 10.0.1.1 10.0.1.10
iperf_both 10.0.1.10 2

# Nothing of the dead QEMU is left: one QEMU, one tap, the same mappings,
# the vif's nodes and no other.
kill -0 "$old" 2>/dev/null && fail "QEMU $old is still alive"
[ "$(pgrep -c -f "qemu-system-i386.*vif-$d")" = 1 ] || fail "not one QEMU: $(pgrep -af "vif-$d")"
[ "$(ls /sys/class/net | grep -c "^qnb$d\$")" = 1 ] || fail "taps: $(ls /sys/class/net)"
[ "$(qemu_gntdev_maps rs)" = "$maps" ] ||
    fail "$(qemu_gntdev_maps rs) grant mappings, $maps before the kill"
[ "$(xenstore-list /local/domain/0/backend/qnetback/$d)" = 1 ] ||
    fail "backend nodes: $(xenstore-list /local/domain/0/backend/qnetback/$d)"
[ "$(xenstore-list /local/domain/$d/device/vif)" = 1 ] ||
    fail "frontend nodes: $(xenstore-list /local/domain/$d/device/vif)"
xenstore-read /local/domain/0/backend/qnetback/$d/1/error 2>/dev/null &&
    fail "the backend reports an error"
[ "$(xenstore-read /local/domain/0/backend/qnetback/$d/1/state)" = 4 ] ||
    fail "backend state $(xenstore-read /local/domain/0/backend/qnetback/$d/1/state)"
log "after the restart: one QEMU, one tap, $maps mappings as before, vif 1's nodes only"

# Stop: the guest goes, then the supervisor and its QEMU; nothing stays.
xl destroy rs
wait_until 20 sh -c "! xenstore-read /local/domain/0/backend/qnetback/$d/1/state" ||
    fail "backend nodes left after xl destroy"
[ "$(qemu_gntdev_maps rs)" = 0 ] || fail "mappings left after xl destroy"
touch /run/qnetback-$d.stop
kill "$(cat /run/qnetback-$d.pid)"
wait $sup
wait_until 10 sh -c "! test -e /sys/class/net/qnb$d" || fail "tap left"
log "guest destroyed, supervisor stopped: no node, mapping or tap left"
