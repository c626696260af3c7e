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

# xen-vif-backend: listed, its properties, and what it refuses.  No Xen
# here: -machine none makes no xen-bus, so nothing is served.
objects=$("$qemu" -object help 2>&1)
check "xen-vif-backend is listed" grep -qx '  xen-vif-backend' <<< "$objects"
not_listed() { ! grep -q "name \"$1\"" <<< "$devices"; }
check "xen-netback-vif is not user-creatable" not_listed xen-netback-vif
props=$("$qemu" -object xen-vif-backend,help 2>&1)
for p in queues iothreads; do
    check "xen-vif-backend has property $p" grep -q "^  $p=" <<< "$props"
done
run_none() {
    timeout 20 "$qemu" -machine none -nodefaults -display none -S "$@" \
        -qmp stdio <<< '{"execute": "qmp_capabilities"}
{"execute": "qom-get", "arguments": {"path": "/objects/v", "property": "iothreads"}}
{"execute": "object-add", "arguments": {"qom-type": "xen-vif-backend", "id": "w"}}
{"execute": "object-del", "arguments": {"id": "v"}}
{"execute": "quit"}' 2>&1
}
out=$(run_none -object iothread,id=io0 -object iothread,id=io1 \
      -object xen-vif-backend,id=v,queues=2,iothreads=io0,iothreads=io1)
check "xen-vif-backend takes a list of IOThreads" grep -q '"return": \["io0", "io1"\]' <<< "$out"
check "xen-vif-backend refuses object-del" grep -q "can not be deleted" <<< "$out"
out=$(run_none)
check "xen-vif-backend refuses object-add at run time" \
    grep -q 'must be given on the command line' <<< "$out"
out=$(run_none -object xen-vif-backend,id=v,queues=9)
check "xen-vif-backend refuses 9 queues" grep -q "queues must be 1 to 8" <<< "$out"
out=$(run_none -object xen-vif-backend,id=v -object xen-vif-backend,id=w)
check "xen-vif-backend refuses a second instance" grep -q "only one xen-vif-backend" <<< "$out"
echo "1..$n"
[ $failed -eq 0 ]
