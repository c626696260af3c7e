#!/usr/bin/env bash
# QEMU-level checks that need no Xen: the device is built in beside the
# stock one and shows the properties a user sets.  TAP output.
set -uo pipefail
qemu=${1:-build/qemu-system-i386}
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }

devices=$("$qemu" -device help 2>&1)
check "xen-net-device is listed" grep -q '^name "xen-net-device", bus xen-bus' <<< "$devices"
check "xen-netback is listed" grep -q '^name "xen-netback", bus xen-bus' <<< "$devices"
props=$("$qemu" -device xen-netback,help 2>&1)
for p in netdev mac queues iothread iothreads vif frontend-id grant-mode; do
    check "xen-netback has property $p" grep -q "^  $p=" <<< "$props"
done
echo "1..$n"
[ $failed -eq 0 ]
