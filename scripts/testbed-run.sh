#!/usr/bin/env bash
# Boot the Xen test bed once and run scenarios in it.
#
#   testbed-run.sh [--plan NAME] [SCENARIO[:TIMEOUT]...]
#   testbed-run.sh --demo | --bench
#   testbed-run.sh --shell          dom0 with a shell on the console
#
# Real Xen 4.17, a PV dom0 and PV guests run under QEMU's TCG emulation
# (see docs/testbed.md).  Our freshly built QEMU and the scenarios travel in
# a small cpio appended to the cached dom0 image.  Results come back as a
# tar archive on a raw disk the emulated machine writes; each scenario is
# reported PASS or FAIL with its log.  The whole boot is under a hard time
# limit: a hung machine is killed, never left running.
set -euo pipefail
# The whole script is one block, read before it runs: editing the file
# while a (long) run is going does not derail that run.
{

top=$(cd "$(dirname "$0")/.." && pwd)
bed=$top/tests/testbed
cache=${QNETBACK_CACHE:-/var/cache/qnetback}/testbed
images=$cache/current
outer=${QNETBACK_OUTER_QEMU:-qemu-system-x86_64}

plan=check
scenarios=()
mode=run
while [ $# -gt 0 ]; do
    case "$1" in
    --plan) plan=$2; shift ;;
    --demo) plan=demo; mode=demo ;;
    --bench) plan=bench; mode=bench ;;
    --shell) mode=shell ;;
    -h|--help) sed -n '2,14s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) scenarios+=("$1") ;;
    esac
    shift
done

[ -f "$images/.done" ] || "$bed/build-images.sh"
[ -x "$top/build/qemu-system-i386" ] ||
    { echo "testbed-run: build/qemu-system-i386 is missing: make qemu" >&2; exit 1; }

run=$top/build/testbed/$(date +%Y%m%d-%H%M%S)-$mode
mkdir -p "$run/overlay/testbed/scenarios" "$run/overlay/usr/local/bin" "$run/results"
ln -sfn "$run" "$top/build/testbed/last"
# Keep the last ten runs.
ls -1dt "$top"/build/testbed/2* | tail -n +11 | xargs -r rm -rf

# The plan: "NAME TIMEOUT" lines.
if [ ${#scenarios[@]} -gt 0 ]; then
    for s in "${scenarios[@]}"; do
        echo "${s%%:*} $([ "${s#*:}" != "$s" ] && echo "${s#*:}" || echo 300)"
    done > "$run/overlay/testbed/plan"
elif [ "$mode" = shell ]; then
    : > "$run/overlay/testbed/plan"
else
    cp "$bed/plans/$plan" "$run/overlay/testbed/plan"
fi
while read -r name tmo; do
    case "$name" in ''|'#'*) continue ;; esac
    [ -f "$bed/scenarios/$name.sh" ] ||
        { echo "testbed-run: no scenario $name" >&2; exit 1; }
done < "$run/overlay/testbed/plan"

# The overlay: runner, library, scenarios, our QEMU and tools.
cp "$bed/runner" "$bed/lib.sh" "$bed/bench-report.py" "$bed/udp.py" "$bed/ramdisk.py" \
    "$run/overlay/testbed/"
cp "$bed"/scenarios/*.sh "$run/overlay/testbed/scenarios/"
# Our QEMU, qnetback-stat, its QMP library and the docs, the way make
# install lays them out.
DESTDIR=$run/overlay PREFIX=/usr/local "$top/scripts/install.sh" > /dev/null
# A sanitizer build (QNB_QEMU, make check-asan) takes its runtimes along,
# and the runner checks every QEMU's log for their reports.
if ldd "$run/overlay/usr/local/bin/qemu-system-i386" | grep -q 'lib\(asan\|ubsan\)'; then
    mkdir -p "$run/overlay/usr/lib/x86_64-linux-gnu"
    ldd "$run/overlay/usr/local/bin/qemu-system-i386" |
        awk '/lib(asan|ubsan)/ { print $3 }' |
        xargs -r cp -L -t "$run/overlay/usr/lib/x86_64-linux-gnu/"
    touch "$run/overlay/testbed/sanitizers"
fi
tool=$top/build/native/tests/netfront/qnb-netfront
[ -x "$tool" ] && cp "$tool" "$run/overlay/usr/local/bin/"
# SeaBIOS, where libxl looks for it, for HVM guests (Debian's seabios
# package on this host, as a dom0 would install it).
mkdir -p "$run/overlay/usr/share/seabios"
cp /usr/share/seabios/bios-256k.bin "$run/overlay/usr/share/seabios/"
# The guests' kernel as a bzImage, for an HVM guest's direct kernel boot.
cp "$images/vmlinuz" "$run/overlay/vmlinuz"
# Our static-grants netfront for the guests (guest/xen-netfront/): built
# once for the guests' kernel, then taken from the cache.
mkdir -p "$run/overlay/usr/local/lib/qnetback"
nf_ko=$("$top/scripts/build-netfront-module.sh" | tail -n 1) ||
    { echo "testbed-run: cannot build the netfront module" >&2; exit 1; }
cp "$nf_ko" "$run/overlay/usr/local/lib/qnetback/xen-netfront.ko"
# The bench's knobs (QNB_BENCH_*, see scenarios/bench.sh) and the hostile
# cases to play (QNB_HOSTILE_CASES, see scenarios/hostile-frontend.sh)
# travel from our environment (make bench QNB_BENCH_ROUNDS=1) into the
# scenarios', and so does QNB_QEMU_TRACE (see qemu_start in lib.sh).
for k in $(compgen -v QNB_BENCH_) $(compgen -v QNB_HOSTILE_) \
         $(compgen -v QNB_QEMU_); do
    v=${!k}
    printf "export %s='%s'\n" "$k" "${v//\'/\'\\\'\'}"
done > "$run/overlay/testbed/env"
if [ "$mode" = shell ]; then
    rm -f "$run/overlay/testbed/runner"
fi
(cd "$run/overlay" && find . | cpio -o -H newc --quiet | gzip -1) > "$run/overlay.cpio.gz"
cat "$images/dom0.cpio.gz" "$run/overlay.cpio.gz" > "$run/dom0-initrd.cpio.gz"
# The network driver domain's ramdisk (its root, then the same overlay:
# our QEMU), for the scenarios that boot one: on a second disk, so that
# dom0 copies it out when it needs it rather than carrying it in memory.
extra_disk=()
if grep -q '^driver-domain' "$run/overlay/testbed/plan"; then
    cat "$images/dd.cpio.gz" "$run/overlay.cpio.gz" > "$run/dd-initrd.cpio.gz"
    truncate -s %512 "$run/dd-initrd.cpio.gz"
    extra_disk=(-drive "file=$run/dd-initrd.cpio.gz,format=raw,if=virtio,readonly=on")
fi

# The time limit: every scenario's own plus the boot.
limit=120
while read -r name tmo; do
    case "$name" in ''|'#'*) continue ;; esac
    limit=$((limit + tmo + 10))
done < "$run/overlay/testbed/plan"
[ "$mode" = shell ] && limit=${QNETBACK_SHELL_LIMIT:-3600}

# One emulated machine at a time: two would halve each other's speed.
exec 9> "$cache/bed.lock"
if ! flock -n 9; then
    echo "testbed: waiting for another test-bed run to finish"
    flock 9
fi

truncate -s 256M "$run/results.img"
# A sanitizer build's QEMU is three times the size and each one runs with
# shadow memory: dom0 (whose root lives in RAM) gets half as much again.
mem=3G dom0_mem=1G
if [ -f "$run/overlay/testbed/sanitizers" ]; then
    mem=4G dom0_mem=1536M
fi
# +npt: nested paging, without which this Xen has no paging mode for HVM
# guests (qnetback-hvm); PV dom0 and guests run as before.
qemu_args=(
    -accel tcg -cpu qemu64,+svm,+npt -m $mem -smp 2
    -nographic -no-reboot -nic none
    -kernel "$images/xen.elf"
    -append "console=com1 com1=115200,8n1 dom0_mem=$dom0_mem,max:$dom0_mem loglvl=warning guest_loglvl=warning"
    -initrd "$images/vmlinuz console=hvc0 earlyprintk=xen quiet,$run/dom0-initrd.cpio.gz"
    -drive "file=$run/results.img,format=raw,if=virtio"
    "${extra_disk[@]}"
)
echo "testbed: booting Xen (limit ${limit}s); console in $run/console.log"
rc=0
if [ "$mode" = shell ]; then
    timeout -k 10 "$limit" "$outer" "${qemu_args[@]}" || rc=$?
    exit $rc
fi
timeout -k 10 "$limit" "$outer" "${qemu_args[@]}" < /dev/null 2>&1 |
    tee "$run/console.log" | grep --line-buffered '^@@qnb' |
    sed -u 's/^@@qnb: /testbed: /' || true
rc=${PIPESTATUS[0]}
[ "$rc" -eq 124 ] && echo "testbed: the emulated machine hit its ${limit}s limit and was killed"

# Results.
if ! tar xf "$run/results.img" -C "$run/results" 2>/dev/null ||
   [ ! -f "$run/results/summary" ]; then
    echo "testbed: no results came back; the end of the console:"
    tail -n 40 "$run/console.log"
    exit 1
fi
rm -f "$run/results.img" "$run/dom0-initrd.cpio.gz" "$run/dd-initrd.cpio.gz"

pass=0
failed=0
while read -r name res code secs; do
    if [ "$res" = PASS ]; then
        pass=$((pass + 1))
        echo "PASS $name (${secs}s)"
    else
        failed=$((failed + 1))
        echo "FAIL $name (exit $code, ${secs}s); log $run/results/$name.log:"
        sed 's/^/    /' "$run/results/$name.log" | tail -n 40
    fi
done < "$run/results/summary"
missing=$(( $(grep -cv '^\s*\(#\|$\)' "$run/overlay/testbed/plan") - pass - failed ))
if [ $missing -gt 0 ]; then
    echo "FAIL $missing scenario(s) never reported (machine died or timed out)"
    failed=$((failed + missing))
fi

if [ "$mode" = demo ] || [ "$mode" = bench ]; then
    for f in "$run"/results/*.d/report.txt; do
        [ -f "$f" ] && cat "$f"
    done
    for f in "$run"/results/*.d/samples.csv; do
        [ -f "$f" ] || continue
        plot=(--plot "$run/$mode.png")
        phases=${f%samples.csv}phases.csv
        [ -f "$phases" ] && plot+=(--phases "$phases")
        "$top/scripts/qnetback-stat" "${plot[@]}" "$f" &&
            ln -sfn "$run/$mode.png" "$top/build/$mode.png" &&
            echo "testbed: the picture of the batching: build/$mode.png"
    done
fi
echo "testbed: results in $run/results"
echo "scenarios: $pass passed, $failed failed"
[ $failed -eq 0 ]
exit
}
