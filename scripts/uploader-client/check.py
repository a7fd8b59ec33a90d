"""Spec 5 against a real third-party uploader of Chevereto's API V1: `chupo` from PyPI,
installed as users install it, run as users run it (its own HTTP client and form), against
a fresh server. Checks each of its formats: json (the whole answer), txt (the file URL)
and redirect (the viewer page), and that what it links to serves the uploaded bytes.

Usage: check.py VITRINE_BINARY CHUPO_EXECUTABLE"""
import hashlib
import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request
import zlib

binary, chupo = sys.argv[1], sys.argv[2]


def png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + bytes((x * 7 + y) % 256 for x in range(width * 3)) for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()
    except urllib.error.URLError:
        return 0, b""


with tempfile.TemporaryDirectory() as work:
    data = os.path.join(work, "data")
    run = lambda *args: subprocess.run([binary, "--data-dir", data, *args], check=True,
                                       capture_output=True, text=True).stdout.strip()
    run("user", "add", "uploader", "--password", "uploader-password")
    key = run("key", "create", "--user", "uploader")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([binary, "--data-dir", data, "serve", "--listen", f"127.0.0.1:{port}"],
                              stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            if get(f"{base}/readyz")[0] == 200:
                break
            time.sleep(0.05)
        photo = os.path.join(work, "holiday.png")
        original = png(300, 200)
        with open(photo, "wb") as f:
            f.write(original)
        env = {**os.environ, "HOME": work}

        def chupo_run(fmt: str) -> str:
            done = subprocess.run([chupo, photo, "-u", base, "-k", key, "-f", fmt], env=env,
                                  capture_output=True, text=True, timeout=120)
            assert done.returncode == 0, f"chupo -f {fmt}: {done.returncode} {done.stderr}"
            return done.stdout.strip()

        # With -f json it prints the server's answer as it came.
        answer = json.loads(chupo_run("json"))
        assert answer["status_code"] == 200 and answer["status_txt"] == "OK", answer
        image = answer["image"]
        status, body = get(image["url"])
        assert status == 200 and hashlib.sha256(body).digest() == hashlib.sha256(original).digest(), status
        assert get(image["url_viewer"])[0] == 200
        assert image["original_filename"] == "holiday.png", image["original_filename"]

        url = chupo_run("txt")
        assert url.startswith(base + "/images/"), url
        assert get(url)[1] == original

        viewer = chupo_run("redirect")
        assert "/image/" in viewer, viewer
        status, page = get(viewer)
        assert status == 200 and b"og:image" in page, status
        print(f"chupo: json, txt and redirect uploads work against {base}")
    finally:
        server.terminate()
        server.wait()
