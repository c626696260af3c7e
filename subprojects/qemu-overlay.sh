#!/usr/bin/env bash
# Add hw-xen-netback/ to a pristine QEMU source tree, as small as it can be:
#   * hw/net/xen-netback -> the project's hw-xen-netback/ (a symlink, so an
#     edit there is seen by QEMU's ninja and recompiles only that file);
#   * one subdir() line in hw/net/meson.build and a Kconfig symbol;
#   * the trace-events directory in QEMU's top-level meson.build;
#   * the QAPI module (qapi/xen-netback.json) and its HMP command, when the
#     project has them;
#   * subprojects/qemu-patches/*.patch: our fixes to QEMU itself.
# Usage: qemu-overlay.sh QEMU_SRC_DIR PROJECT_DIR.  Idempotent.
set -euo pipefail

src=$(realpath "$1")
proj=$(realpath "$2")
cd "$src"

ln -sfn "$proj/hw-xen-netback" hw/net/xen-netback

# Our fixes to QEMU itself, each one patch (upstream candidates), applied
# once, in order; .qnetback-patches lists those in.  (Whether a patch
# reverses cleanly says nothing once a later one touches the same lines.)
# build-qemu.sh unpacks a pristine tree again when a patch changes.
applied=.qnetback-patches
touch "$applied"
for p in "$proj"/subprojects/qemu-patches/*.patch; do
    [ -f "$p" ] || continue
    id="$(basename "$p") $(sha256sum < "$p" | cut -c1-16)"
    grep -qxF "$id" "$applied" && continue
    patch -p1 -s --fuzz=0 --no-backup-if-mismatch < "$p" ||
        { echo "qemu-overlay: $(basename "$p") does not apply" >&2; exit 1; }
    echo "$id" >> "$applied"
done

grep -q "^subdir('xen-netback')" hw/net/meson.build ||
    printf "\nsubdir('xen-netback')\n" >> hw/net/meson.build

grep -q '^config XEN_NETBACK' hw/net/Kconfig ||
    printf '\nconfig XEN_NETBACK\n    bool\n    default y\n    depends on XEN_BUS\n' >> hw/net/Kconfig

grep -q "'hw/net/xen-netback'," meson.build ||
    sed -i "s|^    'hw/net',\$|    'hw/net',\n    'hw/net/xen-netback',|" meson.build
grep -q "'hw/net/xen-netback'," meson.build ||
    { echo "qemu-overlay: could not add trace-events subdir" >&2; exit 1; }

if [ -f "$proj/hw-xen-netback/qapi/xen-netback.json" ]; then
    ln -sfn "$proj/hw-xen-netback/qapi/xen-netback.json" qapi/xen-netback.json
    # Beside the other system-emulator-only modules (rocker, uefi, ...).
    grep -q "'xen-netback'" qapi/meson.build ||
        sed -i "s|^    'uefi',\$|    'uefi',\n    'xen-netback',|" qapi/meson.build
    grep -q "'xen-netback'" qapi/meson.build ||
        { echo "qemu-overlay: could not add the QAPI module" >&2; exit 1; }
    grep -q "xen-netback.json" qapi/qapi-schema.json ||
        printf "{ 'include': 'xen-netback.json' }\n" >> qapi/qapi-schema.json
fi
if [ -f "$proj/hw-xen-netback/hmp-commands-info.hx" ] &&
   ! grep -q 'xen-netback' hmp-commands-info.hx; then
    cat "$proj/hw-xen-netback/hmp-commands-info.hx" >> hmp-commands-info.hx
fi
grep -q 'hmp_info_xen_netback' include/monitor/hmp.h ||
    sed -i 's|^void hmp_info_network(Monitor \*mon, const QDict \*qdict);$|&\nvoid hmp_info_xen_netback(Monitor *mon, const QDict *qdict);|' \
        include/monitor/hmp.h
grep -q 'hmp_info_xen_netback' include/monitor/hmp.h ||
    { echo "qemu-overlay: could not declare the HMP command" >&2; exit 1; }
