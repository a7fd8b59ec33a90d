"""Runs schemathesis against a fresh Vitrine: an administrator with an API key, a library
with a few records in it (so lists answer with real items, checked against their schemas),
then every operation of /api/openapi.json exercised. Fails on a 5xx, an undocumented status,
a wrong content type or a body that breaks its schema, and on a panic in the server's log.

Usage: run.py VITRINE_BINARY SCHEMATHESIS_EXECUTABLE EXAMPLES_PER_OPERATION"""
import json
import os
import re
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
import zlib

binary, schemathesis, examples = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]), sys.argv[3]
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def png(width: int, height: int, shade: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + bytes((x * shade + y) % 256 for x in range(width * 3)) for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def call(base: str, key: str, method: str, path: str, body=None, content_type="application/json"):
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method,
                                     headers={"Authorization": f"Bearer {key}", "Content-Type": content_type})
    with urllib.request.urlopen(request, timeout=30) as response:
        text = response.read()
        return json.loads(text) if text else None


def upload(base: str, key: str, name: str, content: bytes) -> dict:
    boundary = uuid.uuid4().hex
    form = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            f"Content-Type: image/png\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return call(base, key, "POST", "/api/v1/gallery", form, f"multipart/form-data; boundary={boundary}")


def v1_upload(base: str, key: str, content: bytes) -> dict:
    boundary = uuid.uuid4().hex
    form = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"source\"; filename=\"v1.png\"\r\n"
            f"Content-Type: image/png\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return call(base, key, "POST", "/api/1/upload", form, f"multipart/form-data; boundary={boundary}")["image"]


def seed(base: str, key: str) -> list:
    """A few records of every kind, and per-operation parameters that name them, so that
    the fuzzed requests reach real records and their answers are checked too."""
    uploaded = [upload(base, key, f"seed-{n}.png", png(200 + n * 10, 150, n + 3)) for n in range(3)]
    items = [item["id"] for item in uploaded]
    folder = call(base, key, "POST", "/api/v1/gallery/folders", {"name": "Seeded"})["id"]
    call(base, key, "POST", "/api/v1/gallery/bulk/move", {"itemIds": items[:1], "folderId": folder})
    collection = call(base, key, "POST", "/api/v1/gallery/collections", {"name": "Seeded"})["id"]
    call(base, key, "POST", f"/api/v1/gallery/collections/{collection}/items", {"itemIds": items})
    shared = call(base, key, "POST", f"/api/v1/gallery/collections/{collection}/share", {"allowDownload": True})
    token = shared["shareUrl"].rsplit("/", 1)[1]
    call(base, key, "POST", "/api/v1/gallery/bulk/tag", {"itemIds": items, "tags": ["seeded"]})
    gallery = call(base, key, "POST", "/api/v1/galleries", {"slug": "seeded", "status": "published"})["id"]
    for item in items:
        call(base, key, "POST", f"/api/v1/galleries/{gallery}/media", {"media_id": item})
    language = call(base, key, "GET", "/api/v1/languages")[0]["id"]
    call(base, key, "PUT", f"/api/v1/galleries/{gallery}/translations", {"language_id": language, "title": "Seeded"})
    project = call(base, key, "POST", "/api/v1/projects", {"name": "Seeded"})["id"]
    call(base, key, "PATCH", f"/api/v1/gallery/{items[1]}", {"project_id": project})
    group = call(base, key, "POST", "/api/v1/groups", {"name": "Seeded"})["id"]
    call(base, key, "POST", "/api/v1/categories", {"name": "Seeded"})
    call(base, key, "POST", "/api/v1/admin/users", {"name": "fuzzed", "password": "fuzzed-password"})
    v1 = v1_upload(base, key, png(64, 64, 9))
    year, month, day, file = v1["url"].split("/images/", 1)[1].split("/")
    thumb = urllib.parse.urlparse(uploaded[2]["thumbnailUrl"])
    signed = urllib.parse.parse_qs(thumb.query)
    media_id, variant = thumb.path.split("/")[2:4]
    # Fixed values per path; anything else is generated.
    return [
        ("^/api/v1/gallery/\\{id\\}", {"path.id": items[2]}),
        ("^/api/v1/gallery/collections/\\{id\\}", {"path.id": collection}),
        ("^/api/v1/gallery/folders/\\{id\\}", {"path.id": folder}),
        ("^/api/v1/galleries/\\{id\\}", {"path.id": gallery, "path.media_id": items[0], "path.language_id": language}),
        ("^/api/v1/projects/\\{id\\}", {"path.id": project}),
        ("^/api/v1/groups/\\{id\\}", {"path.id": group, "path.user": "fuzzed"}),
        ("^/api/v1/admin/users/\\{name\\}", {"path.name": "fuzzed"}),
        ("^/share/\\{token\\}", {"path.token": token, "path.item": items[1], "path.variant": "thumb"}),
        ("^/g/\\{slug\\}", {"path.slug": "seeded", "path.item": items[1], "path.variant": "thumb"}),
        ("^/media/", {"path.id": media_id, "path.variant": variant,
                      "query.exp": int(signed["exp"][0]), "query.sig": signed["sig"][0]}),
        ("^/images/\\{y\\}", {"path.y": year, "path.m": month, "path.d": day, "path.file": file}),
        ("^/(image|clip)/\\{path\\}", {"path.path": v1["id_encoded"]}),
    ]


def config(path: str, operations: list) -> None:
    with open(path, "w") as out:
        for regex, parameters in operations:
            out.write(f"[[operations]]\ninclude-path-regex = {json.dumps(regex)}\n")
            out.write("parameters = { " + ", ".join(f"{json.dumps(k)} = {json.dumps(v)}" for k, v in parameters.items()) + " }\n\n")


def exercised(base: str, report_dir: str) -> None:
    """Every operation of the document was requested, as the recorded exchanges show."""
    with urllib.request.urlopen(f"{base}/api/openapi.json") as response:
        document = json.load(response)
    def template(path: str) -> re.Pattern:
        parts = re.split(r"\{[^}]+\}", path)
        return re.compile("^" + "[^/]+".join(re.escape(part) for part in parts) + "$")

    operations = {(method.upper(), template(path)) for path, item in document["paths"].items() for method in item}
    # schemathesis leaves out the document's own operation; loading it was the first request.
    seen = {("GET", template("/api/openapi.json").pattern)}
    for name in os.listdir(report_dir):
        with open(os.path.join(report_dir, name)) as har:
            for entry in json.load(har)["log"]["entries"]:
                url = urllib.parse.urlparse(entry["request"]["url"])
                for method, pattern in operations:
                    if method == entry["request"]["method"] and pattern.match(url.path):
                        seen.add((method, pattern.pattern))
    missing = sorted(f"{m} {p.pattern}" for m, p in operations if (m, p.pattern) not in seen)
    print(f"operations exercised: {len(seen)} of {len(operations)}")
    if missing:
        print("never requested:", *missing, sep="\n  ")
        sys.exit(1)


with tempfile.TemporaryDirectory() as work:
    data = os.path.join(work, "data")
    run = lambda *args: subprocess.run([binary, "--data-dir", data, *args], check=True,
                                       capture_output=True, text=True).stdout.strip()
    run("user", "add", "admin", "--password", "admin-password", "--admin")
    key = run("key", "create", "--user", "admin")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    base = f"http://127.0.0.1:{port}"
    log_path = os.path.join(work, "server.log")
    with open(log_path, "w") as log:
        server = subprocess.Popen([binary, "--data-dir", data, "serve", "--listen", f"127.0.0.1:{port}"],
                                  stdout=log, stderr=log)
    try:
        for _ in range(200):
            try:
                with urllib.request.urlopen(f"{base}/readyz", timeout=2):
                    break
            except OSError:
                time.sleep(0.05)
        config_file = os.path.join(work, "schemathesis.toml")
        config(config_file, seed(base, key))
        done = subprocess.run([
            schemathesis, "--config-file", config_file, "run", f"{base}/api/openapi.json",
            "--header", f"Authorization: Bearer {key}",
            "--checks", CHECKS,
            "--phases", "examples,coverage,fuzzing",
            "--max-examples", examples,
            "--workers", "2",
            "--seed", "1",
            "--suppress-health-check", "all",
            "--continue-on-failure",
            "--request-timeout", "30",
            "--no-color",
            "--report", "har",
            "--report-dir", os.path.join(work, "report"),
        ], cwd=work)  # its cache goes in the temporary directory, not the checkout
        exercised(base, os.path.join(work, "report"))
    finally:
        server.terminate()
        server.wait(timeout=30)
    with open(log_path) as log:
        panics = [line for line in log if "panicked" in line]
    if panics:
        print("the server panicked:", *panics[:5], sep="\n")
        sys.exit(1)
    sys.exit(done.returncode)
