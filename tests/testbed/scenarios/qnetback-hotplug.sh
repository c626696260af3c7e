# One QEMU in dom0 serving a chosen guest: xen-netback added with
# device_add over QMP.
. /testbed/lib.sh
bridge_setup
guest_config hp "qnb.ip=10.0.1.9/24"
guest_create hp -p

# One dom0 QEMU for the guests that want qnetback, a tap per guest.
/usr/local/bin/qemu-system-i386 -xen-domid 0 -xen-attach -machine xenpv \
    -nographic -display none -nodefaults \
    -qmp unix:/run/qnetback.qmp,server=on,wait=off -pidfile /run/qnetback.pid \
    -object iothread,id=io0 \
    -netdev tap,id=n0,ifname=qnb-hp,script=/etc/xen/scripts/qnetback-ifup,downscript=no,vhost=off \
    > /var/log/xen/qnetback.log 2>&1 < /dev/null &
trap 'cp /var/log/xen/qnetback.log "$QNB_OUT/qemu-hp.log"' EXIT
# The library's helpers know a QEMU by /run/qemu-NAME.*.
ln -sf /run/qnetback.qmp /run/qemu-hp.qmp
ln -sf /run/qnetback.pid /run/qemu-hp.pid
wait_until 20 test -S /run/qnetback.qmp || fail "QEMU did not start"
wait_until 20 test -e /sys/class/net/qnb-hp || fail "no tap"

# Give the guest its vif: device_add over QMP.
d=$(xl domid hp)
socat -t 10 - UNIX-CONNECT:/run/qnetback.qmp <<EOF | tee /run/hp-add.json
{"execute": "qmp_capabilities"}
{"execute": "device_add", "arguments": {"driver": "xen-netback", "id": "vif-hp", "netdev": "n0", "frontend-id": $d, "mac": "00:16:3e:00:01:09", "iothread": "io0"}}
EOF
[ "$(grep -c '"return": {}' /run/hp-add.json)" = 2 ] || fail "device_add failed"
xl unpause hp
guest_wait_ready hp
ping_both 10.0.1.1 10.0.1.9
iperf_both 10.0.1.9 2
qmp hp '{"execute": "query-xen-netback"}' | grep -q '"id": "vif-hp"' ||
    fail "query-xen-netback does not list vif-hp"
log "device_add: vif-hp served, listed by query-xen-netback"

# device_del: the backend goes Closing, netfront closes, the device and
# its xenstore nodes go; QEMU keeps no grant and serves on.  The guest
# waits for its eth0 to go and come back, and then gives it its address
# again (the agent is out of reach meanwhile).
be=$(xenstore-read /local/domain/$d/device/vif/1/backend) || fail "no vif 1 in the guest"
gexec 10.0.1.9 "(while [ -e /sys/class/net/eth0 ]; do sleep 0.2; done; echo qnb-hp: eth0 gone;
                 while [ ! -e /sys/class/net/eth0 ]; do sleep 0.2; done;
                 ip addr add 10.0.1.9/24 dev eth0; ip link set eth0 up;
                 echo qnb-hp: eth0 back) > /dev/console 2>&1 &" ||
    fail "cannot reach the guest's agent"
qmp hp '{"execute": "device_del", "arguments": {"id": "vif-hp"}}' > /run/hp-del.json
grep -q '"return": {}' /run/hp-del.json || fail "device_del failed: $(cat /run/hp-del.json)"
gone() {
    ! xenstore-read "$be/state" && ! qmp hp '{"execute": "query-xen-netback"}' | grep -q vif-hp
}
wait_until 30 gone ||
    fail "vif-hp still there 30 s after device_del (state $(xenstore-read "$be/state"))"
maps=$(qemu_gntdev_maps hp)
[ "$maps" = 0 ] || fail "$maps grant mappings left after device_del"
qemu_alive hp || fail "QEMU died after device_del"
log "device_del: vif-hp removed, its backend node gone, no grant mapped, QEMU serving"
guest_console hp | grep -q "^qnb-hp: eth0 gone" || fail "the guest still has its eth0"

# device_add again, same guest, same vif: the guest's netfront, running
# all along, connects anew (it reads the backend's features as soon as it
# sees InitWait: they must be there by then).
qmp hp "{\"execute\": \"device_add\", \"arguments\": {\"driver\": \"xen-netback\",
    \"id\": \"vif-hp\", \"netdev\": \"n0\", \"frontend-id\": $d,
    \"mac\": \"00:16:3e:00:01:09\", \"iothread\": \"io0\"}}" > /run/hp-add2.json
grep -q '"return": {}' /run/hp-add2.json ||
    fail "second device_add failed: $(cat /run/hp-add2.json)"
back() { guest_console hp | grep -q "^qnb-hp: eth0 back"; }
wait_until 60 back || {
    guest_console hp | tail -n 15
    fail "the guest's netfront did not come back after the second device_add"
}
wait_until 30 ping -c 1 -W 1 10.0.1.9 || fail "no ping after the second device_add"
ping_both 10.0.1.1 10.0.1.9
iperf_both 10.0.1.9 2
guest_console hp | grep -i "does not support copying" && fail "netfront complained"
log "device_add again: the guest's running netfront reconnected, traffic both ways"
