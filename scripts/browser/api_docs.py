"""The API's docs page (`/api/docs`) in a real browser: Swagger UI, served by Vitrine under
its own policy, renders every operation of the OpenAPI document with no script or policy
error, and an operation opens to show its parameters.

Usage: api_docs.py VITRINE_BINARY
"""
import argparse
import json
import os
import sys
import tempfile
import urllib.request

from playwright.sync_api import sync_playwright

sys.path.insert(0, os.path.dirname(__file__))
from dashboard import wait_until  # noqa: E402
from gallery_page import CHROMIUM, Server  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        server = Server(os.path.abspath(args.binary), data_dir)
        server.start()
        try:
            with urllib.request.urlopen(f"{server.base}/api/openapi.json") as response:
                document = json.load(response)
            operations = sum(len(item) for item in document["paths"].values())
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM)
                page = browser.new_page()
                problems = []
                page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda e: problems.append(str(e)))
                page.on("requestfailed", lambda r: problems.append(f"{r.url}: {r.failure}"))
                page.on("response", lambda r: problems.append(f"{r.url}: {r.status}") if r.status >= 400 else None)
                page.goto(f"{server.base}/api/docs")
                wait_until(page, f"document.querySelectorAll('.opblock').length === {operations}")
                assert "Vitrine" in page.locator(".info .title").inner_text()
                page.locator("#operations-gallery-get_api_v1_gallery_by_id button.opblock-summary-control").click()
                wait_until(page, "document.querySelector('#operations-gallery-get_api_v1_gallery_by_id .parameters') !== null")
                assert not problems, problems
                browser.close()
        finally:
            server.stop()
    print(f"api docs: {operations} operations rendered, no errors")


if __name__ == "__main__":
    main()
