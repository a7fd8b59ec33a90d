"""Runs seed SQL from stdin on a SQLite database (no sqlite3 CLI needed on a fresh machine)."""

import sqlite3
import sys

db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA journal_mode = WAL")
db.execute("PRAGMA synchronous = OFF")
db.execute("PRAGMA cache_size = -1000000")
db.executescript(sys.stdin.read())
db.close()
