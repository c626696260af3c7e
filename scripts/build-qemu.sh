#!/usr/bin/env bash
# Fetch Debian's QEMU 10.0.x source (cached), unpack it into
# subprojects/qemu/, add the qnetback overlay, configure and build
# qemu-system-i386 into build/qemu/ with ccache.  Every step is skipped when
# already done, so a second run with nothing changed takes seconds.
# QNB_QEMU_FLAVOUR=asan builds the same QEMU with AddressSanitizer and
# UndefinedBehaviorSanitizer into build/qemu-asan/ (make check-asan).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${QNETBACK_CACHE:-/var/cache/qnetback}
prefix=$(grep -v '^#' "$top/subprojects/qemu-version" | head -n1)
srcpkgs=$cache/qemu-src
srcdir=$top/subprojects/qemu
flavour=${QNB_QEMU_FLAVOUR:-}
case "$flavour" in
'') builddir=$top/build/qemu ;;
asan) builddir=$top/build/qemu-asan ;;
*) echo "build-qemu: unknown QNB_QEMU_FLAVOUR '$flavour' (asan)" >&2; exit 1 ;;
esac

log() { printf 'build-qemu: %s\n' "$*"; }

# 1. The source package, downloaded once per version into the cache.
dsc=$(ls -1 "$srcpkgs"/qemu_"$prefix"*.dsc 2>/dev/null | sort -V | tail -n1 || true)
if [ -z "$dsc" ]; then
    mkdir -p "$srcpkgs"
    log "downloading Debian's qemu source package"
    (cd "$srcpkgs" && apt-get source --download-only qemu)
    dsc=$(ls -1 "$srcpkgs"/qemu_"$prefix"*.dsc 2>/dev/null | sort -V | tail -n1 || true)
    [ -n "$dsc" ] || { echo "build-qemu: no qemu $prefix* source package" >&2; exit 1; }
fi
version=$(basename "$dsc" .dsc)

# 2. A pristine unpack (Debian's patches applied by dpkg-source), then the
# overlay; unpacked again when our patches to QEMU or the overlay change.
unpacked="$version $(cat "$top"/subprojects/qemu-patches/*.patch \
                         "$top"/subprojects/qemu-overlay.sh |
                     sha256sum | cut -c1-16)"
if [ "$(cat "$srcdir/.qnetback-unpacked" 2>/dev/null)" != "$unpacked" ]; then
    log "unpacking $version"
    rm -rf "$srcdir" "$top/build/qemu" "$top/build/qemu-asan"
    dpkg-source -x "$dsc" "$srcdir" > /dev/null
    # dpkg-source leaves a copy of the upstream tarball beside the tree.
    rm -f "$top"/subprojects/qemu_*.orig.tar.*
    echo "$unpacked" > "$srcdir/.qnetback-unpacked"
fi
"$top/subprojects/qemu-overlay.sh" "$srcdir" "$top"

# 3. Configure once; QEMU's own ninja re-runs meson when a meson.build changes.
export CCACHE_DIR=$cache/ccache CCACHE_BASEDIR=$top CCACHE_NOHASHDIR=true
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
# --enable-vnc: libxl passes -vnc to the device models it spawns;
# --enable-seccomp: -sandbox, QEMU's own confinement (docs/deployment.md).
config=(--target-list=i386-softmmu --without-default-features
        --enable-xen --enable-tcg --enable-pixman --enable-vnc --enable-seccomp
        --disable-docs
        --disable-install-blobs --disable-werror --python=/usr/bin/python3
        --cc="ccache cc")
if [ "$flavour" = asan ]; then
    # The frame pointers give LeakSanitizer's stacks their callers.
    config+=(--enable-asan --enable-ubsan --extra-cflags=-fno-omit-frame-pointer)
fi
if [ ! -f "$builddir/build.ninja" ] ||
   [ "$(cat "$builddir/.qnetback-configure" 2>/dev/null)" != "${config[*]}" ]; then
    log "configuring"
    rm -rf "$builddir"
    mkdir -p "$builddir"
    (cd "$builddir" && "$srcdir/configure" "${config[@]}" > configure.log 2>&1) ||
        { tail -n 40 "$builddir/configure.log"; exit 1; }
    echo "${config[*]}" > "$builddir/.qnetback-configure"
fi

# 4. Build.
log "building qemu-system-i386"
# A cold build takes minutes: say how far it is every 20 s.
ninja -C "$builddir" qemu-system-i386 > "$builddir/ninja.log" 2>&1 &
ninja_pid=$!
while kill -0 "$ninja_pid" 2>/dev/null; do
    sleep 20 & wait $! || true
    step=$(grep -o '^\[[0-9]*/[0-9]*\]' "$builddir/ninja.log" | tail -n 1 || true)
    if [ -n "$step" ] && kill -0 "$ninja_pid" 2>/dev/null; then
        log "building qemu-system-i386: $step"
    fi
done
if ! wait "$ninja_pid"; then
    grep -v '^\[' "$builddir/ninja.log" | tail -n 60
    exit 1
fi
if [ -z "$flavour" ]; then
    ln -sfn qemu/qemu-system-i386 "$top/build/qemu-system-i386"
    log "ready: build/qemu-system-i386"
else
    log "ready: ${builddir#"$top"/}/qemu-system-i386"
fi
