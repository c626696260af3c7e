#!/usr/bin/env bash
# Build the Xen test bed's images from Debian's packages, once, into the
# cache (keyed by their inputs, so a second run takes a second):
#
#   xen.elf          Xen 4.17 (bookworm-security), gunzipped: a multiboot ELF
#   vmlinuz          the bookworm kernel, for dom0 (a multiboot module)
#   vmlinux.gz       the same kernel uncompressed then gzipped, for PV domUs
#                    (libxc inflates gzip far faster than XZ under TCG)
#   dom0.cpio.gz     a debootstrap'd bookworm root with xen-utils, iproute2,
#                    iperf3 and the libraries our QEMU needs, plus the kernel
#                    modules dom0 loads; scripts/testbed-run.sh appends a small
#                    cpio with our QEMU and the scenarios to it at each run
#   domu.cpio.gz     a busybox guest: netfront, iperf3 and a command agent
#   dd.cpio.gz       a network driver domain: dom0's root without what only
#                    dom0 uses (and without the kernel netback), its own
#                    init; testbed-run.sh appends our QEMU when a scenario
#                    needs it
#
# The archive address comes from this machine's apt sources.
set -euo pipefail
export PATH=$PATH:/usr/sbin:/sbin

here=$(cd "$(dirname "$0")" && pwd)
cache=${QNETBACK_CACHE:-/var/cache/qnetback}/testbed
log() { printf 'testbed: %s\n' "$*"; }

# Modules dom0 and the guests load; their dependencies are added from
# modules.dep.
DOM0_MODULES="xenfs xen-evtchn xen-gntdev xen-gntalloc xen-privcmd
              xen-netback tun bridge veth virtio_pci virtio_blk"
DOMU_MODULES="xen-netfront xenfs xen-evtchn xen-gntalloc"
DD_MODULES="xenfs xen-evtchn xen-gntdev xen-gntalloc xen-privcmd tun bridge
            xen-netfront"
DOM0_PACKAGES="xen-utils-4.17,xenstore-utils,iproute2,kmod,busybox-static,
iputils-ping,iperf3,procps,ethtool,tcpdump,socat,python3,linux-perf,
libglib2.0-0,libpixman-1-0,libfdt1,zlib1g,libpcre2-8-0"
DOM0_PACKAGES=$(echo "$DOM0_PACKAGES" | tr -d ' \n')

mkdir -p "$cache/debs"

# 1. Which kernel and hypervisor the archive has now; their .debs, once.
kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
       awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
[ -n "$kpkg" ] || { echo "testbed: cannot resolve linux-image-amd64" >&2; exit 1; }
kver=${kpkg#linux-image-}
xpkg=xen-hypervisor-4.17-amd64
xver=$(apt-cache policy "$xpkg" | awk '/Candidate:/ { print $2 }')
[ -n "$xver" ] && [ "$xver" != "(none)" ] ||
    { echo "testbed: $xpkg not in the archive" >&2; exit 1; }

fetch_deb() {
    local pkg=$1 ver=$2
    local deb
    deb=$(ls "$cache/debs/${pkg}_"*.deb 2>/dev/null | grep -F "_${ver//:/%3a}_" || true)
    if [ -z "$deb" ]; then
        log "downloading $pkg $ver" >&2
        (cd "$cache/debs" &&
         apt-get download -q -o APT::Sandbox::User=root "$pkg=$ver" > /dev/null)
        deb=$(ls "$cache/debs/${pkg}_"*.deb | grep -F "_${ver//:/%3a}_")
    fi
    echo "$deb"
}

kdeb=$(fetch_deb "$kpkg" "$(apt-cache policy "$kpkg" | awk '/Candidate:/ { print $2 }')")
xdeb=$(fetch_deb "$xpkg" "$xver")

key=$( (cat "$0" "$here"/dom0-init "$here"/domu-init "$here"/domu-agent \
            "$here"/driver-init;
        echo "$kdeb $xdeb") | sha256sum | cut -c1-16)
out=$cache/images-$key
if [ -f "$out/.done" ]; then
    ln -sfn "$out" "$cache/current"
    log "images up to date: $out"
    exit 0
fi

work=$(mktemp -d "$cache/work.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/out"

# 2. Hypervisor and kernel.
log "unpacking $xpkg and $kpkg"
dpkg-deb -x "$xdeb" "$work/xen"
gunzip -c "$work"/xen/boot/xen-4.17-amd64.gz > "$work/out/xen.elf"
dpkg-deb -x "$kdeb" "$work/kernel"
cp "$work/kernel/boot/vmlinuz-$kver" "$work/out/vmlinuz"
python3 "$here/extract-vmlinux.py" "$work/out/vmlinuz" "$work/vmlinux"
gzip -1 -c "$work/vmlinux" > "$work/out/vmlinux.gz"
moddir=$work/kernel/lib/modules/$kver
depmod -b "$work/kernel" "$kver"   # the package leaves this to its postinst

# Copy the closure of a list of modules (names with - or _) into a root.
install_modules() {
    local root=$1; shift
    local wanted=() m path
    for m in "$@"; do
        path=$(awk -F: -v m="$m" '
            { n = $1; sub(/.*\//, "", n); sub(/\.ko(\.[a-z]+)?$/, "", n);
              gsub(/-/, "_", n); w = m; gsub(/-/, "_", w);
              if (n == w) { print $0; exit } }' "$moddir/modules.dep")
        [ -n "$path" ] || { echo "testbed: no module $m in $kver" >&2; exit 1; }
        wanted+=($(echo "$path" | tr -d ':'))
    done
    mkdir -p "$root/lib/modules/$kver"
    for m in $(printf '%s\n' "${wanted[@]}" | sort -u); do
        mkdir -p "$root/lib/modules/$kver/$(dirname "$m")"
        cp "$moddir/$m" "$root/lib/modules/$kver/$m"
    done
    cp "$moddir"/modules.{order,builtin,builtin.modinfo} "$root/lib/modules/$kver/"
    depmod -b "$root" "$kver"
}

# 3. dom0: a minimal bookworm with the security updates (xen-utils must
#    match the hypervisor), our init and the modules.
root=$work/dom0
rootkey=$(echo "$DOM0_PACKAGES $(cat /etc/apt/sources.list.d/debian.sources 2>/dev/null)" |
          sha256sum | cut -c1-16)
roottar=$cache/dom0-root-$rootkey.tar
if [ ! -f "$roottar" ]; then
    log "debootstrap dom0 (about two minutes)"
    uri=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources \
          2>/dev/null || true)
    [ -n "$uri" ] || uri=$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list)
    debootstrap --variant=minbase --include="$DOM0_PACKAGES" bookworm "$root" "$uri" \
        > "$work/debootstrap.log" 2>&1 || { tail -n 30 "$work/debootstrap.log"; exit 1; }
    # The same sources as this machine (bookworm, -updates, -security).
    rm -f "$root"/etc/apt/sources.list
    cp /etc/apt/sources.list.d/debian.sources "$root/etc/apt/sources.list.d/"
    mount --bind /proc "$root/proc"
    trap 'umount "$root/proc" 2>/dev/null || true; rm -rf "$work"' EXIT
    chroot "$root" apt-get update -q > "$work/upgrade.log" 2>&1 &&
    DEBIAN_FRONTEND=noninteractive chroot "$root" apt-get -y -q upgrade \
        >> "$work/upgrade.log" 2>&1 || { tail -n 30 "$work/upgrade.log"; exit 1; }
    umount "$root/proc"
    chroot "$root" apt-get clean
    rm -rf "$root"/var/lib/apt/lists/* "$root"/usr/share/doc "$root"/usr/share/man \
           "$root"/usr/share/locale "$root"/var/cache/debconf/*-old
    tar cf "$roottar.tmp" -C "$root" . && mv "$roottar.tmp" "$roottar"
    ls -1t "$cache"/dom0-root-*.tar | tail -n +3 | xargs -r rm -f
else
    log "dom0 root from $roottar"
    mkdir -p "$root"
    tar xf "$roottar" -C "$root"
fi
install_modules "$root" $DOM0_MODULES
install -m 755 "$here/dom0-init" "$root/init"
xen_hv=$(chroot "$root" dpkg-query -W -f '${Version}' xen-utils-4.17)
[ "$xen_hv" = "$xver" ] ||
    { echo "testbed: dom0 xen-utils $xen_hv != hypervisor $xver" >&2; exit 1; }

# 4. domU: busybox, netfront, iperf3 and ethtool (with the libraries they
#    link in dom0's root) and the agent that runs the scenarios' commands.
log "assembling the guest image"
g=$work/domu
mkdir -p "$g"/{bin,sbin,dev,proc,sys,tmp,run,etc,root,lib64,usr/bin}
cp "$root/bin/busybox" "$g/bin/busybox"
for applet in $(chroot "$root" /bin/busybox --list); do
    [ -e "$g/bin/$applet" ] || ln -s busybox "$g/bin/$applet"
done
# The kernel runs /sbin/poweroff when xl shutdown asks (it signals init).
for applet in poweroff reboot halt; do
    ln -s ../bin/busybox "$g/sbin/$applet"
done
# iperf3 and ethtool (for netfront's counters, ethtool -S), with the
# libraries they link.
mkdir -p "$g/usr/sbin"
for prog in /usr/bin/iperf3 /usr/sbin/ethtool; do
    cp "$root/$prog" "$g/$prog"
    for lib in $(chroot "$root" ldd "$prog" | awk '/=>/ { print $3 } /^\t\/lib64/ { print $1 }'); do
        mkdir -p "$g/$(dirname "$lib")"
        cp -L "$root/$lib" "$g/$lib"
    done
done
install -m 755 "$here/domu-init" "$g/init"
install -m 755 "$here/domu-agent" "$g/bin/agent"
install_modules "$g" $DOMU_MODULES

(cd "$g" && find . | cpio -o -H newc --quiet | gzip -1) > "$work/out/domu.cpio.gz"
cp "$work/out/domu.cpio.gz" "$root/domu.cpio.gz"
cp "$work/out/vmlinux.gz" "$root/vmlinux.gz"

# 5. The network driver domain: dom0's root (xl, the hotplug scripts, the
#    libraries our QEMU links), less what only dom0 or the scenarios use,
#    with its own modules (no xen-netback) and init.
log "assembling the driver domain image"
dd=$work/dd
mkdir -p "$dd"
tar cf - -C "$root" --exclude=./init --exclude=./domu.cpio.gz \
    --exclude=./vmlinux.gz --exclude=./usr/lib/modules \
    --exclude='./usr/lib/python3*' --exclude='./usr/bin/python3*' \
    --exclude='./usr/lib/x86_64-linux-gnu/libpython3*' \
    --exclude='./usr/bin/perf*' --exclude=./usr/lib/perf-core \
    --exclude=./usr/lib/traceevent --exclude=./usr/lib/udev \
    --exclude=./usr/bin/tcpdump --exclude=./usr/share/perl \
    --exclude=./usr/lib/x86_64-linux-gnu/perl \
    --exclude=./usr/lib/x86_64-linux-gnu/gconv --exclude=./usr/lib/apt \
    --exclude=./usr/share/zoneinfo . | tar xf - -C "$dd"
install_modules "$dd" $DD_MODULES
install -m 755 "$here/driver-init" "$dd/init"
install -D -m 755 "$here/domu-agent" "$dd/usr/local/sbin/qnb-agent"
(cd "$dd" && find . | cpio -o -H newc --quiet | gzip -1) > "$work/out/dd.cpio.gz"

log "packing dom0 root"
(cd "$root" && find . -xdev | cpio -o -H newc --quiet | gzip -1) > "$work/out/dom0.cpio.gz"
echo "$kpkg $xpkg $xver" > "$work/out/versions"

rm -rf "$out"
mv "$work/out" "$out"
touch "$out/.done"
ln -sfn "$out" "$cache/current"
# Keep only the newest few image sets.
ls -1dt "$cache"/images-* | tail -n +4 | xargs -r rm -rf
log "images ready: $out ($(du -sh "$out" | cut -f1))"
