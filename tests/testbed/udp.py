#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""UDP for test-bed scenarios (dom0); lib.sh's udp_listen and udp_send.

  udp.py listen ADDR PORT
      receive datagrams on ADDR:PORT until killed; for each print one
      line: the payload's first line without trailing dots, and its length
  udp.py send DST PORT COUNT SIZE PAUSE TEXT [DEV SRC SPORT]
      send COUNT datagrams of SIZE bytes ("TEXT " padded with "x") to
      DST:PORT, PAUSE seconds apart (0: back to back); a send that fails
      (no buffer, unreachable) is skipped.  With DEV, from SRC:SPORT out
      of interface DEV whatever the routes say (SO_BINDTODEVICE: DST is
      taken as on DEV's link), so that a flow of a given address and
      ports reaches a given tap
"""

import socket
import sys
import time


def listen(addr, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, int(port)))
    while True:
        b, _ = s.recvfrom(65536)
        print(b.split(b"\n")[0].rstrip(b".").decode(errors="replace"), len(b),
              flush=True)


def send(dst, port, count, size, pause, text, dev=None, src=None,
         sport=None):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if dev:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, dev.encode())
        s.bind((src, int(sport)))
    msg = (text + " ").encode().ljust(int(size), b"x")
    for _ in range(int(count)):
        try:
            s.sendto(msg, (dst, int(port)))
        except OSError:
            pass
        if float(pause):
            time.sleep(float(pause))


def main():
    commands = {"listen": (listen, (2,)), "send": (send, (6, 9))}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    fn, nargs = commands[sys.argv[1]]
    if len(sys.argv) - 2 not in nargs:
        sys.exit(__doc__)
    fn(*sys.argv[2:])


if __name__ == "__main__":
    main()
