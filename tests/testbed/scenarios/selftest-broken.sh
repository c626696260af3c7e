# A scenario that must fail: it pings an address nobody has.  Run it with
# `make scenarios SCENARIOS=selftest-broken` to see how a failure reports.
. /testbed/lib.sh
ping -c 2 -W 2 10.0.99.99 || fail "nobody answers at 10.0.99.99 (as intended)"
