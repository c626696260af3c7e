# qnetback: the project's commands.  Every target does the set-up it needs
# (Debian packages, QEMU's source, builds, test-bed images) and skips what
# is already done, the way QEMU's own Makefile wraps its meson build.
#
#   make check   set up everything missing and run every test
#   make check-asan  QEMU built with ASan and UBSan through the bed's
#                connect, traffic, reconnect, destroy, hostile and soak scenarios
#   make demo    a Xen guest's traffic through qnetback, with its statistics
#   make bench   qnetback vs kernel xen-netback vs QEMU's xen-net-device
#   make bench-engine  the netif engine alone vs plain writev/readv on a tap
#   make soak    about 10 minutes of mixed load, reconnects and hostile
#                rounds on one QEMU; its RSS, fds and grant mappings flat
#   make qemu    only QEMU with the device: build/qemu-system-i386
#   make install QEMU, qnetback-stat and the docs under PREFIX (/usr/local),
#                beside the system's QEMU; DESTDIR stages them

SHELL := /bin/bash
export QNETBACK_CACHE ?= /var/cache/qnetback
PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: all setup qemu native unit fuzz smoke testbed scenarios check demo \
        bench bench-engine check-asan soak install clean help

all: qemu native

help:
	@sed -n '/^#   make/s/^# *//p' Makefile

setup:
	@scripts/setup-host.sh

qemu: setup
	@scripts/build-qemu.sh

native: setup
	@scripts/build-native.sh

unit: native
	@scripts/check.sh unit

fuzz: native
	@scripts/check.sh fuzz

smoke: qemu
	@scripts/check.sh smoke

testbed: qemu
	@tests/testbed/build-images.sh
	@scripts/build-netfront-module.sh > /dev/null

scenarios: testbed
	@scripts/check.sh scenarios

check: qemu native testbed
	@scripts/check.sh all

demo: qemu testbed
	@scripts/testbed-run.sh --demo

bench: qemu native testbed
	@scripts/testbed-run.sh --bench

# No Xen: the engine with the unit tests' fake ring and grant table, on real
# taps in a network namespace it creates (needs root); about 11 s.
bench-engine: native
	@ninja -C build/native -j1 tests/bench/bench-engine > /dev/null
	@build/native/tests/bench/bench-engine

# Not in make check: six minutes of load in one scenario.
soak: qemu native testbed
	@scripts/testbed-run.sh --plan soak

# Not in make check: a second QEMU build and a bed run twice as slow.
check-asan: qemu native testbed
	@QNB_QEMU_FLAVOUR=asan scripts/build-qemu.sh
	@QNB_QEMU=$(CURDIR)/build/qemu-asan/qemu-system-i386 scripts/testbed-run.sh --plan asan

install: qemu
	@PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)" scripts/install.sh

clean:
	rm -rf build
