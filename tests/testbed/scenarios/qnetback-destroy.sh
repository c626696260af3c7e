# The guest is destroyed in the middle of traffic both ways.  QEMU must
# stay up, release every grant mapping and event channel, answer QMP,
# and serve a new guest on a second vif afterwards.
. /testbed/lib.sh
backend_up qnb d 4 queues=2,iothreads=2
iperf 10.0.4.2 20 > /dev/null 2>&1 & p1=$!
iperf 10.0.4.2 20 -R > /dev/null 2>&1 & p2=$!
sleep 4
log "destroying the guest under traffic"
xl destroy d
sleep 3
qemu_alive d || { cat "$QNB_OUT/qemu-d.log"; fail "QEMU died with its guest"; }
maps=$(qemu_gntdev_maps d)
[ "$maps" -eq 0 ] || fail "$maps grant mappings left after the guest died"
qmp d '{"execute": "query-status"}' | grep -q running || fail "QMP does not answer"
grep -i "segmentation\|abort\|assert" "$QNB_OUT/qemu-d.log" && fail "QEMU complained"
log "QEMU alive, no grant mapping left, QMP answers"
# The clients cannot end their test with a guest that is gone: each would
# wait for its 50 s timeout.
pkill -P "$p1"; pkill -P "$p2"
wait $p1 $p2 2>/dev/null
backend_down d
# A new guest on the same backend kind still works.
backend_up qnb d2 5 queues=1
ping_both 10.0.5.1 10.0.5.2
