"""Seeds one gallery of N items through the API, then times GET, reorder and the public
page through HTTP, one request at a time on a kept-alive connection.

Usage: client.py NAME BASE_URL KEY N REQUESTS REORDERS [AFTER_SEEDING]  (prints one TSV row)
AFTER_SEEDING is a shell command run once the gallery is filled (the PostgreSQL run gives
`ANALYZE`, which autovacuum would do within a minute of such a burst of writes).
"""
import http.client
import json
import random
import struct
import subprocess
import sys
import time
import urllib.parse
import zlib
from concurrent.futures import ThreadPoolExecutor

name, base, key, n, requests, reorders = sys.argv[1], sys.argv[2], sys.argv[3], *map(int, sys.argv[4:7])
host = urllib.parse.urlsplit(base).netloc
auth = {"Authorization": f"Bearer {key}"}


def png(seed):
    """A distinct 48x32 PNG, so nothing deduplicates."""
    rnd = random.Random(seed)
    raw = b"".join(b"\0" + bytes(rnd.getrandbits(8) for _ in range(48 * 3)) for _ in range(32))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 48, 32, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


class Client:
    def __init__(self):
        self.conn = http.client.HTTPConnection(host, timeout=120)

    def send(self, method, path, body=None, headers=None, expect=200):
        headers = dict(auth, **(headers or {}))
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        if response.status != expect:
            sys.exit(f"{method} {path}: {response.status} {data[:300]!r}")
        return data


def upload(seed):
    boundary = f"bench{seed}"
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{seed}.png\"\r\n"
        "Content-Type: image/png\r\n\r\n"
    ).encode() + png(seed) + f"\r\n--{boundary}--\r\n".encode()
    client = Client()
    data = client.send("POST", "/api/v1/gallery", body,
                       {"Content-Type": f"multipart/form-data; boundary={boundary}"}, expect=201)
    return json.loads(data)["id"]


with ThreadPoolExecutor(4) as pool:
    ids = list(pool.map(upload, range(n)))

client = Client()
en = next(l["id"] for l in json.loads(client.send("GET", "/api/v1/languages")) if l["code"] == "en")
slug = "bench-gallery"
gallery = json.loads(client.send("POST", "/api/v1/galleries", {
    "slug": slug, "status": "published", "cover_image_id": ids[0],
    "translations": [{"language_id": en, "title": "Bench", "description": "A thousand pictures",
                      "meta_title": "Bench", "meta_description": "Speed"}],
}, expect=201))["id"]
path = f"/api/v1/galleries/{gallery}"
for number, item in enumerate(ids):
    client.send("POST", f"{path}/media", {"media_id": item, "caption": f"Picture {number}"}, expect=201)
if len(sys.argv) > 7:
    subprocess.run(sys.argv[7], shell=True, check=True)


def timed(count, call):
    """Milliseconds of each call, after five untimed warm-up calls."""
    for _ in range(5):
        call()
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return samples


def quantile(samples, q):
    return samples[min(len(samples) - 1, int(q * len(samples)))]


got = timed(requests, lambda: client.send("GET", path))
body = json.loads(client.send("GET", path))
assert len(body["gallery_media"]) == n, len(body["gallery_media"])

order = list(ids)
rnd = random.Random(7)


def reorder():
    rnd.shuffle(order)
    client.send("POST", f"{path}/media/reorder", {"media_ids": order})


moved = timed(reorders, reorder)
body = json.loads(client.send("GET", path))
assert [m["media_id"] for m in body["gallery_media"]] == order

visitor = Client()
page = timed(requests, lambda: visitor.send("GET", f"/g/{slug}", headers={"Accept-Language": "en"}))
html = visitor.send("GET", f"/g/{slug}").decode()
assert html.count("<figure") == n, html.count("<figure")

print("\t".join([name] + [f"{quantile(s, q):.1f}" for s in (got, moved, page) for q in (0.5, 0.99)]
                + [f"{len(html) / 1024:.0f}"]))
