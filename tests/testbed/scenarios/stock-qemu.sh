# A guest served by QEMU's stock xen-net-device from our QEMU binary,
# started by hand in dom0 and attached to the paused guest.
. /testbed/lib.sh
guest_config stock "qnb.ip=10.0.2.2/24"
guest_create stock -p
domid=$(guest_domid stock)
qemu_start stock -xen-domid "$domid" -xen-attach -machine xenpv \
    -netdev tap,id=n0,ifname=qtap2,script=no,downscript=no \
    -device xen-net-device,netdev=n0,mac=00:16:3e:00:02:02
tap_wait_up qtap2 10.0.2.1/24
xl unpause stock
guest_wait_ready stock
ping_both 10.0.2.1 10.0.2.2
iperf_both 10.0.2.2 5
qemu_alive stock || fail "QEMU died"
