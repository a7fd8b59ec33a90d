"""The dashboard in a real browser (headless Chromium), as a person uses it: sign in,
upload several files with progress (and see why one is refused), filter with the state in
the URL, tag a selection, edit and walk items with the keyboard, share with a password and
open the link in a fresh browser, trash and restore, download a selection as a ZIP; a
second user sees none of it. With --screenshots DIR it saves the main pages.

Usage: dashboard.py VITRINE_BINARY [--screenshots DIR]
"""
import argparse
import io
import os
import sys
import tempfile
import time
import zipfile

from playwright.sync_api import expect, sync_playwright

sys.path.insert(0, os.path.dirname(__file__))
from gallery_page import CHROMIUM, Server, png  # noqa: E402

FILES = [("ridge.png", 900, 600, 0.02), ("lake.png", 640, 480, 0.45), ("camp.png", 800, 800, 0.70)]


def sign_in(page, base, name, password):
    page.goto(base)
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Library")).to_be_visible()


def count(page, text):
    expect(page.locator("#count")).to_have_text(text, timeout=20000)


def tiles(page):
    return page.locator("#grid .tile[data-id]:not([data-id=''])")


def wait_until(page, expression, seconds=20):
    """Polls `expression` with evaluate: the pages' CSP forbids the eval that Playwright's
    wait_for_function needs, and the test keeps the policy on."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {seconds} s: {expression}"
        time.sleep(0.05)


def all_thumbnails_loaded(page):
    wait_until(page, "[...document.querySelectorAll('#grid img')].every(i => i.complete && i.naturalWidth > 0)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--screenshots")
    args = parser.parse_args()
    shots = args.screenshots
    with tempfile.TemporaryDirectory() as data_dir, tempfile.TemporaryDirectory() as files:
        server = Server(os.path.abspath(args.binary), data_dir)
        server.cli("user", "add", "ana", "--password", "ana-password")
        server.cli("user", "add", "bob", "--password", "bob-password")
        paths = []
        for name, width, height, hue in FILES:
            path = os.path.join(files, name)
            with open(path, "wb") as out:
                out.write(png(width, height, hue))
            paths.append(path)
        broken = os.path.join(files, "notes.png")
        with open(broken, "wb") as out:
            out.write(b"these are notes, not a picture")
        server.start()
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM)
                context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
                page = context.new_page()
                page.on("dialog", lambda dialog: dialog.accept())

                # Signed out, / is the form; a wrong password says so.
                page.goto(server.base)
                page.get_by_label("Name").fill("ana")
                page.get_by_label("Password").fill("wrong password")
                page.get_by_role("button", name="Sign in").click()
                expect(page.get_by_role("alert")).to_contain_text("do not match")
                if shots:
                    page.screenshot(path=os.path.join(shots, "dashboard-sign-in.png"))
                sign_in(page, server.base, "ana", "ana-password")
                count(page, "0 items")

                # Upload several: a progress bar per file, the refused one says why.
                page.locator("#files").set_input_files(paths + [broken])
                rows = page.locator("#uploads li")
                expect(rows).to_have_count(4)
                for name, *_ in FILES:
                    row = rows.filter(has_text=name)
                    expect(row.locator(".done")).to_have_text("Done", timeout=30000)
                    done = row.locator("progress").evaluate("p => p.value === p.max && p.max > 0")
                    assert done, f"{name}: the bar is full when done"
                expect(rows.filter(has_text="notes.png").locator(".error")).not_to_be_empty(timeout=30000)
                refusal = rows.filter(has_text="notes.png").locator(".error").inner_text()
                assert "Done" not in refusal, refusal
                count(page, "3 items")
                expect(tiles(page)).to_have_count(3)
                all_thumbnails_loaded(page)

                # Dropped anywhere on the page: one more file, and it lands in the grid.
                dropped = page.evaluate_handle("""bytes => {
                    const transfer = new DataTransfer();
                    transfer.items.add(new File([new Uint8Array(bytes)], 'dropped.png', {type: 'image/png'}));
                    return transfer;
                }""", list(png(320, 240, 0.33)))
                page.dispatch_event("main", "dragenter", {"dataTransfer": dropped})
                page.dispatch_event("main", "drop", {"dataTransfer": dropped})
                expect(rows.filter(has_text="dropped.png").locator(".done")).to_have_text("Done", timeout=30000)
                count(page, "4 items")
                first_dropped = tiles(page).first
                assert first_dropped.locator("img").get_attribute("alt") == "dropped.png", "newest first"
                # Out of the way of the counts below: to the trash and deleted for good.
                dropped_id = first_dropped.get_attribute("data-id")
                key = server.cli("key", "create", "--user", "ana")
                server.call(key, "DELETE", f"/api/v1/gallery/{dropped_id}")
                server.call(key, "DELETE", f"/api/v1/gallery/{dropped_id}?permanent=true")
                page.reload()
                count(page, "3 items")
                srcset = tiles(page).first.locator("img").get_attribute("srcset")
                assert srcset and "256w" in srcset, srcset
                if shots:
                    page.screenshot(path=os.path.join(shots, "dashboard-library.png"))

                # Filter: the URL holds it, reload keeps it, back undoes it.
                page.locator("#filters").get_by_label("Search").fill("ridge")
                count(page, "1 item")
                assert "search=ridge" in page.url, page.url
                page.reload()
                count(page, "1 item")
                expect(page.locator("#filters").get_by_label("Search")).to_have_value("ridge")
                page.go_back()
                count(page, "3 items")
                expect(page.locator("#filters").get_by_label("Search")).to_have_value("")

                # Select two (click, then shift-click) and tag them.
                boxes = page.locator("#grid .pick")
                boxes.nth(0).click()
                boxes.nth(1).click(modifiers=["Shift"])
                expect(page.locator("#selected-count")).to_have_text("2 selected")
                page.locator("#selection").get_by_role("button", name="Tag").click()
                page.locator("#prompt input").fill("hills, dusk")
                page.locator("#prompt").get_by_role("button", name="OK").click()
                expect(page.locator("#selection")).to_be_hidden()
                page.locator("#filters").get_by_label("Tags").fill("hills")
                count(page, "2 items")
                page.get_by_role("button", name="Clear").click()
                count(page, "3 items")

                # The item view: edit, favorite, keyboard walk.
                tiles(page).nth(0).locator("a").click()
                viewer = page.locator("#viewer")
                expect(viewer).to_be_visible()
                assert "item=" in page.url, page.url
                viewer.get_by_label("Title").fill("Evening on the ridge")
                viewer.get_by_role("button", name="Save").click()
                expect(viewer.locator("h2")).to_have_text("Evening on the ridge")
                viewer.get_by_role("button", name="☆ Favorite").click()
                expect(viewer.get_by_role("button", name="★ Favorite")).to_have_attribute("aria-pressed", "true")
                expect(viewer.locator("dl")).to_contain_text("Dimensions")
                if shots:
                    page.screenshot(path=os.path.join(shots, "dashboard-item.png"))
                first = viewer.locator("h2").inner_text()
                page.keyboard.press("ArrowRight")
                expect(viewer.locator("h2")).not_to_have_text(first)
                page.keyboard.press("ArrowLeft")
                expect(viewer.locator("h2")).to_have_text(first)

                # Share with a password; a fresh browser needs the password to see it.
                viewer.get_by_role("button", name="Share").click()
                viewer.get_by_label("Password (optional)").fill("open sesame")
                viewer.get_by_label("Allow download").check()
                viewer.get_by_role("button", name="Create link").click()
                link = viewer.locator(".share-url")
                expect(link).to_be_visible()
                share_url = link.input_value()
                assert share_url.startswith(f"{server.base}/share/"), share_url
                stranger = browser.new_context().new_page()
                stranger.goto(share_url)
                stranger.get_by_label("Password").fill("not it")
                stranger.get_by_role("button").click()
                expect(stranger.locator(".error")).to_be_visible()
                stranger.get_by_label("Password").fill("open sesame")
                stranger.get_by_role("button").click()
                expect(stranger.locator("h1")).to_have_text("Evening on the ridge")
                wait_until(stranger, "document.querySelector('img.media')?.naturalWidth > 0")
                stranger.context.close()

                # Trash and restore.
                viewer.get_by_role("button", name="Delete").click()
                expect(viewer).to_be_hidden()
                count(page, "2 items")
                page.get_by_role("link", name="Trash").click()
                count(page, "1 item")
                tiles(page).first.locator("a").click()
                expect(page.locator("#viewer h2")).to_have_text("Evening on the ridge")
                if shots:
                    page.screenshot(path=os.path.join(shots, "dashboard-trash.png"))
                page.locator("#viewer").get_by_role("button", name="Restore").click()
                count(page, "0 items")
                page.get_by_role("link", name="Library").click()
                count(page, "3 items")

                # Select every shown item and download them as one ZIP.
                page.locator("#grid .pick").first.click()
                page.get_by_role("button", name="Select all shown").click()
                expect(page.locator("#selected-count")).to_have_text("3 selected")
                with page.expect_download() as download:
                    page.get_by_role("button", name="Download ZIP").click()
                archive = zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read()))
                assert archive.testzip() is None
                names = sorted(archive.namelist())
                assert names == sorted(n for n, *_ in FILES), names
                assert archive.read("lake.png") == open(paths[1], "rb").read()

                # A collection: made, filled from a selection, shared, seen by a visitor.
                page.get_by_role("link", name="Collections").click()
                page.get_by_label("New collection").fill("Evenings")
                page.get_by_role("button", name="Create").click()
                expect(page.locator("#collections li")).to_contain_text("Evenings")
                page.get_by_role("link", name="Library").click()
                count(page, "3 items")
                page.locator("#grid .pick").nth(0).click()
                page.locator("#grid .pick").nth(1).click()
                page.locator("#selection").get_by_role("button", name="Add to collection").click()
                page.locator("#prompt").get_by_role("button", name="OK").click()
                expect(page.locator("#selection")).to_be_hidden()
                page.get_by_role("link", name="Collections").click()
                expect(page.locator("#collections li").first).to_contain_text("2 items")
                page.get_by_role("button", name="Share Evenings").click()
                page.locator(".share-here").get_by_role("button", name="Create link").click()
                expect(page.locator(".share-here .share-url")).to_be_visible()
                visitor = browser.new_context().new_page()
                visitor.goto(page.locator(".share-here .share-url").input_value())
                expect(visitor.locator(".grid img")).to_have_count(2)
                visitor.context.close()

                # A gallery: made from the library, reordered by dragging, published.
                page.get_by_role("link", name="Galleries").click()
                page.get_by_label("New gallery, its address").fill("three-evenings")
                page.get_by_role("button", name="Create").click()
                editor = page.locator("#gallery-editor")
                expect(editor.get_by_role("heading", name="Gallery three-evenings")).to_be_visible()
                rows = editor.locator("#gallery-media li")
                # The picker fills after the editor renders (its own fetch), so
                # wait for the count it must reach, never read it mid-render.
                for added in range(3):
                    expect(editor.locator(".pick-item")).to_have_count(3 - added)
                    editor.locator(".pick-item").first.click()
                    expect(rows).to_have_count(added + 1)
                expect(rows).to_have_count(3)
                order = rows.evaluate_all("rows => rows.map(r => r.dataset.id)")
                rows.nth(2).drag_to(rows.nth(0), target_position={"x": 20, "y": 5})
                expect(page.locator(".toast").filter(has_text="Order saved")).to_be_visible()
                wanted = [order[2], order[0], order[1]]
                assert rows.evaluate_all("rows => rows.map(r => r.dataset.id)") == wanted
                editor.get_by_label("Status").select_option("published")
                editor.get_by_role("button", name="Save", exact=True).click()
                expect(editor.get_by_role("link", name="Open the public page")).to_be_visible()
                if shots:
                    page.screenshot(path=os.path.join(shots, "dashboard-gallery.png"), full_page=True)
                public = browser.new_context().new_page()
                assert public.goto(f"{server.base}/g/three-evenings").status == 200
                shown = public.locator("main figure img").evaluate_all("imgs => imgs.map(i => i.src.split('/')[6])")
                assert shown == wanted, f"the public page keeps the dragged order: {shown} != {wanted}"
                public.context.close()

                # Projects: a like with a comment, seen again after a reload.
                project = server.call(key, "POST", "/api/v1/projects", {"name": "Portraits"})["id"]
                for item in order[:2]:
                    server.call(key, "PATCH", f"/api/v1/gallery/{item}", {"project_id": project})
                page.get_by_role("link", name="Projects").click()
                board = page.locator("#projects")
                expect(board.get_by_role("heading", name="Portraits")).to_be_visible()
                expect(board.locator(".project-image")).to_have_count(2)
                first_card = board.locator(".project-image").first
                first_card.get_by_placeholder("Comment").fill("Sharp and warm")
                first_card.locator("button[data-value=like]").click()
                expect(first_card.locator("button[aria-pressed=true]")).to_have_count(1)
                page.reload()
                first_card = page.locator("#projects .project-image").first
                expect(first_card.locator("button[aria-pressed=true]")).to_have_text("Like")
                expect(first_card.get_by_placeholder("Comment")).to_have_value("Sharp and warm")
                page.locator("#project-filters").get_by_label("Feedback").select_option("like")
                expect(page.locator("#projects .project-image")).to_have_count(1)
                if shots:
                    page.screenshot(path=os.path.join(shots, "dashboard-projects.png"))

                # Account: storage, and an API key shown once that works.
                page.get_by_role("link", name="Account").click()
                expect(page.locator("#storage-text")).to_contain_text("used")
                page.get_by_label("media:delete").uncheck()
                page.get_by_role("button", name="Create key").click()
                new_key = page.locator("#new-key-value").input_value()
                assert new_key.startswith("vtr_"), new_key
                assert len(server.call(new_key, "GET", "/api/v1/gallery")["items"]) == 3
                expect(page.locator("#keys li")).to_have_count(2)
                if shots:
                    page.screenshot(path=os.path.join(shots, "dashboard-account.png"))
                page.reload()
                assert new_key not in page.content(), "a key is shown once"

                # Shared links: the one made above is listed and can be revoked.
                page.get_by_role("link", name="Shared links").click()
                expect(page.locator("#shares li")).to_have_count(2)
                page.locator("#shares li").filter(has_text="Item").get_by_role("button", name="Revoke").click()
                expect(page.locator("#shares li")).to_have_count(1)
                expect(page.locator("#shares li")).to_contain_text("Collection")
                assert browser.new_context().new_page().goto(share_url).status == 410

                # Another user sees none of it, in the grid or by asking for an item.
                ana_item = order[0]
                other = browser.new_context().new_page()
                sign_in(other, server.base, "bob", "bob-password")
                count(other, "0 items")
                for section, empty in [("Galleries", "No galleries yet."), ("Projects", "No projects match."),
                                       ("Shared links", "No live links.")]:
                    other.get_by_role("link", name=section).click()
                    expect(other.locator("main")).to_contain_text(empty)
                assert other.request.get(f"{server.base}/api/v1/gallery/{ana_item}").status == 404
                other.goto(f"{server.base}/?item={ana_item}")
                count(other, "0 items")
                expect(other.locator("#viewer")).to_be_hidden()

                if shots:
                    phone = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme="dark").new_page()
                    sign_in(phone, server.base, "ana", "ana-password")
                    count(phone, "3 items")
                    all_thumbnails_loaded(phone)
                    phone.screenshot(path=os.path.join(shots, "dashboard-phone-dark.png"))
                    phone.context.close()

                # Signing out ends the session.
                page.get_by_role("button", name="Sign out").click()
                expect(page.get_by_role("button", name="Sign in")).to_be_visible()
                assert page.request.get(f"{server.base}/api/v1/gallery").status == 401
                browser.close()
        finally:
            server.stop()
    print("dashboard: sign-in, uploads, filters, tags, item view, shares, trash, ZIP, collections, galleries, projects, keys and privacy work in Chromium")


if __name__ == "__main__":
    main()
