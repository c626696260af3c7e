#!/usr/bin/env bash
# Run the project's tests and print one total at the end.
#   check.sh unit|fuzz|smoke|scenarios|all
# unit and fuzz are meson test suites of build/native (ASan/UBSan); smoke
# checks the QEMU binary, make install and the docs' snippets; scenarios boot the Xen test bed (tests/testbed/
# plans/check, or the scenarios named in $SCENARIOS).
set -uo pipefail
{   # one block, read before it runs: safe to edit during a run
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
what=${1:-all}
passed=0
failed=0

count_meson() {
    local log=build/native/meson-logs/testlog.json p f
    [ -f "$log" ] || return
    p=$(grep -c '"result": "OK"' "$log")
    f=$(grep -c '"result": "\(FAIL\|ERROR\|TIMEOUT\|UNEXPECTEDPASS\)"' "$log")
    passed=$((passed + p))
    failed=$((failed + f))
}

run_meson_suite() {
    echo "== meson test --suite $1"
    meson test -C build/native --suite "$1" --print-errorlogs --num-processes 2 \
        > "build/native/check-$1.log" 2>&1
    local rc=$?
    grep -E '^ *[0-9]+/[0-9]+ |^(Ok|Fail|Skipped|Timeout|Expected Fail|Unexpected Pass):' \
        "build/native/check-$1.log"
    [ $rc -eq 0 ] || grep -A40 -E 'stderr:|--- command ---' "build/native/check-$1.log" | tail -n 80
    count_meson
}

run_smoke() {
    echo "== QEMU smoke tests"
    local out
    out=$(tests/qemu/smoke.sh build/qemu-system-i386)
    echo "$out"
    passed=$((passed + $(grep -c '^ok ' <<< "$out")))
    failed=$((failed + $(grep -c '^not ok ' <<< "$out")))
}

# The docs' snippets are the scenarios' own lines; make install stages.
run_docs() {
    echo "== docs snippets and make install"
    local out stage
    out=$(scripts/check-doc-snippets.py)
    stage=$(mktemp -d)
    if DESTDIR=$stage scripts/install.sh > /dev/null &&
       "$stage/usr/local/bin/qemu-system-i386" -device xen-netback,help | grep -q 'static-grants=' &&
       "$stage/usr/local/bin/qnetback-stat" --help > /dev/null &&
       [ -f "$stage/usr/local/share/qemu/keymaps/en-us" ] &&
       [ -f "$stage/usr/local/share/doc/qnetback/deployment.md" ]; then
        out="$out"$'\n'"ok - make install DESTDIR=...: QEMU, qnetback-stat, keymaps, docs"
    else
        out="$out"$'\n'"not ok - make install DESTDIR=..."
    fi
    rm -rf "$stage"
    echo "$out"
    passed=$((passed + $(grep -c '^ok ' <<< "$out")))
    failed=$((failed + $(grep -c '^not ok ' <<< "$out")))
}

run_scenarios() {
    echo "== Xen test bed scenarios"
    local out
    # shellcheck disable=SC2086
    scripts/testbed-run.sh ${SCENARIOS:-} | tee build/testbed-check.log
    out=$(sed -n 's/^scenarios: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' \
          build/testbed-check.log | tail -n 1)
    if [ -z "$out" ]; then
        failed=$((failed + 1))
    else
        passed=$((passed + ${out% *}))
        failed=$((failed + ${out#* }))
    fi
}

case "$what" in
unit) run_meson_suite unit ;;
fuzz) run_meson_suite fuzz ;;
smoke) run_smoke; run_docs ;;
scenarios) mkdir -p build; run_scenarios ;;
all)
    run_meson_suite unit
    # make fuzz gives each target 20 s; inside make check 10 s, from the
    # seeds, leaves the minutes to the bed.
    FUZZ_SECONDS=${FUZZ_SECONDS:-10} run_meson_suite fuzz
    run_smoke
    run_docs
    run_scenarios
    ;;
*) echo "check.sh: unknown stage $what" >&2; exit 2 ;;
esac

echo "check: $passed passed, $failed failed"
[ $failed -eq 0 ] && [ $passed -gt 0 ]
exit
}
