"""Every dashboard page under axe-core (from the npm registry), in light and dark, on a
desktop and a 390 px phone: no serious or critical violation, no sideways scroll; and the
keyboard alone reaches the content and opens an item.

Usage: accessibility.py VITRINE_BINARY
"""
import argparse
import json
import os
import sys
import tempfile

from playwright.sync_api import expect, sync_playwright

sys.path.insert(0, os.path.dirname(__file__))
from gallery_page import CHROMIUM, Server, png  # noqa: E402

AXE = os.path.join(os.path.dirname(__file__), "node_modules", "axe-core", "axe.min.js")
PAGES = ["/", "/trash", "/collections", "/folders", "/galleries", "/projects", "/shares", "/account", "/admin"]
# axe runs in the page through the DevTools protocol, which the pages' CSP does not cover.
SCAN = """axe.run(document, {resultTypes: ['violations']}).then(r => r.violations
  .filter(v => v.impact === 'serious' || v.impact === 'critical')
  .map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))"""


def seed(server):
    server.cli("user", "add", "root", "--password", "root-password", "--admin")
    key = server.cli("key", "create", "--user", "root")
    server.start()
    items = [server.upload(key, f"hill-{n}.png", png(480, 320, n / 5)) for n in range(4)]
    server.call(key, "POST", "/api/v1/gallery/collections", {"name": "Walks"})
    server.call(key, "POST", "/api/v1/gallery/folders", {"name": "2026"})
    gallery = server.call(key, "POST", "/api/v1/galleries", {"slug": "walks", "status": "draft"})["id"]
    server.call(key, "POST", f"/api/v1/galleries/{gallery}/media", {"media_id": items[0]})
    project = server.call(key, "POST", "/api/v1/projects", {"name": "Hills"})["id"]
    server.call(key, "PATCH", f"/api/v1/gallery/{items[1]}", {"project_id": project})
    server.call(key, "POST", f"/api/v1/gallery/{items[2]}/share", {})
    server.call(key, "DELETE", f"/api/v1/gallery/{items[3]}")
    return gallery


def scan(page, where):
    page.evaluate(open(AXE).read() + ";0")
    found = page.evaluate(SCAN)
    assert not found, f"{where}: {json.dumps(found, indent=1)}"
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{where}: {overflow} px of sideways scroll"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        server = Server(os.path.abspath(args.binary), data_dir)
        try:
            gallery = seed(server)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM)
                for scheme in ["light", "dark"]:
                    for width, height in [(1280, 900), (390, 844)]:
                        context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": height})
                        page = context.new_page()
                        page.goto(server.base)
                        scan(page, f"sign-in, {scheme}, {width} px")
                        page.get_by_label("Name").fill("root")
                        page.get_by_label("Password").fill("root-password")
                        page.get_by_role("button", name="Sign in").click()
                        expect(page.locator("#count")).to_have_text("3 items")
                        for path in PAGES:
                            page.goto(f"{server.base}{path}")
                            page.wait_for_load_state("networkidle")
                            scan(page, f"{path}, {scheme}, {width} px")
                        page.goto(f"{server.base}/galleries?id={gallery}")
                        expect(page.locator("#gallery-media li")).to_have_count(1)
                        scan(page, f"gallery editor, {scheme}, {width} px")
                        page.goto(server.base)
                        page.locator("#grid .tile a").first.click()
                        expect(page.locator("#viewer h2")).to_be_visible()
                        page.wait_for_load_state("networkidle")
                        scan(page, f"item view, {scheme}, {width} px")
                        context.close()

                # The keyboard alone: skip link first, then into the grid, Enter opens an item.
                page = browser.new_context().new_page()
                page.goto(server.base)
                page.get_by_label("Name").fill("root")
                page.get_by_label("Password").fill("root-password")
                page.keyboard.press("Enter")
                expect(page.locator("#count")).to_have_text("3 items")
                page.keyboard.press("Tab")
                assert page.evaluate("document.activeElement.textContent") == "Skip to content"
                page.keyboard.press("Enter")
                for _ in range(60):
                    page.keyboard.press("Tab")
                    if page.evaluate("!!document.activeElement.closest('#grid .tile a')"):
                        break
                else:
                    raise AssertionError("Tab never reached the grid")
                page.keyboard.press("Enter")
                expect(page.locator("#viewer")).to_be_visible()
                page.keyboard.press("Escape")
                expect(page.locator("#viewer")).to_be_hidden()
                browser.close()
        finally:
            server.stop()
    print("accessibility: every page passes axe (no serious or critical) in light and dark, on a phone and a desktop; the keyboard reaches and opens items")


if __name__ == "__main__":
    main()
