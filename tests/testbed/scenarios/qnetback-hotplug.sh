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
# device_del is not exercised: xen-bus removes an unplugged device only
# for backend types registered with xen_backend_register(), which
# xen-netback is not yet (every dom0 QEMU watches the same
# backend/qnetback tree, so that needs care); see the issue note.
log "device_add: vif-hp served, listed by query-xen-netback"
