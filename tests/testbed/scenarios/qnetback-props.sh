# xen-netback refuses bad property combinations at realize with a clear
# message, and QEMU does not start with them.
. /testbed/lib.sh
guest_config props ""
guest_create props -p
d=$(guest_domid props)

# expect_refused WHAT MESSAGE QEMU-ARGS...
expect_refused() {
    local what=$1 msg=$2 out
    shift 2
    out=$(timeout 30 $QEMU -nographic -display none -nodefaults \
          -xen-domid "$d" -xen-attach -machine xenpv "$@" 2>&1 < /dev/null)
    if [ $? -eq 0 ]; then
        fail "$what: QEMU started"
    fi
    echo "$out" | grep -qF "$msg" || { echo "$out"; fail "$what: no '$msg' in the error"; }
    log "$what: refused: $(echo "$out" | grep -F "$msg" | head -n 1)"
}

TAP="-netdev tap,id=n0,ifname=qtapp,script=no,downscript=no,vhost=off"
TAP4="-netdev tap,id=n0,ifname=qtapp,script=no,downscript=no,vhost=off,queues=2"
expect_refused "no netdev" "'netdev' property is required" \
    -device xen-netback
expect_refused "more queues than the tap" \
    "queues=4 but netdev 'n0' has only 2 queues" \
    $TAP4 -device xen-netback,netdev=n0,queues=4
expect_refused "more queues than supported" "queues=9 is more than the 8 supported" \
    -netdev tap,id=n0,ifname=qtapp,script=no,downscript=no,vhost=off,queues=9 \
    -device xen-netback,netdev=n0,queues=9
expect_refused "not a tap" "is not a tap netdev" \
    -netdev socket,id=n0,listen=127.0.0.1:17001 -device xen-netback,netdev=n0
expect_refused "unknown iothread" "no iothread with id 'nope'" \
    $TAP -device '{"driver": "xen-netback", "netdev": "n0", "iothreads": ["nope"]}'
expect_refused "iothread and iothreads" "set either 'iothread' or 'iothreads'" \
    -object iothread,id=io0 $TAP \
    -device '{"driver": "xen-netback", "netdev": "n0", "iothread": "io0",
              "iothreads": ["io0"]}'
expect_refused "bad grant mode" "'grant-mode' does not accept value 'bogus'" \
    $TAP -device xen-netback,netdev=n0,grant-mode=bogus
expect_refused "no vnet header" "has no virtio-net header support" \
    -netdev tap,id=n0,ifname=qtapp,script=no,downscript=no,vhost=off,vnet_hdr=off \
    -device xen-netback,netdev=n0
# And a good combination starts.
qemu_start props -xen-domid "$d" -xen-attach -machine xenpv \
    -object iothread,id=io0 $TAP4 \
    -device '{"driver": "xen-netback", "netdev": "n0", "queues": 2,
              "iothreads": ["io0"]}'
sleep 2
qemu_alive props || { cat "$QNB_OUT/qemu-props.log"; fail "a good combination did not start"; }
be=$(xenstore-read /local/domain/"$d"/device/vif/1/backend)
[ "$(xenstore-read "$be"/multi-queue-max-queues)" = 2 ] ||
    fail "multi-queue-max-queues is not 2"
log "a good combination starts and advertises 2 queues at $be"
