"""A solid-colour PNG of WIDTH x HEIGHT on stdout: a few hundred kilobytes on the wire,
WIDTH*HEIGHT*4 bytes once decoded. Usage: png.py WIDTH HEIGHT"""
import struct
import sys
import zlib


def chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def main() -> None:
    width, height = int(sys.argv[1]), int(sys.argv[2])
    row = b"\x00" + bytes([40, 90, 200]) * width
    deflate = zlib.compressobj(9)
    data = b"".join(deflate.compress(row) for _ in range(height)) + deflate.flush()
    out = sys.stdout.buffer
    out.write(b"\x89PNG\r\n\x1a\n")
    out.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)))
    out.write(chunk(b"IDAT", data))
    out.write(chunk(b"IEND", b""))


main()
