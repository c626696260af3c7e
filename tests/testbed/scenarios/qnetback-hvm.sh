# An HVM guest whose device model, spawned by xl, is our QEMU: the guest's
# netfront finds the vif through the Xen platform PCI device and passes
# traffic through qnetback.  Measured: xl create to the first ping
# answered.  Then xl destroy leaves no QEMU, tap or xenstore node.
# (The bed's CPU has nested paging, -cpu qemu64,+svm,+npt: without it Xen
# has neither HAP nor shadow paging for HVM guests.)
. /testbed/lib.sh
xl info | grep -q '^virt_caps.*hvm' || fail "this Xen cannot run HVM guests: $(xl info | grep virt_caps)"

bridge_setup
SERIAL=/var/log/xen/console/guest-hvm-serial.log

# The network tells when the guest is up.  The serial console goes to a
# file the runner keeps with the results: once, the guest triple-faulted
# mid-run and its own messages were lost in a pty nobody read.  (A real
# HVM guest boots from its disk; the bed's boots the guests' kernel
# directly.)
cat > /etc/xen/hvm.cfg <<'EOF'
name = "hvm"
type = "hvm"
kernel = "/vmlinuz"
ramdisk = "/domu.cpio.gz"
extra = "console=ttyS0 qnb.ip=10.0.1.20/24"
memory = 256
vga = "none"
nographic = 1
serial = "file:/var/log/xen/console/guest-hvm-serial.log"
device_model_override = "/usr/local/bin/qemu-system-i386"
device_model_args_hvm = [
    "-netdev", "tap,id=n0,ifname=qnb-hvm,script=/etc/xen/scripts/qnetback-ifup,downscript=no,vhost=off",
    "-device", "xen-netback,netdev=n0,mac=00:16:3e:00:01:20" ]
EOF
# dm_is_ours DOMID: the domain's device model is our QEMU.
dm_is_ours() { pgrep -af -- "-xen-domid $1 " | grep -q "$QEMU"; }
# hvm_state: what xl and its device model say, for a failure.
hvm_state() {
    xl list
    tail -n 20 /var/log/xen/qemu-dm-hvm.log
    tail -n 10 /var/log/xen/xl-hvm.log
}
# xl's serial file starts afresh when xl restarts the guest: keep all boots.
tail -n +1 -F "$SERIAL" > "$QNB_OUT/guest-hvm-serial-all.log" 2> /dev/null &
tailer=$!
trap 'kill $tailer 2> /dev/null' EXIT
t0=$(date +%s)
log "xl create /etc/xen/hvm.cfg"
xl create /etc/xen/hvm.cfg > "$QNB_OUT/xl-create-hvm.log" 2>&1 ||
    { cat "$QNB_OUT/xl-create-hvm.log"; fail "xl create hvm"; }
d=$(guest_domid hvm)
dm_is_ours "$d" || fail "xl did not start our QEMU"
wait_until 300 ping -c 1 -W 1 10.0.1.20 || {
    hvm_state
    fail "the HVM guest never answered (300 s)"
}
t1=$(date +%s)
log "HVM guest: xl create to first ping $((t1 - t0)) s;" \
    "$(cat "$SERIAL" 2>/dev/null | grep -c .) lines on its serial console"
echo $((t1 - t0)) > "$QNB_OUT/hvm-boot.s"
# Under nested emulation the guest has once rebooted before its first ping
# (in CI: the ping answered, the first domain's nodes were gone).  xl, as
# on_reboot's default says, then builds a new domain with a new device
# model; serve that one, and say why xl restarted it.
d2=$(guest_domid hvm) || fail "no domain hvm after its first ping"
if [ "$d2" != "$d" ]; then
    log "xl restarted the guest before its first ping: domain $d is now $d2" \
        "(xl-hvm.log: $(grep -o "reason code [0-9]*" /var/log/xen/xl-hvm.log | head -n 1);" \
        "1 is a reboot)"
    wait_nothing_left "$d"
    dm_is_ours "$d2" || fail "xl did not start our QEMU for domain $d2"
    d=$d2
fi
be=$(xenstore-read /local/domain/"$d"/device/vif/1/backend) || {
    hvm_state
    xenstore-ls -f /local/domain/"$d"/device 2>&1 | head -n 20
    fail "the guest has no vif 1"
}
case "$be" in */backend/qnetback/*) ;; *) fail "vif 1 is served by $be, not qnetback" ;; esac
ping_both 10.0.1.1 10.0.1.20
iperf_both 10.0.1.20 2
log "HVM guest's vif 1 served by $be"

xl destroy hvm
wait_nothing_left "$d"
wait_until 10 sh -c "! test -e /sys/class/net/qnb-hvm" || fail "tap left"
log "xl destroy: no QEMU, tap or xenstore node left"
