"""A published gallery in a real browser (headless Chromium): on a 390 px phone and a
desktop it has no sideways scroll, every picture loads, the media keep their order, the
language follows ?lang and Accept-Language, and a draft is a 404 page. With --screenshots
DIR it saves what it saw as gallery-phone.png and gallery-desktop.png.

Usage: gallery_page.py VITRINE_BINARY [--screenshots DIR]
"""
import argparse
import json
import math
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request
import zlib

from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("VITRINE_CHROMIUM", "/usr/bin/chromium")


def png(width, height, hue):
    """A landscape at dusk: a sky in `hue`, a sun, two ridges. Pure Python, no imaging
    library, so the check needs nothing but Playwright."""
    def mix(a, b, t):
        return tuple(int(a[i] + (b[i] - a[i]) * t) for i in range(3))

    def colour(h, light):
        r, g, b = (0.5 + 0.5 * math.cos(2 * math.pi * (h + k)) for k in (0, 1 / 3, 2 / 3))
        return tuple(int(255 * light * c) for c in (r, g, b))

    top, bottom = colour(hue, 0.55), colour(hue + 0.12, 1.0)
    far, near = colour(hue + 0.5, 0.35), colour(hue + 0.55, 0.18)
    sun = (255, 236, 190)
    sx, sy, radius = width * 0.68, height * 0.45, min(width, height) * 0.12
    rows = []
    for y in range(height):
        row = bytearray(b"\0")
        sky = mix(top, bottom, y / height)
        for x in range(width):
            ridge_far = height * (0.62 + 0.08 * math.sin(x / width * 7 + hue * 9))
            ridge_near = height * (0.78 + 0.06 * math.sin(x / width * 4 + 1 + hue * 5))
            if y > ridge_near:
                pixel = near
            elif y > ridge_far:
                pixel = far
            elif (x - sx) ** 2 + (y - sy) ** 2 < radius ** 2:
                pixel = sun
            else:
                pixel = sky
            row += bytes(pixel)
        rows.append(bytes(row))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 6)) + chunk(b"IEND", b""))


class Server:
    def __init__(self, binary, data_dir):
        self.binary, self.data_dir = binary, data_dir
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"

    def cli(self, *args):
        out = subprocess.run([self.binary, "--data-dir", self.data_dir, *args],
                             check=True, capture_output=True, text=True)
        return out.stdout.strip()

    def start(self):
        env = dict(os.environ, VITRINE_PUBLIC_URL=self.base)
        self.process = subprocess.Popen(
            [self.binary, "--data-dir", self.data_dir, "serve", "--listen", f"127.0.0.1:{self.port}"],
            env=env, stderr=subprocess.DEVNULL)
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{self.base}/readyz")
                return
            except OSError:
                time.sleep(0.1)
        sys.exit("the server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(30)

    def call(self, key, method, path, body=None, content_type="application/json"):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        request = urllib.request.Request(f"{self.base}{path}", data=body, method=method,
                                         headers={"Authorization": f"Bearer {key}",
                                                  "Content-Type": content_type})
        with urllib.request.urlopen(request) as response:
            return json.loads(response.read() or b"null")

    def upload(self, key, name, data):
        boundary = "browsercheck"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
                "Content-Type: image/png\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
        return self.call(key, "POST", "/api/v1/gallery", body,
                         f"multipart/form-data; boundary={boundary}")["id"]


PICTURES = [  # name, width, height, hue, caption, alt text
    ("ridge.png", 960, 640, 0.02, "First light over the ridge", "Orange sky over two dark ridges"),
    ("tower.png", 560, 840, 0.60, "The path climbs", "A blue evening above the hills"),
    ("lake.png", 900, 600, 0.45, None, "Green dusk over a valley"),
    ("pass.png", 840, 560, 0.85, "Over the pass at seven", None),
    ("peak.png", 600, 800, 0.12, "Last sun on the peak", "Golden light on far hills"),
    ("camp.png", 1000, 560, 0.70, "Camp", "A violet sky over the camp"),
    ("dawn.png", 640, 640, 0.30, "Morning, day two", "Pale green morning sky"),
]


def seed(server):
    server.cli("user", "add", "admin", "--password", "admin-password", "--admin")
    server.cli("user", "add", "ana", "--password", "ana-password", "--plan", "enterprise")
    admin = server.cli("key", "create", "--user", "admin")
    key = server.cli("key", "create", "--user", "ana")
    server.start()
    de = server.call(admin, "POST", "/api/v1/languages", {"code": "de", "name": "Deutsch"})["id"]
    en = next(l["id"] for l in server.call(key, "GET", "/api/v1/languages") if l["code"] == "en")
    ids = []
    for name, width, height, hue, caption, alt in PICTURES:
        item = server.upload(key, name, png(width, height, hue))
        if alt:
            server.call(key, "PATCH", f"/api/v1/gallery/{item}", {"altText": alt})
        ids.append((item, caption))
    gallery = server.call(key, "POST", "/api/v1/galleries", {
        "slug": "three-days-in-the-hills", "status": "draft", "cover_image_id": ids[0][0],
        "translations": [
            {"language_id": en, "title": "Three days in the hills",
             "description": "A walk from the valley to the pass and back, in seven pictures.",
             "meta_title": "Three days in the hills · Ana's walks",
             "meta_description": "Seven pictures from a three-day walk."},
            {"language_id": de, "title": "Drei Tage in den Hügeln",
             "description": "Vom Tal zum Pass und zurück, in sieben Bildern.",
             "meta_title": "Drei Tage in den Hügeln", "meta_description": "Sieben Bilder."},
        ]})["id"]
    for item, caption in ids:
        server.call(key, "POST", f"/api/v1/galleries/{gallery}/media",
                    {"media_id": item, "caption": caption})
    return key, gallery, [item for item, _ in ids]


def check(page, base, path, width, shots, name):
    """Loads the page at `width`, scrolls it whole so lazy pictures load, and checks it."""
    page.set_viewport_size({"width": width, "height": 844 if width < 500 else 900})
    response = page.goto(f"{base}{path}")
    assert response.status == 200, response.status
    height = page.evaluate("document.documentElement.scrollHeight")
    for y in range(0, height + 900, 600):
        page.evaluate(f"window.scrollTo(0, {y})")
        page.wait_for_timeout(50)
    page.wait_for_function("[...document.images].every(i => i.complete)", timeout=30000)
    broken = page.evaluate("[...document.images].filter(i => i.naturalWidth === 0).map(i => i.src)")
    assert not broken, f"pictures that did not load: {broken}"
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{width} px: {overflow} px of sideways scroll"
    # Pictures sit inside the page and none is wider than the screen.
    widest = page.evaluate("Math.max(...[...document.images].map(i => i.getBoundingClientRect().right))")
    assert widest <= width, f"{width} px: a picture reaches {widest} px"
    page.evaluate("window.scrollTo(0, 0)")
    if shots:
        page.screenshot(path=os.path.join(shots, f"gallery-{name}.png"), full_page=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--screenshots")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        server = Server(os.path.abspath(args.binary), data_dir)
        try:
            key, gallery, ids = seed(server)
            slug = "/g/three-days-in-the-hills"
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM)
                context = browser.new_context(locale="en-GB", device_scale_factor=1)
                page = context.new_page()
                assert page.goto(f"{server.base}{slug}").status == 404, "a draft is not public"
                server.call(key, "PATCH", f"/api/v1/galleries/{gallery}", {"status": "published"})
                check(page, server.base, slug, 390, args.screenshots, "phone")
                check(page, server.base, slug, 1280, args.screenshots, "desktop")
                order = page.evaluate(
                    "[...document.querySelectorAll('main figure img')].map(i => i.src.split('/')[6])")
                assert order == ids, f"order {order} != {ids}"
                assert page.title() == "Three days in the hills · Ana's walks", page.title()
                assert page.evaluate("document.documentElement.lang") == "en"
                german = browser.new_context(locale="de-DE").new_page()
                german.goto(f"{server.base}{slug}")
                assert german.locator("h1").inner_text() == "Drei Tage in den Hügeln"
                assert german.evaluate("document.documentElement.lang") == "de"
                page.goto(f"{server.base}{slug}?lang=de")
                assert page.locator("h1").inner_text() == "Drei Tage in den Hügeln"
                page.get_by_role("link", name="English").click()
                assert page.locator("h1").inner_text() == "Three days in the hills"
                browser.close()
        finally:
            server.stop()
    print("gallery page: phone and desktop render, every picture loads, order and languages hold")


if __name__ == "__main__":
    main()
