# Two guests at once, one on each reference backend, both passing traffic
# at the same time.
. /testbed/lib.sh
bridge_setup
guest_config knb "qnb.ip=10.0.1.2/24" \
    'vif = [ "bridge=xenbr0,mac=00:16:3e:00:01:02" ]'
guest_config stock "qnb.ip=10.0.2.2/24"
guest_create knb
guest_create stock -p
qemu_start stock -xen-domid "$(guest_domid stock)" -xen-attach -machine xenpv \
    -netdev tap,id=n0,ifname=qtap2,script=no,downscript=no \
    -device xen-net-device,netdev=n0,mac=00:16:3e:00:02:02
tap_wait_up qtap2 10.0.2.1/24
xl unpause stock
guest_wait_ready knb
guest_wait_ready stock
ping_both 10.0.1.1 10.0.1.2
ping_both 10.0.2.1 10.0.2.2
iperf 10.0.1.2 5 > /run/knb.mbps & p1=$!
iperf 10.0.2.2 5 > /run/stock.mbps & p2=$!
wait $p1 || fail "iperf3 to the kernel-netback guest"
wait $p2 || fail "iperf3 to the stock-device guest"
log "concurrent: kernel netback $(cat /run/knb.mbps) Mbit/s, stock $(cat /run/stock.mbps) Mbit/s"
