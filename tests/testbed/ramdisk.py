#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A guest ramdisk with one more file; lib.sh's ramdisk_with.

  ramdisk.py BASE FILE DEST OUT

OUT is BASE (a gzipped cpio) followed by a second gzipped cpio ("newc")
that holds FILE as DEST, with FILE's permission bits, owned by root.  The
kernel unpacks concatenated archives in order, so DEST is added to (or
replaces a file of) BASE.  DEST's directory must exist in BASE: no
directory entry is written.
"""

import gzip
import os
import shutil
import stat
import sys


def newc_entry(ino, name, mode, data=b""):
    fields = [ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name) + 1, 0]
    b = ("070701" + "".join("%08X" % f for f in fields)).encode()
    b += name.encode() + b"\0"
    b += b"\0" * (-len(b) % 4)
    return b + data + b"\0" * (-len(data) % 4)


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    base, src, dest, out = sys.argv[1:]
    with open(src, "rb") as f:
        data = f.read()
    mode = stat.S_IFREG | stat.S_IMODE(os.stat(src).st_mode)
    with open(out, "wb") as o:
        with open(base, "rb") as b:
            shutil.copyfileobj(b, o)
        with gzip.GzipFile(fileobj=o, mode="wb", compresslevel=1) as z:
            z.write(newc_entry(9001, dest.lstrip("/"), mode, data))
            z.write(newc_entry(9002, "TRAILER!!!", 0))


if __name__ == "__main__":
    main()
