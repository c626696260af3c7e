# Shell library for test-bed scenarios (sourced in dom0).  A scenario is a
# script that exits 0 on success; it logs what it does and why it fails.
#
# Addressing: every backend under test gets its own /24, dom0 is .1 and
# the guest .2: kernel netback bridge 10.0.1.0, taps 10.0.N.0 (N >= 2).

QEMU=/usr/local/bin/qemu-system-i386
QNB_OUT=${QNB_OUT:-/tmp}
GUEST_KERNEL=/vmlinux.gz
GUEST_RAMDISK=/domu.cpio.gz

# log MSG: to the scenario's log, and as a progress line on the console.
log() {
    echo "[$(cut -d' ' -f1 /proc/uptime)] $*"
    echo "@@qnb:   . $*" > /dev/hvc0 2>/dev/null
}
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

# xl_list ITEM...: the items as a one-line xl config list, [ "ITEM", ... ]
# (for guest_config's XL_LINEs).
xl_list() {
    local list='' item
    for item in "$@"; do
        list="$list${list:+, }\"$item\""
    done
    echo "[ $list ]"
}

# ramdisk_with FILE DEST OUT: write OUT, the guest ramdisk $GUEST_RAMDISK
# followed by a cpio holding FILE as DEST (DEST's directory must exist in
# the ramdisk); a guest then takes it as GUEST_RAMDISK=OUT.
ramdisk_with() {
    python3 /testbed/ramdisk.py "$GUEST_RAMDISK" "$1" "$2" "$3"
}

# guest_create NAME [-p]: create the guest from /run/NAME.cfg.
guest_create() {
    local name=$1
    shift
    # A guest of this name before had its console logged there: a new one
    # must not look ready (guest_ready) on the old one's words.
    rm -f /var/log/xen/console/guest-"$name".log
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
    # The agent reads one line: a command written over several lines
    # (with its own ; separators) travels as one.
    out=$( { echo "$*" | tr '\n' ' '; echo; } | timeout 120 busybox nc "$ip" 7000) ||
        { echo "$out"; log "gexec $ip: agent unreachable"; return 255; }
    rc=$(echo "$out" | sed -n 's/^qnb-rc=//p' | tail -n 1)
    echo "$out" | grep -v '^qnb-rc='
    [ -n "$rc" ] || return 255
    return "$rc"
}

# guest_sync NAME SECONDS HANDLER: dom0's side of the rendezvous of
# qnb-netfront --sync in guest NAME (started by qnb.run), until that
# program exits or SECONDS pass.  For each new value "SEQ WHAT ARGS..."
# the guest writes to its data/qnb-sync, runs HANDLER SEQ WHAT ARGS...,
# then acknowledges the value in data/qnb-ack; a handler that sets
# sync_stop (it destroyed the guest) ends the rendezvous.
guest_sync() {
    local name=$1 handler=$3 sync_dir sync_val sync_last='' sync_end
    sync_dir=/local/domain/$(guest_domid "$name")/data
    sync_end=$(( $(date +%s) + $2 ))
    while [ "$(date +%s)" -lt "$sync_end" ]; do
        sync_val=$(xenstore-read "$sync_dir"/qnb-sync 2>/dev/null)
        if [ -z "$sync_val" ] || [ "$sync_val" = "$sync_last" ]; then
            guest_console "$name" | grep -q "^qnb-run: exit" && break
            sleep 0.1
            continue
        fi
        # shellcheck disable=SC2086
        "$handler" $sync_val
        # A handler that destroyed the guest says so: nothing to answer.
        [ -z "${sync_stop:-}" ] || break
        xenstore-write "$sync_dir"/qnb-ack "$sync_val"
        sync_last=$sync_val
    done
}

# bridge_setup: xenbr0 with 10.0.1.1/24 for the kernel netback's vifs,
# and /etc/xen/scripts/qnetback-ifup, the tap script (QEMU's -netdev
# tap,script=) that puts a qnetback vif's tap on the same bridge.
bridge_setup() {
    ip link add xenbr0 type bridge 2>/dev/null
    # A MAC of its own, as a bridge with a physical port has: without one
    # it takes its ports' fe:ff:ff:ff:ff:ff, which a driver domain's bridge
    # (whose vifs have that MAC too) drops as its own.
    ip link set xenbr0 address 02:00:0a:00:01:01
    ip addr add 10.0.1.1/24 dev xenbr0 2>/dev/null
    ip link set xenbr0 up
    mkdir -p /etc/xen/scripts
    cat > /etc/xen/scripts/qnetback-ifup <<'EOF'
#!/bin/sh
# QEMU runs this with the tap's name when it creates the tap.  Like the
# kernel netback's vifs, the tap takes fe:ff:ff:ff:ff:ff, so the bridge
# never takes (and changes) its MAC address from a tap that comes and goes.
ip link set "$1" address fe:ff:ff:ff:ff:ff
ip link set "$1" master xenbr0
ip link set "$1" up
EOF
    chmod +x /etc/xen/scripts/qnetback-ifup
}

# tap_wait_up IFNAME [ADDR]: once QEMU created the tap, give dom0 its
# address ADDR, if any, and bring it up.
tap_wait_up() {
    wait_until 30 test -e /sys/class/net/"$1" || fail "tap $1 never appeared"
    [ -z "${2:-}" ] || ip addr add "$2" dev "$1"
    ip link set "$1" up
}

# Under make check-asan the QEMU is a sanitizer build: every report goes
# to its log (which the runner searches after each scenario), leaks are
# looked for at exit, and UBSan's reports carry their stacks.
if [ -f /testbed/sanitizers ]; then
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:quarantine_size_mb=16:print_summary=1
    export UBSAN_OPTIONS=print_stacktrace=1
fi

# qemu_start NAME ARGS...: our QEMU in the background, logging to
# $QNB_OUT/qemu-NAME.log, QMP on /run/qemu-NAME.qmp.
qemu_start() {
    local name=$1 pattern dir=/run as= f
    shift
    # QNB_QEMU_AS=USER starts QEMU as USER: its sockets and pidfile go in
    # a directory of USER's, linked from where the helpers look for them.
    if [ -n "${QNB_QEMU_AS:-}" ]; then
        dir=/run/qnb-$QNB_QEMU_AS
        mkdir -p "$dir" && chown "$QNB_QEMU_AS" "$dir" || fail "cannot make $dir"
        for f in qmp stat.qmp pid; do
            rm -f "$dir/qemu-$name.$f"
            ln -sf "$dir/qemu-$name.$f" /run/qemu-"$name".$f
        done
        as="setpriv --reuid=$QNB_QEMU_AS --regid=$(id -g "$QNB_QEMU_AS") --init-groups --"
    fi
    # A developer's knob: QNB_QEMU_TRACE="xen_bus_* xs_node_*" traces
    # every QEMU we start, with timestamps, into its log.
    if [ -n "${QNB_QEMU_TRACE:-}" ]; then
        set -f      # the patterns are QEMU's globs, not the shell's
        for pattern in $QNB_QEMU_TRACE; do
            set -- "$@" -trace "$pattern"
        done
        set +f
        set -- "$@" -msg timestamp=on
    fi
    log "qemu $name: $*"
    # Two QMP sockets: a QMP server takes one client at a time, and a
    # sampler (qnetback-stat -i) holds one for as long as it runs.
    # debug-threads names each thread ("IO io0"), for per-thread figures.
    $as $QEMU -nographic -display none -nodefaults \
        -name "$name",debug-threads=on \
        -qmp unix:"$dir"/qemu-"$name".qmp,server=on,wait=off \
        -qmp unix:"$dir"/qemu-"$name".stat.qmp,server=on,wait=off \
        -d guest_errors -pidfile "$dir"/qemu-"$name".pid "$@" \
        > "$QNB_OUT/qemu-$name.log" 2>&1 < /dev/null &
    wait_until 20 test -S /run/qemu-"$name".qmp ||
        { cat "$QNB_OUT/qemu-$name.log"; fail "qemu $name did not start"; }
}

qemu_alive() { kill -0 "$(cat /run/qemu-"$1".pid 2>/dev/null)" 2>/dev/null; }

# qemu_rss NAME: our QEMU's resident set size, in kB.
qemu_rss() { awk '/^VmRSS/ { print $2 }' /proc/"$(cat /run/qemu-"$1".pid)"/status; }

# stat_cpu_ms FILE [user|system]: the CPU time (user + system, or one of
# them) in a /proc stat FILE (a process's or a thread's), in ms; counted
# after the name, which may hold spaces ("IO io0").
stat_cpu_ms() {
    awk -v hz="$(getconf CLK_TCK)" -v which="${2:-}" '{
        sub(/^.*\) /, "")
        t = which == "user" ? $12 : which == "system" ? $13 : $12 + $13
        print int(t * 1000 / hz) }' "$1"
}

# qemu_cpu_ms NAME [user|system]: the CPU time our QEMU spent so far, in ms.
qemu_cpu_ms() { stat_cpu_ms /proc/"$(cat /run/qemu-"$1".pid)"/stat "${2:-}"; }

# vif_stat NAME VIF WHAT [DOMID]: one figure of vif VIF of QEMU NAME (of
# guest DOMID, where the QEMU serves several guests' vifs), from
# query-xen-netback: "tx.events" (a direction's counter, summed over the
# queues), "cause.rx_stall" (a cause's count, summed), or a member of the
# vif's reply such as "stalled-queues".  0 when the vif has no queues.
# WHAT may list several, space-separated: their figures come on one line,
# from one query (each query and its parsing take about a second of
# python3 on the bed).
vif_stat() {
    qmp "$1" '{"execute": "query-xen-netback"}' | python3 -c '
import json, sys
vif, whats = int(sys.argv[1]), sys.argv[2].split()
domid = int(sys.argv[3]) if len(sys.argv) > 3 else None
dev = [d for d in json.load(sys.stdin)["return"]
       if d["vif"] == vif and domid in (None, d["frontend-id"])]
if len(dev) != 1:
    sys.exit("%d devices with vif %d" % (len(dev), vif))
d = dev[0]
def figure(what):
    a, _, b = what.partition(".")
    if not b:
        return d.get(a, 0)
    if a == "cause":
        return sum(c["count"] for q in d["queues"] for c in q["causes"] if c["name"] == b)
    return sum(q[a][b] for q in d["queues"])
print(" ".join(str(figure(w)) for w in whats))' "$2" "$3" ${4:+"$4"}
}

# qmp NAME JSON-COMMAND: one QMP command over /run/qemu-NAME.qmp, through
# QEMU's own Python QMP library; prints the reply ({"return": ...}).
qmp() {
    PYTHONPATH=/usr/local/lib/qnetback/python timeout 30 python3 - "$1" "$2" <<'PY'
import json, sys
from qemu.qmp.legacy import QEMUMonitorProtocol
m = QEMUMonitorProtocol("/run/qemu-%s.qmp" % sys.argv[1])
m.connect()
print(json.dumps(m.cmd_obj(json.loads(sys.argv[2]))))
m.close()
PY
}

# hmp NAME COMMAND-LINE: one HMP command (through QMP's
# human-monitor-command); prints its output.
hmp() {
    qmp "$1" "{\"execute\": \"human-monitor-command\",
               \"arguments\": {\"command-line\": \"$2\"}}" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["return"])'
}

# ping_both DOM0_IP GUEST_IP: ping from dom0 and from the guest.
ping_both() {
    ping -c 3 -i 0.2 -W 5 "$2" || fail "dom0 cannot ping $2"
    gexec "$2" "ping -c 3 -i 0.2 -W 5 $1" || fail "guest $2 cannot ping $1"
}

# phase_mark LABEL: note in $QNB_OUT/phases.csv that the traffic LABEL
# names starts now ("-": the traffic stopped), on the clock qnetback-stat's
# samples use; its --plot shades and names each phase.
phase_mark() {
    echo "$(date +%s.%N),$1" >> "$QNB_OUT/phases.csv"
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
    # A sanitizer build looks for leaks as it exits: give it the time.
    if [ -f /testbed/sanitizers ]; then
        wait_until 30 sh -c '! pgrep -f qemu-system-i386 > /dev/null'
    fi
    pkill -9 -f qemu-system-i386 2>/dev/null
    rm -f /run/qemu-*.qmp
    for d in $(ls /sys/class/net); do
        case "$d" in qtap*|xenbr*) ip link del "$d" 2>/dev/null ;; esac
    done
    return 0
}

# backend_up KIND NAME N [OPTIONS]: a guest NAME whose one vif is served by
# KIND, on 10.0.N.0/24 (dom0 .1, guest .2).  KIND is
#   knb    Linux's kernel xen-netback, vif on bridge xenbr0 (N must be 1)
#   stock  QEMU's stock xen-net-device, our QEMU attached by hand
#   qnb    qnetback (xen-netback), our QEMU attached by hand; OPTIONS are
#          queues=Q (tap queues, netfront max_queues), iothreads=I,
#          grant-mode=copy|map (copy, the device's default),
#          static-grants=N (the device's static-grants),
#          poll-max-ns=NS (the IOThreads' adaptive polling bound; 0: none),
#          confined=USER (QEMU confined as docs/deployment.md says: -sandbox
#          and -run-with user=USER, USER given the two device nodes a
#          connect opens), started-as=USER (QEMU started as USER under
#          the whole -sandbox, elevateprivileges=deny too: USER owns the
#          tap and may use /dev/xen and xenstored's socket; the caller
#          deletes the tap after backend_down)
# GUEST_EXTRA adds to the guest's command line (GUEST_RAMDISK, as ever,
# picks its ramdisk).  Prints nothing; the guest is ready when it returns.
# system_user NAME: a system user NAME (and its group), made if missing.
system_user() {
    id "$1" > /dev/null 2>&1 ||
        useradd --system --no-create-home --shell /usr/sbin/nologin "$1" ||
        fail "cannot add user $1"
}

backend_up() {
    local kind=$1 name=$2 n=$3 opts=${4:-}
    local mac ip tap queues=1 iothreads=0 mode=copy statics= o i objs dev pollmax=
    local user= confine= as_user= dev_node
    mac=$(printf '00:16:3e:00:%02x:02' "$n")
    ip=10.0.$n.2
    tap=qtap$n
    for o in $(echo "$opts" | tr ',' ' '); do
        case "$o" in
        queues=*) queues=${o#queues=} ;;
        iothreads=*) iothreads=${o#iothreads=} ;;
        grant-mode=*) mode=${o#grant-mode=} ;;
        static-grants=*) statics=${o#static-grants=} ;;
        poll-max-ns=*) pollmax=${o#poll-max-ns=} ;;
        confined=*) user=${o#confined=} ;;
        started-as=*) as_user=${o#started-as=} ;;
        esac
    done
    if [ -n "$as_user" ]; then
        system_user "$as_user"
        # Started as the user, as libvirt starts it: the whole seccomp
        # filter (elevateprivileges=deny too: nothing is dropped later).
        # The user owns the tap, made persistent for it, and may use the
        # tun, Xen device nodes and xenstored's socket QEMU opens at start.
        for dev_node in /dev/net/tun /dev/xen/privcmd /dev/xen/hypercall /dev/xen/evtchn \
                        /dev/xen/gntdev /dev/xen/xenbus /run/xenstored/socket; do
            [ -e "$dev_node" ] || continue
            chgrp "$as_user" "$dev_node" && chmod g+rw "$dev_node" ||
                fail "cannot give $as_user $dev_node"
        done
        ip tuntap add dev "$tap" mode tap user "$as_user" vnet_hdr \
            $([ "$queues" -gt 1 ] && echo multi_queue) ||
            fail "cannot make tap $tap for $as_user"
        confine="-sandbox on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny"
    fi
    if [ -n "$user" ]; then
        system_user "$user"
        # Each queue opens an event channel and a grant handle when the
        # frontend connects, after QEMU dropped to USER.
        chgrp "$user" /dev/xen/evtchn /dev/xen/gntdev &&
            chmod g+rw /dev/xen/evtchn /dev/xen/gntdev ||
            fail "cannot give $user the Xen device nodes"
        confine="-sandbox on,obsolete=deny,spawn=deny,resourcecontrol=deny -run-with user=$user"
    fi
    case "$kind" in
    knb)
        bridge_setup
        guest_config "$name" "qnb.ip=$ip/24 ${GUEST_EXTRA:-}" "vif = [ \"bridge=xenbr0,mac=$mac\" ]"
        guest_create "$name"
        ;;
    stock)
        guest_config "$name" "qnb.ip=$ip/24 ${GUEST_EXTRA:-}"
        guest_create "$name" -p
        qemu_start "$name" -xen-domid "$(guest_domid "$name")" -xen-attach \
            -machine xenpv -netdev tap,id=n0,ifname=$tap,script=no,downscript=no \
            -device xen-net-device,netdev=n0,mac=$mac
        tap_wait_up $tap 10.0.$n.1/24
        xl unpause "$name"
        ;;
    qnb)
        guest_config "$name" "qnb.ip=$ip/24 qnb.queues=$queues ${GUEST_EXTRA:-}"
        guest_create "$name" -p
        objs=
        dev="{\"driver\":\"xen-netback\",\"netdev\":\"n0\",\"mac\":\"$mac\",\"grant-mode\":\"$mode\""
        [ -n "$statics" ] && dev="$dev,\"static-grants\":$statics"
        if [ "$iothreads" -gt 0 ]; then
            dev="$dev,\"iothreads\":["
            for i in $(seq 0 $((iothreads - 1))); do
                objs="$objs -object iothread,id=io$i${pollmax:+,poll-max-ns=$pollmax}"
                [ $i -gt 0 ] && dev="$dev,"
                dev="$dev\"io$i\""
            done
            dev="$dev]"
        fi
        dev="$dev}"
        # shellcheck disable=SC2086
        QNB_QEMU_AS=$as_user qemu_start "$name" -xen-domid "$(guest_domid "$name")" -xen-attach \
            -machine xenpv $objs $confine \
            -netdev tap,id=n0,ifname=$tap,script=no,downscript=no,queues=$queues,vhost=off \
            -device "$dev"
        tap_wait_up $tap 10.0.$n.1/24
        xl unpause "$name"
        ;;
    *) fail "backend_up: unknown backend $kind" ;;
    esac
    guest_wait_ready "$name"
}

# backend_down NAME: destroy the guest and stop its QEMU, if any.
backend_down() {
    xl destroy "$1" 2>/dev/null
    if [ -f /run/qemu-"$1".pid ]; then
        kill "$(cat /run/qemu-"$1".pid)" 2>/dev/null
        wait_until 10 sh -c "! kill -0 $(cat /run/qemu-"$1".pid) 2>/dev/null"
        rm -f /run/qemu-"$1".pid /run/qemu-"$1".qmp /run/qemu-"$1".stat.qmp
    fi
}

# guest_file_size_is IP FILE BYTES
guest_file_size_is() {
    [ "$(gexec "$1" "wc -c < $2" | tr -d ' ')" = "$3" ]
}

# payload_check DOM0_IP GUEST_IP MB: send MB MiB of random bytes each way
# over TCP and compare checksums end to end (the data, not only counts).
payload_check() {
    local dom0=$1 guest=$2 mb=$3 sum gsum out
    head -c "${mb}M" /dev/urandom > /run/payload
    sum=$(md5sum < /run/payload | cut -d' ' -f1)
    gexec "$guest" "nc -l -p 7001 > /tmp/payload 2>/dev/null < /dev/null &" ||
        fail "cannot start the guest's receiver"
    # Connect until the guest's nc listens (a busy guest takes a while).
    python3 - "$guest" /run/payload <<'PY' || fail "sending the payload to $guest"
import socket, sys, time
for i in range(100):
    try:
        s = socket.create_connection((sys.argv[1], 7001), timeout=60)
        break
    except ConnectionRefusedError:
        time.sleep(0.2)
else:
    sys.exit("the guest never listened on port 7001")
s.sendall(open(sys.argv[2], "rb").read())
s.shutdown(socket.SHUT_WR)
s.recv(1)
PY
    wait_until 30 guest_file_size_is "$guest" /tmp/payload $((mb * 1048576)) ||
        fail "the guest got $(gexec "$guest" 'wc -c < /tmp/payload') bytes, not $((mb * 1048576))"
    gsum=$(gexec "$guest" "md5sum < /tmp/payload" | cut -d' ' -f1)
    [ "$sum" = "$gsum" ] || fail "dom0 -> guest payload corrupted: $sum != $gsum"
    log "dom0 -> guest: $mb MiB, md5 $sum matches"

    out=$(gexec "$guest" "dd if=/dev/urandom of=/tmp/out bs=1048576 count=$mb 2>/dev/null; md5sum < /tmp/out") ||
        fail "cannot make the guest's payload"
    gsum=$(echo "$out" | cut -d' ' -f1)
    python3 - "$dom0" $((mb * 1048576)) > /run/payload.in <<'PY' &
import socket, sys
l = socket.socket()
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind((sys.argv[1], 7002)); l.listen(1); l.settimeout(60)
c, _ = l.accept(); c.settimeout(60)
left = int(sys.argv[2])
while left > 0:
    b = c.recv(min(left, 1 << 20))
    if not b:
        break
    sys.stdout.buffer.write(b); left -= len(b)
c.close()
PY
    local srv=$!
    # The guest's nc connects once: only after dom0 listens (python3 can
    # take over a second to start when dom0 is busy).
    wait_until 20 sh -c "ss -ltn | grep -q '$dom0:7002 '" ||
        fail "dom0's receiver does not listen on $dom0:7002"
    gexec "$guest" "nc $dom0 7002 < /tmp/out > /dev/null 2>&1 & sleep 0; true"
    wait $srv || fail "receiving the guest's payload"
    sum=$(md5sum < /run/payload.in | cut -d' ' -f1)
    [ "$sum" = "$gsum" ] || fail "guest -> dom0 payload corrupted: $gsum != $sum"
    log "guest -> dom0: $mb MiB, md5 $sum matches"
}

# udp_listen ADDR PORT LOG: a UDP listener on ADDR:PORT in the background
# ($! is its pid); for each datagram it writes to LOG a line with the
# payload's first line (trailing dots cut) and the datagram's length.
udp_listen() {
    python3 -u /testbed/udp.py listen "$1" "$2" > "$3" 2>&1 &
}

# udp_send DST PORT COUNT SIZE PAUSE TEXT: COUNT datagrams of SIZE bytes
# from dom0 to DST:PORT, PAUSE seconds apart, each starting with "TEXT ".
udp_send() {
    python3 /testbed/udp.py send "$@"
}

# no_grant_leak NAME: the guest's netfront never saw a grant still mapped.
no_grant_leak() {
    if guest_console "$1" | grep -i "still in use by backend"; then
        fail "guest $1: a grant outlived its response"
    fi
}

# qemu_gntdev_maps NAME: how many grant mappings our QEMU holds now.
qemu_gntdev_maps() {
    grep -c /dev/xen/gntdev /proc/"$(cat /run/qemu-"$1".pid)"/maps
}

# domain_left DOMID: what dom0 still has of domain DOMID once it is dead,
# a line each: a QEMU serving it (-xen-domid DOMID, our device model or
# an attached one), its xenstore nodes (its own, our backend's, the kernel
# netback's, its device model's, libxl's).  Nothing: all gone.
domain_left() {
    local d=$1 p
    for p in /local/domain/$d /local/domain/0/backend/qnetback/$d \
             /local/domain/0/backend/vif/$d /local/domain/0/device-model/$d \
             /libxl/$d; do
        xenstore-exists "$p" 2>/dev/null && echo "xenstore $p"
    done
    pgrep -af -- "-xen-domid $d " | grep qemu-system | sed 's/^/QEMU /'
    return 0
}

nothing_left() { [ -z "$(domain_left "$1")" ]; }

# wait_nothing_left DOMID [SECONDS]: fail unless nothing of DOMID is left.
wait_nothing_left() {
    wait_until "${2:-30}" nothing_left "$1" || fail "left of domain $1: $(domain_left "$1")"
}

# guest_crash IP: panic the guest's kernel (sysrq c) through its agent;
# the agent never answers, so do not wait for it.
guest_crash() {
    echo "echo c > /proc/sysrq-trigger" | timeout 5 busybox nc "$1" 7000 > /dev/null 2>&1
    return 0
}
