#!/bin/sh
# Run a libFuzzer target for a bounded time over a scratch copy of its seed
# corpus, so the committed corpus never changes; fail on any crash.
#
# usage: run-fuzzer.sh FUZZER CORPUS [SECONDS]   (or FUZZ_SECONDS=n)
#
# SPDX-License-Identifier: GPL-2.0-or-later

set -eu

fuzzer=$1
corpus=$2
seconds=${3:-${FUZZ_SECONDS:-20}}

work=$(mktemp -d "${TMPDIR:-/tmp}/netif-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

mkdir "$work/corpus" "$work/artifacts"
cp "$corpus"/* "$work/corpus/" 2>/dev/null || true

status=0
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 \
    -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
    "$work/corpus" >"$work/log" 2>&1 || status=$?
tail -n 40 "$work/log"
for f in "$work/artifacts"/*; do
    [ -e "$f" ] || continue
    echo "crash input: $f"
    od -A x -t x1z "$f" | head -n 20
    status=1
done
exit $status
