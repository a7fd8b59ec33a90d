"""Times listing requests over one keep-alive connection and prints a Markdown table row
per combination: the total the server reported, p50 and p99 in milliseconds.

Usage: client.py BACKEND HOST:PORT KEY REQUESTS
"""

import http.client
import json
import sys
import time

backend, host, key, requests = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
COMBINATIONS = [
    ("spec 2 default: root folder, newest first", "/images"),
    ("deep page (page 200 of 50)", "/images?page=200&limit=50"),
    ("one folder", "/images?folderId=fld_bench_07"),
    ("favorites, all folders", "/images?favorite=true&folderId=all"),
    ("one tag (~5 %)", "/images?tags=t05&folderId=all"),
    ("two tags minus one", "/images?tags=t05,t37&excludeTags=t12&folderId=all"),
    ("q: a word in names", "/images?q=harbor"),
    ("one month", "/images?from=2025-03-01&to=2025-03-31&folderId=all"),
    ("videos over 100 MB", "/images?mimePrefix=video/&minSize=100000000&folderId=all"),
    ("spec 1: collection + type", "/api/v1/gallery?collection=col_bench_3&type=image"),
    ("spec 1: search two words", "/api/v1/gallery?search=taken%20lighthouse"),
    ("trash", "/images?status=trash"),
]

conn = http.client.HTTPConnection(host)
headers = {"Authorization": f"Bearer {key}"}


def get(path):
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        raise SystemExit(f"{path}: {response.status} {body[:200]!r}")
    return json.loads(body)


for label, path in COMBINATIONS:
    body = get(path)
    total = body["pagination"]["total"] if "pagination" in body else body["total"]
    for _ in range(5):
        get(path)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        get(path)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p50 = times[len(times) // 2]
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    print(f"| {backend} | {label}: `{path}` | {total} | {p50:.1f} | {p99:.1f} |", flush=True)
