#!/usr/bin/env bash
# Build the netif engine, its unit tests and fuzzers natively into
# build/native with clang, ASan and UBSan (see meson.build).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
builddir=$top/build/native

if [ ! -f "$builddir/build.ninja" ]; then
    CC=clang meson setup "$builddir" "$top" > /dev/null
fi
ninja -C "$builddir" > "$builddir/ninja.log" 2>&1 ||
    { grep -v '^\[' "$builddir/ninja.log" | tail -n 60; exit 1; }
echo "build-native: ready: build/native"
