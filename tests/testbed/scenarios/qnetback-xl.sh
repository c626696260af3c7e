# Choosing the backend per guest with xl alone, two guests on one bridge
# at once: one on Linux's kernel netback (an ordinary vif line), one whose
# device model libxl spawns, our QEMU, serving its vif (a qdisk disk makes
# libxl start a device model for a PV guest; device_model_args_pv adds the
# tap and xen-netback).  Traffic to dom0 and between the two guests, then
# xl destroy leaves nothing of the second.
. /testbed/lib.sh
bridge_setup
truncate -s 16M /run/qnbxl-disk.img

cat > /etc/xen/knb.cfg <<'EOF'
name = "knb"
type = "pv"
kernel = "/vmlinux.gz"
ramdisk = "/domu.cpio.gz"
extra = "console=hvc0 qnb.ip=10.0.1.2/24"
memory = 256
vif = [ "mac=00:16:3e:00:01:02,bridge=xenbr0" ]
EOF

cat > /etc/xen/qnbxl.cfg <<'EOF'
name = "qnbxl"
type = "pv"
kernel = "/vmlinux.gz"
ramdisk = "/domu.cpio.gz"
extra = "console=hvc0 qnb.ip=10.0.1.3/24"
memory = 256
disk = [ "format=raw,vdev=xvda,access=rw,backendtype=qdisk,target=/run/qnbxl-disk.img" ]
device_model_override = "/usr/local/bin/qemu-system-i386"
device_model_args_pv = [
    "-object", "iothread,id=io0",
    "-netdev", "tap,id=n0,ifname=qnb-qnbxl,script=/etc/xen/scripts/qnetback-ifup,downscript=no,vhost=off",
    "-device", "xen-netback,netdev=n0,mac=00:16:3e:00:01:03,iothread=io0" ]
EOF

for g in knb qnbxl; do
    rm -f /var/log/xen/console/guest-$g.log
    log "xl create /etc/xen/$g.cfg"
    xl create /etc/xen/$g.cfg > "$QNB_OUT/xl-create-$g.log" 2>&1 ||
        { cat "$QNB_OUT/xl-create-$g.log"; fail "xl create $g"; }
done
d=$(guest_domid qnbxl)
pgrep -af qemu-system-i386 | grep -q -- "-xen-domid $d " || fail "libxl did not start our QEMU"
guest_wait_ready knb
guest_wait_ready qnbxl

be=$(xenstore-read /local/domain/"$(guest_domid knb)"/device/vif/0/backend)
case "$be" in */backend/vif/*) ;; *) fail "knb's vif 0 is served by $be" ;; esac
be=$(xenstore-read /local/domain/"$d"/device/vif/1/backend)
case "$be" in */backend/qnetback/*) ;; *) fail "qnbxl's vif 1 is served by $be, not qnetback" ;; esac
[ "$(cat /sys/class/net/qnb-qnbxl/master/ifindex)" = "$(cat /sys/class/net/xenbr0/ifindex)" ] ||
    fail "qnbxl's tap is not on xenbr0"
log "knb on the kernel netback, qnbxl on qnetback ($be), both on xenbr0"

ping_both 10.0.1.1 10.0.1.2
ping_both 10.0.1.1 10.0.1.3
gexec 10.0.1.3 "ping -c 3 -i 0.2 -W 5 10.0.1.2" || fail "qnbxl cannot reach knb"
iperf 10.0.1.2 5 > /run/knb.mbps & p1=$!
iperf 10.0.1.3 5 > /run/qnbxl.mbps & p2=$!
wait $p1 || fail "iperf3 to knb"
wait $p2 || fail "iperf3 to qnbxl"
log "at once: kernel netback $(cat /run/knb.mbps) Mbit/s, qnetback $(cat /run/qnbxl.mbps) Mbit/s"
gexec 10.0.1.3 "iperf3 -c 10.0.1.2 -t 3 -J > /tmp/g2g.json" || fail "iperf3 qnbxl -> knb"
g2g=$(gexec 10.0.1.3 "cat /tmp/g2g.json" | python3 -c '
import json, sys
print("%.1f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e6))') ||
    fail "no iperf3 result from qnbxl"
log "guest to guest, qnetback to kernel netback: $g2g Mbit/s"

xl destroy qnbxl
wait_nothing_left "$d"
wait_until 10 sh -c "! test -e /sys/class/net/qnb-qnbxl" || fail "qnbxl's tap left"
ping -c 2 -i 0.2 -W 5 10.0.1.2 > /dev/null || fail "knb stopped answering"
log "qnbxl destroyed: no QEMU, tap or node left; knb still served"
