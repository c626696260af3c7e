#!/bin/bash
# Install qnetback (make install): our QEMU with the xen-netback device as
# PREFIX/bin/qemu-system-i386, beside the system's own (Debian's is in
# /usr/bin and is never replaced), qnetback-stat and the QEMU Python QMP
# library it speaks through, the data files the device models need, and
# the docs.  The test bed's dom0 gets its QEMU through this same script.
#
#   PREFIX   where to install (default /usr/local)
#   DESTDIR  a staging root prepended to every path (default none)
#   QNB_QEMU the QEMU binary to install (default build/qemu-system-i386;
#            make check-asan stages build/qemu-asan's for the test bed)
#
# SPDX-License-Identifier: GPL-2.0-or-later
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
prefix=${PREFIX:-/usr/local}
destdir=${DESTDIR:-}
root=$destdir$prefix
qemu=${QNB_QEMU:-$top/build/qemu-system-i386}

log() { printf 'install: %s\n' "$*"; }

case "$prefix" in
/*) ;;
*) log "PREFIX must be an absolute path, not '$prefix'" >&2; exit 1 ;;
esac
[ -x "$qemu" ] || { log "no $qemu: run make qemu first" >&2; exit 1; }

# A package's QEMU is the system's: never install over it.
if [ -z "$destdir" ] && [ -e "$prefix/bin/qemu-system-i386" ] &&
   dpkg -S "$prefix/bin/qemu-system-i386" > /dev/null 2>&1; then
    log "$prefix/bin/qemu-system-i386 belongs to $(dpkg -S "$prefix/bin/qemu-system-i386" |
        cut -d: -f1); choose another PREFIX (the default is /usr/local)" >&2
    exit 1
fi

install -d "$root/bin" "$root/share/qemu" "$root/lib/qnetback/python" \
    "$root/share/doc/qnetback"

# QEMU finds its data relative to its binary (PREFIX/share/qemu).
install -m 755 "$qemu" "$root/bin/qemu-system-i386"
strip --strip-debug "$root/bin/qemu-system-i386"
install -m 755 "$top/scripts/qnetback-stat" "$root/bin/qnetback-stat"

# Keymaps: libxl gives the device models it spawns -vnc.
cp -r "$top/subprojects/qemu/pc-bios/keymaps" "$root/share/qemu/"
# Option ROMs for an HVM guest's direct kernel boot: Debian's QEMU source
# has no prebuilt ROMs; Debian's qemu-system-data package has these.
for rom in linuxboot_dma.bin kvmvapic.bin; do
    if [ -f /usr/share/qemu/$rom ]; then
        install -m 644 /usr/share/qemu/$rom "$root/share/qemu/$rom"
    else
        log "no /usr/share/qemu/$rom (qemu-system-data): HVM direct kernel boot will not work"
    fi
done

# QEMU's own QMP library, for qnetback-stat (it looks in
# PREFIX/lib/qnetback/python beside its bin/).
rm -rf "$root/lib/qnetback/python/qemu"
cp -r "$top/subprojects/qemu/python/qemu" "$root/lib/qnetback/python/"
find "$root/lib/qnetback/python" -name __pycache__ -prune -exec rm -rf {} +

install -m 644 "$top/README.md" "$top"/docs/*.md "$root/share/doc/qnetback/"

log "installed in $root: bin/qemu-system-i386, bin/qnetback-stat, share/qemu," \
    "lib/qnetback/python, share/doc/qnetback"
