# QEMU spawned by libxl itself as the PV guest's device model: a qdisk disk
# makes libxl start it, device_model_args_pv adds the NIC.
. /testbed/lib.sh
truncate -s 16M /run/stockxl-disk.img
disk=format=raw,vdev=xvda,access=rw,backendtype=qdisk,target=/run/stockxl-disk.img
guest_config stockxl "qnb.ip=10.0.3.2/24" \
    "disk = $(xl_list "$disk")" \
    "device_model_override = \"$QEMU\"" \
    "device_model_args_pv = $(xl_list \
        -netdev tap,id=n0,ifname=qtap3,script=no,downscript=no \
        -device xen-net-device,netdev=n0,mac=00:16:3e:00:03:02)"
guest_create stockxl -p
tap_wait_up qtap3 10.0.3.1/24
pgrep -af qemu-system-i386 | grep -q -- "-xen-domid $(guest_domid stockxl)" ||
    fail "libxl did not start our QEMU"
xl unpause stockxl
guest_wait_ready stockxl
ping_both 10.0.3.1 10.0.3.2
iperf_both 10.0.3.2 2
