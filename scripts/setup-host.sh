#!/usr/bin/env bash
# Install what qnetback needs on a Debian 12 host: build tools for QEMU and the
# netif engine, the emulator and image tools for the Xen test bed.
#
# The extra apt entries (bookworm-backports, trixie deb-src) are derived from
# the machine's own debian.sources / sources.list so no archive host is named
# here.  Idempotent: a second run with everything present does nothing.
set -euo pipefail

STAMP_DIR=${QNETBACK_CACHE:-/var/cache/qnetback}
mkdir -p "$STAMP_DIR"

PACKAGES=(
    build-essential pkg-config git ccache ninja-build dpkg-dev
    python3 python3-venv
    libglib2.0-dev libpixman-1-dev libfdt-dev libslirp-dev zlib1g-dev
    libxen-dev libseccomp-dev
    clang llvm lld
    qemu-system-x86 qemu-system-data seabios
    debootstrap kmod cpio xz-utils zstd gzip busybox-static
    iproute2 iperf3 socat
    python3-matplotlib
)
BACKPORTS_PACKAGES=(meson python3-pycotap)

log() { printf 'setup-host: %s\n' "$*"; }

# The archive address of the main suite, as this machine's apt knows it.
archive_uri() {
    local f uri
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        uri=$(awk '
            /^URIs:/ { u = $2 }
            /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == "bookworm") s = 1 }
            /^$/ { if (u != "" && s) { print u; exit } u = ""; s = 0 }
            END { if (u != "" && s) print u }' "$f")
        if [ -n "$uri" ]; then
            echo "$uri"
            return
        fi
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        uri=$(awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' "$f")
        if [ -n "$uri" ]; then
            echo "$uri"
            return
        fi
    done
    return 1
}

add_sources() {
    local list=/etc/apt/sources.list.d/qnetback.sources uri
    if [ -f "$list" ]; then
        return 1
    fi
    uri=$(archive_uri) || { echo "setup-host: no bookworm entry in /etc/apt" >&2; exit 1; }
    log "adding bookworm-backports and trixie deb-src from $list's archive"
    cat > "$list" <<SRC
Types: deb
URIs: $uri
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: $uri
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    return 0
}

missing_packages() {
    local p
    for p in "${PACKAGES[@]}" "${BACKPORTS_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' \
            || echo "$p"
    done
}

meson_ok() {
    command -v meson >/dev/null &&
        dpkg --compare-versions "$(meson --version)" ge 1.5
}

need_update=0
add_sources && need_update=1
missing=$(missing_packages)
if [ -z "$missing" ] && meson_ok; then
    log "all packages present"
    exit 0
fi
if [ "$need_update" = 1 ] || [ ! -f "$STAMP_DIR/apt-updated" ] ||
   [ -n "$(find "$STAMP_DIR/apt-updated" -mmin +720 2>/dev/null)" ]; then
    log "apt-get update"
    apt-get update -q
    touch "$STAMP_DIR/apt-updated"
fi
export DEBIAN_FRONTEND=noninteractive
log "installing: $(echo $missing)"
apt-get install -y -q --no-install-recommends "${PACKAGES[@]}"
apt-get install -y -q --no-install-recommends -t bookworm-backports "${BACKPORTS_PACKAGES[@]}"
meson_ok || { echo "setup-host: meson >= 1.5 is required" >&2; exit 1; }
log "done"
