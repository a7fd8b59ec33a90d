"""Times `/gallery/by-project` through HTTP: one client, one request at a time on a
kept-alive connection, REQUESTS requests per combination after five untimed ones.

Usage: client.py NAME HOST:PORT KEY REQUESTS   (prints Markdown table rows)
"""
import http.client
import json
import sys
import time

name, host, key, requests = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
conn = http.client.HTTPConnection(host, timeout=60)
COMBINATIONS = [
    ("defaults (20 projects × 50 images, by name)", ""),
    ("sort_by=quality_score", "sort_by=quality_score"),
    ("order=asc&page=5", "order=asc&page=5"),
    ("status=completed", "status=completed"),
    ("feedback=like,none", "feedback=like,none"),
    ("ownership=shared", "ownership=shared"),
    ("status+feedback+ownership, by quality", "status=completed&feedback=dislike&ownership=mine&sort_by=quality_score"),
    ("max_images_per_project=200", "max_images_per_project=200"),
]


def get(query):
    """The body, read whole; parsing it is left to the caller, outside the timing."""
    conn.request("GET", f"/gallery/by-project?{query}", headers={"Authorization": f"Bearer {key}"})
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        sys.exit(f"{query}: {response.status} {body[:200]!r}")
    return body


for label, query in COMBINATIONS:
    body = get(query)
    page = json.loads(body)
    images = sum(len(p["images"]) for p in page["projects"])
    for _ in range(5):
        get(query)
    samples = []
    for _ in range(requests):
        start = time.perf_counter()
        get(query)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p50 = samples[len(samples) // 2]
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    print(f"| {name} | {label} | {len(page['projects'])} × {images} | {len(body) // 1024} | {p50:.1f} | {p99:.1f} |")
