# qnetback as the device model libxl spawns for a PV guest: a qdisk disk
# makes libxl start our QEMU, device_model_args_pv adds xen-netback.
. /testbed/lib.sh
truncate -s 16M /run/qnbxl-disk.img
disk=format=raw,vdev=xvda,access=rw,backendtype=qdisk,target=/run/qnbxl-disk.img
guest_config qnbxl "qnb.ip=10.0.8.2/24" \
    "disk = $(xl_list "$disk")" \
    "device_model_override = \"$QEMU\"" \
    "device_model_args_pv = $(xl_list -object iothread,id=io0 \
        -netdev tap,id=n0,ifname=qtap8,script=no,downscript=no,vhost=off \
        -device xen-netback,netdev=n0,mac=00:16:3e:00:08:02,iothread=io0)"
guest_create qnbxl -p
tap_wait_up qtap8 10.0.8.1/24
pgrep -af qemu-system-i386 | grep -q -- "-xen-domid $(guest_domid qnbxl)" ||
    fail "libxl did not start our QEMU"
xl unpause qnbxl
guest_wait_ready qnbxl
ping_both 10.0.8.1 10.0.8.2
iperf_both 10.0.8.2 5
be=$(xenstore-read /local/domain/"$(guest_domid qnbxl)"/device/vif/1/backend)
case "$be" in */backend/qnetback/*) ;; *) fail "vif 1 is served by $be, not qnetback" ;; esac
log "vif 1 of the libxl-spawned device model: $be"
