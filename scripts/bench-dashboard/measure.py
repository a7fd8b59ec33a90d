"""Measures the dashboard on a seeded library (see scripts/bench-dashboard.sh) and prints a
Markdown table. Every item gets the thumbnail of one real upload, so each tile loads real
bytes through its own signed URL.

BENCH_TRACE=1 prints each measured visit's resource timeline to stderr.

Usage: measure.py prepare|measure BASE_URL KEY SQLITE_DB RUNS
(`prepare` uploads the one real picture and gives its thumb to every item; the server is
then restarted, so every connection reads the new statistics.)
"""
import gzip
import json
import os
import sqlite3
import statistics
import sys
import urllib.request

from playwright.sync_api import sync_playwright

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "browser"))
from gallery_page import CHROMIUM, png  # noqa: E402

step, base, key, db_path, runs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])


def upload_one():
    boundary = "bench"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"real.png\"\r\n"
            "Content-Type: image/png\r\n\r\n").encode() + png(1200, 800, 0.1) + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(f"{base}/api/v1/gallery", data=body, method="POST", headers={
        "Authorization": f"Bearer {key}", "Content-Type": f"multipart/form-data; boundary={boundary}"})
    return json.load(urllib.request.urlopen(request))["id"]


def give_every_item_its_thumb(real):
    db = sqlite3.connect(db_path, timeout=30)
    thumb = db.execute("SELECT blob_id, mime, width, height, size FROM item_variants "
                       "WHERE item_id = ? AND variant = 'thumb'", (real,)).fetchone()
    assert thumb, "the real upload has a thumb"
    with db:
        added = db.execute("INSERT OR IGNORE INTO item_variants (item_id, variant, blob_id, mime, width, height, size) "
                           "SELECT id, 'thumb', ?, ?, ?, ?, ? FROM items", thumb).rowcount
        db.execute("UPDATE blobs SET ref_count = ref_count + ? WHERE id = ?", (added, thumb[0]))
    # The seed analysed the tables before they had variants; statistics that say
    # item_variants is empty make SQLite scan it for every item (10 ms per item).
    db.execute("ANALYZE")
    db.close()


# Resolves with milliseconds since navigation start once the grid's tiles that are on the
# screen all show a loaded thumbnail.
SCREEN_SHOWN = """new Promise(resolve => {
  const check = () => {
    const grid = document.getElementById('grid');
    const tiles = grid ? [...grid.querySelectorAll('.tile')].filter(t => {
      const r = t.getBoundingClientRect();
      return r.bottom > 0 && r.top < innerHeight;
    }) : [];
    const done = tiles.length > 0 && tiles.every(t => {
      const img = t.querySelector('img');
      return img && img.complete && img.naturalWidth > 0;
    });
    if (done) resolve({ms: performance.now(), tiles: tiles.length});
    else requestAnimationFrame(check);
  };
  check();
})"""
FIRST_SCREEN = f"() => {SCREEN_SHOWN}"
# Scrolls so that item `target` is on screen, then resolves with the milliseconds until
# that screen's thumbnails are all shown.
JUMP = f"""async target => {{
  const grid = document.getElementById('grid');
  const total = +document.getElementById('count').textContent.replace(/\\D/g, '');
  const tile = grid.querySelector('.tile');
  const columns = Math.round((grid.clientWidth + 8) / (tile.getBoundingClientRect().width + 8));
  const rowHeight = parseFloat(grid.style.height) / Math.ceil(total / columns);
  const started = performance.now();
  scrollTo(0, grid.getBoundingClientRect().top + scrollY + Math.floor(target / columns) * rowHeight);
  const shown = await {SCREEN_SHOWN};
  return {{ms: shown.ms - started, total}};
}}"""


def main():
    if step == "prepare":
        give_every_item_its_thumb(upload_one())
        return
    first = []
    shipped = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        for run in range(runs):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.goto(base)
            page.get_by_label("Name").fill("bench")
            page.get_by_label("Password").fill("bench-password")
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_load_state("networkidle")
            # A cold cache for the measured visit: the session stays, nothing else does.
            cdp = context.new_cdp_session(page)
            cdp.send("Network.clearBrowserCache")
            responses = []
            page.on("response", lambda r: responses.append(r))
            page.goto(base, wait_until="commit")
            result = page.evaluate(FIRST_SCREEN)
            first.append(result["ms"])
            tiles = result["tiles"]
            if os.environ.get("BENCH_TRACE"):
                timeline = page.evaluate("""() => [
                  ...performance.getEntriesByType('navigation').map(e => ['page', 0, e.responseEnd, e.domContentLoadedEventEnd]),
                  ...performance.getEntriesByType('resource').map(e => [e.name.replace(/^https?:\\/\\/[^/]+/, '').slice(0, 60), e.startTime, e.responseEnd, e.duration])]""")
                for name, start, end, extra in timeline:
                    print(f"  {start:7.0f} {end:7.0f} {extra:7.0f} {name}", file=sys.stderr)
            if run == 0:
                page.wait_for_load_state("networkidle")
                for response in responses:
                    if "/assets/" in response.url and response.url.endswith((".js", ".css")):
                        sizes = response.request.sizes()
                        raw = response.body()
                        shipped[response.url.rsplit("/", 1)[1]] = (
                            len(raw), sizes["responseBodySize"], len(gzip.compress(raw, 9)),
                            response.headers.get("content-encoding", "none"))
                # Jump to item 50,000 and count what the page holds.
                target = 50_000
                jumped = page.evaluate(JUMP, target)
                shown = page.evaluate("[...document.querySelectorAll('#grid .tile')].map(t => +t.dataset.index)")
                nodes = page.evaluate("document.getElementsByTagName('*').length")
                assert min(shown) <= target <= max(shown), f"item {target} is not among {min(shown)}–{max(shown)}"
            context.close()
        browser.close()

    print("| measure | value |")
    print("|---|---:|")
    print(f"| first screen usable (its {tiles} thumbnails shown), cold cache, median of {runs} | {statistics.median(first):.0f} ms |")
    print(f"| … slowest of {runs} | {max(first):.0f} ms |")
    for name, (raw, wire, best, encoding) in sorted(shipped.items()):
        print(f"| {name}: {raw / 1024:.1f} KB, shipped ({encoding}) | {wire / 1024:.1f} KB |")
    total_wire = sum(w for _, w, _, _ in shipped.values())
    print(f"| JS + CSS shipped, all files | {total_wire / 1024:.1f} KB |")
    print(f"| library size (the signed-in user's active items) | {jumped['total']:,} |")
    print(f"| jump to item 50,000: that screen's thumbnails shown after | {jumped['ms']:.0f} ms |")
    print(f"| DOM elements at item 50,000 | {nodes} |")


if __name__ == "__main__":
    main()
