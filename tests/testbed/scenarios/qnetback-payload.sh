# 64 KiB GSO TCP both ways through qnetback, map and copy modes, with the
# payload checked end to end.
. /testbed/lib.sh
for mode in map copy; do
    log "== grant-mode=$mode"
    backend_up qnb p$mode 4 queues=2,iothreads=1,grant-mode=$mode
    gexec 10.0.4.2 "ethtool -k eth0 2>/dev/null | grep segmentation; ip link show eth0"
    payload_check 10.0.4.1 10.0.4.2 16
    rx=$(iperf 10.0.4.2 2 -l 131072) || fail "iperf3 dom0 -> guest"
    tx=$(iperf 10.0.4.2 2 -l 131072 -R) || fail "iperf3 guest -> dom0"
    log "128 KiB writes: dom0->guest $rx Mbit/s, guest->dom0 $tx Mbit/s"
    no_grant_leak p$mode
    backend_down p$mode
done
