# qnetback with 1, 2 and 4 queues on IOThreads, the real netfront taking
# max_queues from the guest's command line: the frontend must pick them
# all, and ping and iperf3 (single and 4 streams) pass both ways.
. /testbed/lib.sh
for q in 1 2 4; do
    log "== $q queue(s)"
    backend_up qnb g$q 4 queues=$q,iothreads=$(( q > 1 ? 2 : 1 ))
    fe=/local/domain/$(guest_domid g$q)/device/vif/1
    be=$(xenstore-read "$fe"/backend)
    nq=$(xenstore-read "$fe"/multi-queue-num-queues 2>/dev/null || echo 1)
    [ "$nq" = "$q" ] || fail "frontend uses $nq queues, not $q"
    [ "$(xenstore-read "$be"/state)" = 4 ] || fail "backend not Connected"
    ping_both 10.0.4.1 10.0.4.2
    iperf_both 10.0.4.2 2
    rx=$(iperf 10.0.4.2 2 -P 4) || fail "iperf3 -P 4 dom0 -> guest"
    tx=$(iperf 10.0.4.2 2 -P 4 -R) || fail "iperf3 -P 4 guest -> dom0"
    log "4 streams: dom0->guest $rx Mbit/s, guest->dom0 $tx Mbit/s"
    gexec 10.0.4.2 "grep eth0 /proc/interrupts"
    no_grant_leak g$q
    qemu_alive g$q || fail "QEMU died"
    backend_down g$q
done
