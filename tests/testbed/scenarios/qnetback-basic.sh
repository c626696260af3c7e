# qnetback with one queue (grant copy mode, the default) and the real Linux netfront:
# ping and iperf3 both ways, QEMU alive, no error node.  The QEMU is
# confined the way docs/deployment.md says: seccomp (-sandbox on with
# obsolete, spawn and resourcecontrol denied) and -run-with user=qnbuser,
# the user given only /dev/xen/evtchn and /dev/xen/gntdev.
. /testbed/lib.sh
# No IOThread: the queue is served from the main loop.
backend_up qnb g1 4 queues=1,confined=qnbuser
pid=$(cat /run/qemu-g1.pid)
uid=$(awk '/^Uid:/ { print $2 }' /proc/"$pid"/status)
seccomp=$(awk '/^Seccomp:/ { print $2 }' /proc/"$pid"/status)
log "QEMU runs as uid $uid ($(id -un "$uid")), seccomp mode $seccomp"
[ "$uid" = "$(id -u qnbuser)" ] || fail "QEMU runs as uid $uid, not qnbuser"
[ "$seccomp" = 2 ] || fail "QEMU's seccomp mode is $seccomp, not 2 (filter)"
ping_both 10.0.4.1 10.0.4.2
iperf_both 10.0.4.2 2
qemu_alive g1 || fail "QEMU died"
xenstore-ls /local/domain/0/backend/qnetback 2>&1 | grep -E "state|error" | head
qnetback-stat -s /run/qemu-g1.qmp
