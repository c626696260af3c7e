# Shell library for test-bed scenarios (sourced in dom0).  A scenario is a
# script that exits 0 on success; it logs what it does and why it fails.
#
# Addressing: every backend under test gets its own /24, dom0 is .1 and
# the guest .2: kernel netback bridge 10.0.1.0, taps 10.0.N.0 (N >= 2).

QEMU=/usr/local/bin/qemu-system-i386
QNB_OUT=${QNB_OUT:-/tmp}
GUEST_KERNEL=/vmlinux.gz
GUEST_RAMDISK=/domu.cpio.gz

log() { echo "[$(cut -d' ' -f1 /proc/uptime)] $*"; }
fail() { log "FAIL: $*"; exit 1; }

# wait_until SECONDS COMMAND...: poll every 0.2 s until COMMAND succeeds.
wait_until() {
    local limit=$1 i=0
    shift
    while ! "$@" > /dev/null 2>&1; do
        i=$((i + 1))
        [ $i -ge $((limit * 5)) ] && return 1
        sleep 0.2
    done
    return 0
}

# guest_config NAME EXTRA_CMDLINE [XL_LINE...]: write /run/NAME.cfg.
guest_config() {
    local name=$1 extra=$2
    shift 2
    {
        echo "name = \"$name\""
        echo "type = \"pv\""
        echo "kernel = \"$GUEST_KERNEL\""
        echo "ramdisk = \"$GUEST_RAMDISK\""
        echo "memory = 256"
        echo "vcpus = 1"
        echo "on_crash = \"destroy\""
        echo "extra = \"console=hvc0 $extra\""
        for line in "$@"; do echo "$line"; done
    } > /run/"$name".cfg
}

# guest_create NAME [-p]: create the guest from /run/NAME.cfg.
guest_create() {
    local name=$1
    shift
    log "xl create $name $*"
    xl create "$@" /run/"$name".cfg > "$QNB_OUT/xl-create-$name.log" 2>&1 ||
        { cat "$QNB_OUT/xl-create-$name.log"; fail "xl create $name"; }
}

guest_domid() { xl domid "$1"; }

guest_console() { cat /var/log/xen/console/guest-"$1".log 2>/dev/null; }

guest_ready() { guest_console "$1" | grep -q "qnb-guest: ready"; }

# guest_wait_ready NAME [SECONDS]
guest_wait_ready() {
    wait_until "${2:-90}" guest_ready "$1" ||
        { guest_console "$1" | tail -n 30; fail "guest $1 not ready"; }
    log "guest $1 ready"
}

# gexec IP COMMAND: run COMMAND in the guest through its agent; prints the
# output and returns the command's exit status.
gexec() {
    local ip=$1 out rc
    shift
    out=$(echo "$*" | timeout 120 busybox nc "$ip" 7000) ||
        { echo "$out"; log "gexec $ip: agent unreachable"; return 255; }
    rc=$(echo "$out" | sed -n 's/^qnb-rc=//p' | tail -n 1)
    echo "$out" | grep -v '^qnb-rc='
    [ -n "$rc" ] || return 255
    return "$rc"
}

# bridge_setup: xenbr0 with 10.0.1.1/24 for the kernel netback's vifs.
bridge_setup() {
    ip link add xenbr0 type bridge 2>/dev/null
    ip addr add 10.0.1.1/24 dev xenbr0 2>/dev/null
    ip link set xenbr0 up
}

# tap_wait_up IFNAME ADDR: once QEMU created the tap, give dom0 its address.
tap_wait_up() {
    wait_until 30 test -e /sys/class/net/"$1" || fail "tap $1 never appeared"
    ip addr add "$2" dev "$1"
    ip link set "$1" up
}

# qemu_start NAME ARGS...: our QEMU in the background, logging to
# $QNB_OUT/qemu-NAME.log, QMP on /run/qemu-NAME.qmp.
qemu_start() {
    local name=$1
    shift
    log "qemu $name: $*"
    $QEMU -nographic -display none -nodefaults \
        -qmp unix:/run/qemu-"$name".qmp,server=on,wait=off \
        -pidfile /run/qemu-"$name".pid "$@" \
        > "$QNB_OUT/qemu-$name.log" 2>&1 < /dev/null &
    wait_until 20 test -S /run/qemu-"$name".qmp ||
        { cat "$QNB_OUT/qemu-$name.log"; fail "qemu $name did not start"; }
}

qemu_alive() { kill -0 "$(cat /run/qemu-"$1".pid 2>/dev/null)" 2>/dev/null; }

# qmp NAME JSON-COMMAND: one QMP command; prints the reply.
qmp() {
    python3 - "$1" "$2" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect("/run/qemu-%s.qmp" % sys.argv[1])
f = s.makefile("rw")
json.loads(f.readline())
f.write('{"execute": "qmp_capabilities"}\n'); f.flush()
json.loads(f.readline())
f.write(sys.argv[2] + "\n"); f.flush()
while True:
    r = json.loads(f.readline())
    if "event" not in r:
        print(json.dumps(r))
        break
PY
}

# xs_backend_state DOMID TYPE: the state of the backend's first vif node.
xs_state() { xenstore-read "$1" 2>/dev/null; }

# ping_both DOM0_IP GUEST_IP: ping from dom0 and from the guest.
ping_both() {
    ping -c 3 -W 5 "$2" || fail "dom0 cannot ping $2"
    gexec "$2" "ping -c 3 -W 5 $1" || fail "guest $2 cannot ping $1"
}

# iperf GUEST_IP SECONDS [ARGS]: dom0 is the client, -R makes the guest
# send.  Prints the received Mbit/s (the receiver's figure).
iperf() {
    local ip=$1 secs=$2 out
    shift 2
    out=$(timeout $((secs + 30)) iperf3 -c "$ip" -t "$secs" -J "$@") ||
        { echo "$out" | tail -n 5 >&2; return 1; }
    echo "$out" | python3 -c '
import json, sys
r = json.load(sys.stdin)
print("%.1f" % (r["end"]["sum_received"]["bits_per_second"] / 1e6))'
}

# iperf_both GUEST_IP SECONDS: both directions, fails if either moves
# nothing.
iperf_both() {
    local tx rx
    rx=$(iperf "$1" "$2") || fail "iperf3 dom0 -> guest $1"
    tx=$(iperf "$1" "$2" -R) || fail "iperf3 guest $1 -> dom0"
    log "iperf3 dom0->guest ${rx} Mbit/s, guest->dom0 ${tx} Mbit/s"
    [ "${rx%.*}" -gt 0 ] && [ "${tx%.*}" -gt 0 ] || fail "no throughput"
}

# qnb_teardown: destroy every guest, stop every QEMU, remove our links.
qnb_teardown() {
    local d p
    for d in $(xl list | awk 'NR > 2 { print $1 }'); do
        xl destroy "$d"
    done
    for p in /run/qemu-*.pid; do
        [ -f "$p" ] || continue
        kill "$(cat "$p")" 2>/dev/null
        rm -f "$p"
    done
    pkill -f qemu-system-i386 2>/dev/null
    sleep 0.5
    pkill -9 -f qemu-system-i386 2>/dev/null
    rm -f /run/qemu-*.qmp
    for d in $(ls /sys/class/net); do
        case "$d" in qtap*|xenbr*) ip link del "$d" 2>/dev/null ;; esac
    done
    return 0
}
