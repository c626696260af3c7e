# A guest on Linux's kernel xen-netback (bridge): the bed's own reference.
. /testbed/lib.sh
backend_up knb knb 1
ping_both 10.0.1.1 10.0.1.2
iperf_both 10.0.1.2 2
