# qnetback with one queue (grant copy mode, the default) and the real Linux netfront:
# ping and iperf3 both ways, QEMU alive, no error node.  The QEMU is
# confined the way docs/deployment.md says: seccomp (-sandbox on with
# obsolete, spawn and resourcecontrol denied) and -run-with user=qnbuser,
# the user given only /dev/xen/evtchn and /dev/xen/gntdev.  Then the
# other way it says: QEMU started as the user (as libvirt does), under
# the whole filter, elevateprivileges=deny too.
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

# Started as the user: the whole seccomp filter, no privilege to drop.
backend_down g1
backend_up qnb g2 41 queues=1,started-as=qnbstart
pid=$(cat /run/qemu-g2.pid)
uid=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' /proc/"$pid"/status)
seccomp=$(awk '/^Seccomp:/ { print $2 }' /proc/"$pid"/status)
log "QEMU started as uids $uid ($(id -un qnbstart)), seccomp mode $seccomp"
u=$(id -u qnbstart)
[ "$uid" = "$u $u $u $u" ] || fail "QEMU runs as uids $uid, not qnbstart's"
[ "$seccomp" = 2 ] || fail "QEMU's seccomp mode is $seccomp, not 2 (filter)"
ping_both 10.0.41.1 10.0.41.2
iperf_both 10.0.41.2 2
qemu_alive g2 || fail "QEMU (started as qnbstart) died"
backend_down g2
ip tuntap del dev qtap41 mode tap
