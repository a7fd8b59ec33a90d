"""Checks every acknowledged upload in ACKED is listed and downloads byte-identical.
Prints "listed / identical / total". Usage: verify.py BASE KEY ACKED"""
import hashlib, sys

import requests

base, key, acked = sys.argv[1], sys.argv[2], sys.argv[3]
auth = {"Authorization": f"Bearer {key}"}
expected = dict(line.split() for line in open(acked) if line.strip())
listed, page = set(), 1
while True:
    body = requests.get(f"{base}/api/v1/gallery", params={"limit": 100, "page": page}, headers=auth).json()
    listed.update(item["id"] for item in body["items"])
    if page * body["pageSize"] >= body["total"]:
        break
    page += 1
identical = 0
for item, sha in expected.items():
    got = requests.get(f"{base}/api/v1/gallery/{item}/download", headers=auth)
    identical += got.status_code == 200 and hashlib.sha256(got.content).hexdigest() == sha
print(f"{len(listed & expected.keys())} / {identical} / {len(expected)}")
