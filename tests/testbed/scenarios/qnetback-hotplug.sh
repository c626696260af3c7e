# One QEMU in dom0 serving a chosen guest: xen-netback added with
# device_add over QMP.
. /testbed/lib.sh
guest_config hp "qnb.ip=10.0.9.2/24"
guest_create hp -p
d=$(guest_domid hp)
qemu_start hp -xen-domid 0 -xen-attach -machine xenpv -object iothread,id=io0 \
    -netdev tap,id=n0,ifname=qtap9,script=no,downscript=no,vhost=off
tap_wait_up qtap9 10.0.9.1/24
qmp hp "{\"execute\": \"device_add\", \"arguments\": {\"driver\": \"xen-netback\",
    \"id\": \"vif-hp\", \"netdev\": \"n0\", \"frontend-id\": $d,
    \"mac\": \"00:16:3e:00:09:02\", \"iothread\": \"io0\"}}" | tee /run/hp-add.json
grep -q '"return": {}' /run/hp-add.json || fail "device_add failed"
xl unpause hp
guest_wait_ready hp
ping_both 10.0.9.1 10.0.9.2
iperf_both 10.0.9.2 4
qmp hp '{"execute": "query-xen-netback"}' | grep -q '"id": "vif-hp"' ||
    fail "query-xen-netback does not list vif-hp"
log "device_add: vif-hp served, listed by query-xen-netback"

# device_del: the backend goes Closing, netfront closes, the device and
# its xenstore nodes go; QEMU keeps no grant and serves on.  (Adding it
# back is not checked yet: the guest's netfront then finds no
# feature-rx-copy; see issue 13.)
be=$(xenstore-read /local/domain/$d/device/vif/1/backend) || fail "no vif 1 in the guest"
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
