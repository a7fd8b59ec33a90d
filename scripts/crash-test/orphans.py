"""Counts objects under objects/ that no blob row references, and unfinished writes
(staging files, S3 multipart uploads), from vitrine's own global flags. Prints
"N + M". Usage: orphans.py --data-dir DIR [--database-url URL] [--store s3://BUCKET/PREFIX]"""
import argparse, os, sqlite3, subprocess

import boto3

flags = argparse.ArgumentParser()
flags.add_argument("--data-dir")
flags.add_argument("--database-url")
flags.add_argument("--store")
args = flags.parse_args()

if args.database_url:
    out = subprocess.run(["psql", "-Atq", args.database_url, "-c", "SELECT object_key FROM blobs"],
                         check=True, capture_output=True, text=True).stdout
    referenced = set(out.split())
else:
    db = sqlite3.connect(os.path.join(args.data_dir, "vitrine.db"))
    referenced = {key for (key,) in db.execute("SELECT object_key FROM blobs")}

if args.store and args.store.startswith("s3://"):
    bucket, prefix = args.store[len("s3://"):].split("/", 1)
    s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"])
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=f"{prefix}/objects/")
    stored = {o["Key"][len(prefix) + 1:] for page in pages for o in page.get("Contents", [])}
    unfinished = len(s3.list_multipart_uploads(Bucket=bucket, Prefix=f"{prefix}/objects/").get("Uploads", []))
else:
    root = os.path.join(args.data_dir, "blobs")
    names = [os.path.relpath(os.path.join(d, f), root) for d, _, files in os.walk(os.path.join(root, "objects")) for f in files]
    stored = {n for n in names if "#" not in n}
    unfinished = sum("#" in n for n in names)
print(f"{len(stored - referenced)} + {unfinished}")
