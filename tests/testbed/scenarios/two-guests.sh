# Two guests at once, one on each reference backend, both passing traffic
# at the same time.
. /testbed/lib.sh
backend_up knb knb 1
backend_up stock stock 2
ping_both 10.0.1.1 10.0.1.2
ping_both 10.0.2.1 10.0.2.2
iperf 10.0.1.2 5 > /run/knb.mbps & p1=$!
iperf 10.0.2.2 5 > /run/stock.mbps & p2=$!
wait $p1 || fail "iperf3 to the kernel-netback guest"
wait $p2 || fail "iperf3 to the stock-device guest"
log "concurrent: kernel netback $(cat /run/knb.mbps) Mbit/s, stock $(cat /run/stock.mbps) Mbit/s"
