"""COUNT different noisy PNGs of WIDTH x HEIGHT into DIR (photo-like work for the
pipeline: they do not compress, so decoding and thumbs cost what a photo's do).
Usage: noise.py DIR COUNT WIDTH HEIGHT"""
import os
import random
import struct
import sys
import zlib


def chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def main() -> None:
    out_dir, count, width, height = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    for n in range(count):
        rng = random.Random(n)
        rows = b"".join(b"\x00" + rng.randbytes(width * 3) for _ in range(height))
        with open(os.path.join(out_dir, f"noise-{n}.png"), "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\n")
            f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)))
            f.write(chunk(b"IDAT", zlib.compress(rows, 1)))
            f.write(chunk(b"IEND", b""))


main()
