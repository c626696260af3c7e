# A guest's whole life with qnetback, in both dom0 deployments: xl
# shutdown, xl reboot, a guest kernel crash and xl destroy leave no QEMU,
# tap, grant mapping or xenstore node of that guest behind.
#   dm:    our QEMU is the device model libxl spawns for the guest
#   dom0:  one dom0 QEMU serves several guests, vifs added by device_add
. /testbed/lib.sh

cat > /run/lc-ifup <<'EOF'
#!/bin/sh
# QEMU's tap up script: dom0 takes .1 of the tap's /24 (qtapN: 10.0.N.1).
n=${1#qtap}
ip addr add 10.0.$n.1/24 dev "$1"
ip link set "$1" up
EOF
chmod +x /run/lc-ifup

# dm_guest NAME N: create a PV guest on 10.0.N.0/24 whose device model
# (our QEMU, serving its vif) libxl spawns.
dm_guest() {
    local name=$1 n=$2 disk
    truncate -s 16M /run/"$name"-disk.img
    disk=format=raw,vdev=xvda,access=rw,backendtype=qdisk,target=/run/$name-disk.img
    guest_config "$name" "qnb.ip=10.0.$n.2/24" \
        "disk = $(xl_list "$disk")" \
        "device_model_override = \"$QEMU\"" \
        "device_model_args_pv = $(xl_list \
            -netdev tap,id=n0,ifname=qtap$n,script=/run/lc-ifup,downscript=no,vhost=off \
            -device xen-netback,netdev=n0,mac=00:16:3e:00:$(printf %02x "$n"):02)"
    guest_create "$name"
}

# gone NAME DOMID N: the guest is no more, nor anything of it.
gone() {
    wait_until 60 sh -c "! xl domid $1" || fail "guest $1 still there"
    wait_nothing_left "$2"
    wait_until 10 sh -c "! test -e /sys/class/net/qtap$3" || fail "tap qtap$3 left"
    log "$1 (domain $2) gone, nothing left"
}

# 1. Device model deployment: three guests at once, one shut down, one
# rebooted, one crashed.
dm_guest lcs 11
dm_guest lcr 12
dm_guest lcc 13
for n in 11 12 13; do
    wait_until 120 ping -c 1 -W 1 10.0.$n.2 || fail "guest on 10.0.$n.2 never answered"
done
ds=$(guest_domid lcs) dr=$(guest_domid lcr) dc=$(guest_domid lcc)
log "xl shutdown lcs, xl reboot lcr, crashing lcc's kernel"
xl shutdown lcs || fail "xl shutdown lcs"
xl reboot lcr || fail "xl reboot lcr"
guest_crash 10.0.13.2
gone lcs "$ds" 11
gone lcc "$dc" 13
new() { [ -n "$(xl domid lcr 2>/dev/null)" ] && [ "$(xl domid lcr)" != "$dr" ]; }
wait_until 60 new || fail "lcr did not come back"
wait_nothing_left "$dr"
wait_until 120 ping -c 1 -W 1 10.0.12.2 || fail "lcr does not answer after its reboot"
domain_left "$(guest_domid lcr)" | grep -q "$QEMU" ||
    fail "no device model for the rebooted lcr"
log "lcr rebooted as domain $(guest_domid lcr): its new QEMU serves it, nothing of domain $dr left"
d=$(guest_domid lcr)
xl destroy lcr
gone lcr "$d" 12

# 2. One dom0 QEMU, three guests: each goes its own way; the QEMU drops
# each one's vif and serves the others.
qemu_start lc -xen-domid 0 -xen-attach -machine xenpv -object iothread,id=io0 \
    -netdev tap,id=n14,ifname=qtap14,script=/run/lc-ifup,downscript=no,vhost=off \
    -netdev tap,id=n15,ifname=qtap15,script=/run/lc-ifup,downscript=no,vhost=off \
    -netdev tap,id=n16,ifname=qtap16,script=/run/lc-ifup,downscript=no,vhost=off
for n in 14 15 16; do
    guest_config lc$n "qnb.ip=10.0.$n.2/24"
    guest_create lc$n -p
    qmp lc "{\"execute\": \"device_add\", \"arguments\": {\"driver\": \"xen-netback\",
        \"id\": \"vif-lc$n\", \"netdev\": \"n$n\", \"frontend-id\": $(guest_domid lc$n),
        \"mac\": \"00:16:3e:00:$n:02\", \"iothread\": \"io0\"}}" | grep -q '"return": {}' ||
        fail "device_add for lc$n"
    xl unpause lc$n
done
for n in 14 15 16; do
    wait_until 120 ping -c 1 -W 1 10.0.$n.2 || fail "guest lc$n never answered"
done
maps1=$(qemu_gntdev_maps lc)
log "one QEMU serves lc14, lc15, lc16: $maps1 grant mappings"

# dom0_gone N DOMID: lcN's vif left the QEMU, which serves on.
dom0_gone() {
    local n=$1 d=$2
    wait_until 60 sh -c "! xl domid lc$n" || fail "guest lc$n still there"
    listed() { qmp lc '{"execute": "query-xen-netback"}' | grep -q "\"vif-lc$n\""; }
    wait_until 20 sh -c "! xenstore-exists /local/domain/0/backend/qnetback/$d" ||
        fail "backend nodes of lc$n left: $(xenstore-ls /local/domain/0/backend/qnetback/$d)"
    wait_until 10 eval '! listed' || fail "vif-lc$n still listed by query-xen-netback"
    nothing_left "$d" || fail "after lc$n: $(domain_left "$d")"
    qemu_alive lc || fail "the QEMU died with lc$n"
    log "lc$n (domain $d) gone: its vif removed, no node left, QEMU serving"
}
d=$(guest_domid lc14)
timeout 90 xl shutdown -w lc14 || fail "xl shutdown lc14"
dom0_gone 14 "$d"
ping_both 10.0.15.1 10.0.15.2
d=$(guest_domid lc15)
guest_crash 10.0.15.2
dom0_gone 15 "$d"
ping_both 10.0.16.1 10.0.16.2
iperf_both 10.0.16.2 2
d=$(guest_domid lc16)
xl destroy lc16
dom0_gone 16 "$d"
[ "$(qemu_gntdev_maps lc)" = 0 ] || fail "$(qemu_gntdev_maps lc) grant mappings left"
grep -i "segmentation\|abort\|assert" "$QNB_OUT/qemu-lc.log" && fail "QEMU complained"

# The same QEMU takes a new guest afterwards.
guest_config lc17 "qnb.ip=10.0.14.2/24"
guest_create lc17 -p
qmp lc "{\"execute\": \"device_add\", \"arguments\": {\"driver\": \"xen-netback\",
    \"id\": \"vif-lc17\", \"netdev\": \"n14\", \"frontend-id\": $(guest_domid lc17),
    \"mac\": \"00:16:3e:00:17:02\", \"iothread\": \"io0\"}}" | grep -q '"return": {}' ||
    fail "device_add for lc17"
xl unpause lc17
wait_until 120 ping -c 1 -W 1 10.0.14.2 || fail "lc17 never answered"
log "the QEMU serves a new guest on the first one's tap"
