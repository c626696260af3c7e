# qnetback with one queue (grant copy mode, the default) and the real Linux netfront:
# ping and iperf3 both ways, QEMU alive, no error node.
. /testbed/lib.sh
# No IOThread: the queue is served from the main loop.
backend_up qnb g1 4 queues=1
ping_both 10.0.4.1 10.0.4.2
iperf_both 10.0.4.2 5
qemu_alive g1 || fail "QEMU died"
xenstore-ls /local/domain/0/backend/qnetback 2>&1 | grep -E "state|error" | head
qnetback-stat -s /run/qemu-g1.qmp
