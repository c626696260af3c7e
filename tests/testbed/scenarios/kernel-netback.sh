# A guest on Linux's kernel xen-netback (bridge): the bed's own reference.
. /testbed/lib.sh
bridge_setup
guest_config knb "qnb.ip=10.0.1.2/24" \
    'vif = [ "bridge=xenbr0,mac=00:16:3e:00:01:02" ]'
guest_create knb
guest_wait_ready knb
ping_both 10.0.1.1 10.0.1.2
iperf_both 10.0.1.2 5
