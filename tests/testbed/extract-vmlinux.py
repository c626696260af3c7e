#!/usr/bin/env python3
# Extract the uncompressed ELF vmlinux from a bzImage, like Linux's
# scripts/extract-vmlinux: try each compressed stream the kernel can carry
# until one inflates to an ELF image.
import gzip
import lzma
import subprocess
import sys

MAGICS = [
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x1f\x8b\x08", "gzip"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
]


def inflate(kind, data):
    if kind == "xz":
        return lzma.LZMADecompressor().decompress(data)
    if kind == "gzip":
        return gzip.GzipFile(fileobj=__import__("io").BytesIO(data)).read()
    return subprocess.run(["zstd", "-dc"], input=data, capture_output=True).stdout


def main():
    image = open(sys.argv[1], "rb").read()
    for magic, kind in MAGICS:
        pos = image.find(magic)
        while pos >= 0:
            try:
                out = inflate(kind, image[pos:])
            except Exception:
                out = b""
            if out[:4] == b"\x7fELF":
                open(sys.argv[2], "wb").write(out)
                return 0
            pos = image.find(magic, pos + 1)
    sys.stderr.write("extract-vmlinux: no ELF image found in %s\n" % sys.argv[1])
    return 1


if __name__ == "__main__":
    sys.exit(main())
