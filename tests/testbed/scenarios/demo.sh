# The demo: a Linux guest whose vif is served by qnetback (2 queues on 2
# IOThreads), iperf3 both ways, and qnetback's own statistics read over
# QMP by qnetback-stat while the traffic runs.
. /testbed/lib.sh
R=$QNB_OUT/report.txt
backend_up qnb demo 4 queues=2,iothreads=2
{
    echo "== qnetback demo: guest 'demo' (domain $(guest_domid demo)), vif served by xen-netback"
    echo "   in our QEMU: 2 queues, 2 IOThreads, grant-mode copy (the default), tap qtap4"
    echo
    ping -c 3 10.0.4.2 | tail -n 2
    echo
} > "$R"
qnetback-stat -s /run/qemu-demo.stat.qmp -i 3 -n 9 --csv "$QNB_OUT/samples.csv" \
    > "$QNB_OUT/live.txt" 2>&1 &
stat=$!
# The sampler takes seconds to start on the loaded machine: traffic after
# its first sample, so the samples see all of it.
wait_until 30 test -s "$QNB_OUT/live.txt" || fail "qnetback-stat took no sample"
phase_mark "dom0 -> guest, 2 streams"
rx=$(iperf 10.0.4.2 8 -P 2) || fail "iperf3 dom0 -> guest"
phase_mark "guest -> dom0, 2 streams"
tx=$(iperf 10.0.4.2 8 -P 2 -R) || fail "iperf3 guest -> dom0"
phase_mark -
wait $stat
{
    echo "iperf3, 2 streams, 8 s each way:"
    echo "   dom0 -> guest: $rx Mbit/s"
    echo "   guest -> dom0: $tx Mbit/s"
    echo
    echo "qnetback-stat, sampled every 3 s during the runs (tx = guest transmits):"
    cat "$QNB_OUT/live.txt"
    echo
    echo "info xen-netback (HMP), at the end:"
    hmp demo "info xen-netback"
} >> "$R"
cat "$R"
