# A guest served by QEMU's stock xen-net-device from our QEMU binary,
# started by hand in dom0 and attached to the paused guest.
. /testbed/lib.sh
backend_up stock stock 2
ping_both 10.0.2.1 10.0.2.2
iperf_both 10.0.2.2 2
qemu_alive stock || fail "QEMU died"
