# qnetback with one queue (grant copy mode, the default) and the real Linux netfront:
# ping and iperf3 both ways, QEMU alive, no error node.  The QEMU is
# confined the way docs/deployment.md says: seccomp (-sandbox on with
# obsolete, spawn and resourcecontrol denied) and -run-with user=qnbuser,
# the user given only /dev/xen/evtchn and /dev/xen/gntdev.  Then the
# other way it says: QEMU started as the user (as libvirt does), under
# the whole filter, elevateprivileges=deny too.
. /testbed/lib.sh
# confined_serves NAME N USER: guest NAME's QEMU runs as USER (real,
# effective, saved and filesystem uids) under a seccomp filter, and moves
# ping and iperf3 both ways on 10.0.N.0/24.
confined_serves() {
    local pid uids u seccomp
    pid=$(cat /run/qemu-"$1".pid)
    uids=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' /proc/"$pid"/status)
    seccomp=$(awk '/^Seccomp:/ { print $2 }' /proc/"$pid"/status)
    log "$1: QEMU runs as uids $uids ($3), seccomp mode $seccomp"
    u=$(id -u "$3")
    [ "$uids" = "$u $u $u $u" ] || fail "$1: QEMU runs as uids $uids, not $3's"
    [ "$seccomp" = 2 ] || fail "$1: QEMU's seccomp mode is $seccomp, not 2 (filter)"
    ping_both 10.0."$2".1 10.0."$2".2
    iperf_both 10.0."$2".2 2
    qemu_alive "$1" || fail "$1: QEMU died"
}

# No IOThread: the queue is served from the main loop.
backend_up qnb g1 4 queues=1,confined=qnbuser
confined_serves g1 4 qnbuser
xenstore-ls /local/domain/0/backend/qnetback 2>&1 | grep -E "state|error" | head
qnetback-stat -s /run/qemu-g1.qmp

# Started as the user: the whole seccomp filter, no privilege to drop.
backend_down g1
backend_up qnb g2 41 queues=1,started-as=qnbstart
confined_serves g2 41 qnbstart
backend_down g2
ip tuntap del dev qtap41 mode tap
