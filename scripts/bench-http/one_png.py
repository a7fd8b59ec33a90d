"""Writes a 64×64 RGB gradient PNG to stdout: the one real upload of the read benchmark,
so GET item and the signed thumb have a stored original and variants behind them."""
import struct
import sys
import zlib

SIDE = 64


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


rows = b"".join(
    b"\0" + bytes(v for x in range(SIDE) for v in (x * 4, y * 4, 128)) for y in range(SIDE)
)
sys.stdout.buffer.write(
    b"\x89PNG\r\n\x1a\n"
    + chunk(b"IHDR", struct.pack(">IIBBBBB", SIDE, SIDE, 8, 2, 0, 0, 0))
    + chunk(b"IDAT", zlib.compress(rows))
    + chunk(b"IEND", b"")
)
