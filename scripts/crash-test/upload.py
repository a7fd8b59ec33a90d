"""Uploads distinct images from CLIENTS threads until the server goes away; appends
"id sha256" to ACKED for every upload answered 201. Half the clients send ~10 MB images
slowly (1 MiB every 0.2 s), so a kill finds writes half done: past the 8 MiB part size,
an open S3 multipart upload or a staging file. Usage: upload.py BASE KEY CLIENTS ACKED"""
import hashlib, os, struct, sys, threading, time, uuid, zlib

import requests

base, key, clients, acked = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
lock = threading.Lock()


def png(side):
    """A PNG of random pixels, stored uncompressed: distinct, cheap to make, `side`² × 3 bytes."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\0" + os.urandom(side * 3) for _ in range(side))
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 0)) + chunk(b"IEND", b"")


def slowly(form):
    for at in range(0, len(form), 1 << 20):
        yield form[at:at + (1 << 20)]
        time.sleep(0.2)


def client(n):
    session = requests.Session()
    slow = n % 2 == 1
    for i in range(10**6):
        # Every fifth fast upload is ~10 MB too: an S3 multipart upload.
        body = png(1850 if slow or i % 5 == 4 else 200)
        boundary = uuid.uuid4().hex
        form = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c{n}-{i}.png\"\r\n"
                f"Content-Type: image/png\r\n\r\n").encode() + body + f"\r\n--{boundary}--\r\n".encode()
        headers = {"Authorization": f"Bearer {key}", "Content-Type": f"multipart/form-data; boundary={boundary}"}
        try:
            answer = session.post(f"{base}/api/v1/gallery", headers=headers,
                                  data=slowly(form) if slow else form, timeout=60)
        except requests.RequestException:
            return  # the server was killed
        if answer.status_code != 201:
            raise SystemExit(f"upload answered {answer.status_code}: {answer.text}")
        with lock, open(acked, "a") as out:
            out.write(f"{answer.json()['id']} {hashlib.sha256(body).hexdigest()}\n")


threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
for t in threads:
    t.start()
for t in threads:
    t.join()
