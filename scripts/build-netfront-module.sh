#!/usr/bin/env bash
# Build xen-netfront.ko with static grants (guest/xen-netfront/) for the
# test bed's guest kernel: the one Debian bookworm's linux-image-amd64
# depends on, resolved as tests/testbed/build-images.sh does.  The upstream
# xen-netfront.c comes from Debian's linux-source-6.1 of the same version as
# that kernel image; ours is guest/xen-netfront/static-grants.patch on top.
#
# Runs as root on Debian 12.  Idempotent: the module is cached in
#   ${QNETBACK_CACHE:-/var/cache/qnetback}/netfront/<key>/xen-netfront.ko
# keyed by the patch, the Kbuild files, this script and the kernel package's
# version, and a second run only prints that path.  Progress goes to stderr;
# the last line on stdout is the path of the .ko.
set -euo pipefail
export PATH=$PATH:/usr/sbin:/sbin

here=$(cd "$(dirname "$0")" && pwd)
self=$here/$(basename "$0")
src=$(dirname "$here")/guest/xen-netfront
cache=${QNETBACK_CACHE:-/var/cache/qnetback}/netfront
log() { printf 'netfront: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

for f in static-grants.patch Kbuild Makefile; do
    [ -f "$src/$f" ] || die "missing $src/$f"
done
mkdir -p "$cache"
exec 9> "$cache/.lock"
flock 9

updated=0
apt_update() {
    [ "$updated" = 0 ] || return 0
    log "apt-get update"
    apt-get update -q >&2
    updated=1
}

# The guest kernel (kpkg, kver), its package version and our cache entry.
plan() {
    kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
           awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
    [ -n "$kpkg" ] || return 1
    kver=${kpkg#linux-image-}
    pkgver=$(apt-cache policy "$kpkg" | awk '/Candidate:/ { print $2 }')
    [ -n "$pkgver" ] && [ "$pkgver" != "(none)" ] || return 1
    key=$( (cat "$src/static-grants.patch" "$src/Kbuild" "$src/Makefile" "$self"
            echo "$kpkg $pkgver") | sha256sum | cut -c1-16)
    out=$cache/$key
}

cached() {
    [ -f "$out/xen-netfront.ko" ] || return 1
    log "up to date for $kver ($pkgver)"
    echo "$out/xen-netfront.ko"
}

installed() {   # package [version]
    dpkg-query -W -f='${Status} ${Version}\n' "$1" 2>/dev/null |
        awk -v v="${2:-}" '$1 == "install" && $3 == "installed" &&
                           (v == "" || $4 == v) { f = 1 } END { exit !f }'
}

available() {   # package version: in the archive's lists?
    apt-cache madison "$1" 2>/dev/null |
        awk -F'|' -v v="$2" '{ gsub(/ /, "", $2) } $2 == v { f = 1 }
                             END { exit !f }'
}

missing_packages() {
    local p
    for p in linux-source-6.1 "linux-headers-$kver"; do
        installed "$p" "$pkgver" || echo "$p=$pkgver"
    done
    for p in make patch xz-utils kmod; do
        installed "$p" || echo "$p"
    done
}

# 1. What to build; with a warm cache, that is all.
if ! plan; then
    apt_update
    plan || die "cannot resolve linux-image-amd64: no bookworm entry in apt?"
fi
cached && exit 0

# 2. The kernel's source and headers, of the kernel image's version.
mapfile -t missing < <(missing_packages)
if [ ${#missing[@]} -gt 0 ]; then
    apt_update
    plan || die "cannot resolve linux-image-amd64 after apt-get update"
    cached && exit 0
    mapfile -t missing < <(missing_packages)
fi
if [ ${#missing[@]} -gt 0 ]; then
    for p in linux-source-6.1 "linux-headers-$kver"; do
        available "$p" "$pkgver" ||
            die "$p $pkgver (the version of $kpkg) is not in the archive," \
                "whose candidate is '$(apt-cache policy "$p" |
                                       awk '/Candidate:/ { print $2 }')'"
    done
    log "installing: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        --no-install-recommends --allow-downgrades "${missing[@]}" >&2
fi
for p in linux-source-6.1 "linux-headers-$kver"; do
    v=$(dpkg-query -W -f='${Version}' "$p" 2>/dev/null || true)
    [ "$v" = "$pkgver" ] ||
        die "$p is at version '$v', not $pkgver like $kpkg"
done
kdir=/usr/src/linux-headers-$kver
tarball=/usr/src/linux-source-6.1.tar.xz
[ -f "$kdir/Makefile" ] || die "no kernel headers in $kdir"
[ -f "$tarball" ] || die "no $tarball"

# 3. Upstream xen-netfront.c, patched.
work=$(mktemp -d "$cache/work.XXXXXX")
trap 'rm -rf "$work"' EXIT
log "extracting drivers/net/xen-netfront.c from $tarball"
tar -xJf "$tarball" -C "$work" --occurrence=1 \
    linux-source-6.1/drivers/net/xen-netfront.c ||
    die "no linux-source-6.1/drivers/net/xen-netfront.c in $tarball"
log "applying static-grants.patch"
(cd "$work/linux-source-6.1" &&
 patch -p1 --fuzz=0 --no-backup-if-mismatch < "$src/static-grants.patch") >&2 ||
    die "static-grants.patch does not apply to $pkgver's xen-netfront.c"
mkdir "$work/build"
cp "$work/linux-source-6.1/drivers/net/xen-netfront.c" \
   "$src/Kbuild" "$src/Makefile" "$work/build/"

# 4. Build against that kernel's headers (not necessarily the running one).
log "building against $kdir"
make -C "$work/build" KDIR="$kdir" modules >&2
ko=$work/build/xen-netfront.ko
vermagic=$(modinfo -F vermagic "$ko")
case "$vermagic" in
    "$kver "*) ;;
    *) die "vermagic '$vermagic' is not for $kver" ;;
esac
modinfo -F parm "$ko" | grep -q '^static_grants:' ||
    die "$ko has no static_grants parameter"

# 5. Into the cache, whole or not at all.
rm -rf "$out.new"
mkdir "$out.new"
cp "$ko" "$work/build/xen-netfront.c" "$out.new/"
printf 'kernel %s\npackage %s %s\nvermagic %s\n' \
    "$kver" "$kpkg" "$pkgver" "$vermagic" > "$out.new/BUILD-INFO"
rm -rf "$out"
mv "$out.new" "$out"
log "built $out/xen-netfront.ko"
echo "$out/xen-netfront.ko"
