"""The baseline for the web benchmark: a minimal Flask endpoint that inserts one row into the same
SQLite database, with the store's settings (WAL, synchronous=FULL), served the same way."""

from __future__ import annotations

import os
import sqlite3
import threading

from flask import Flask, request

app = Flask(__name__)
_local = threading.local()


def _db() -> sqlite3.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = sqlite3.connect(os.environ["BENCH_DB"], isolation_level=None, timeout=60)
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "busy_timeout=60000"):
            conn.execute(f"PRAGMA {pragma}")
        _local.conn = conn
    return conn


@app.post("/insert")
def insert() -> tuple[str, int]:
    conn = _db()
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT OR REPLACE INTO raw_ballot VALUES (?, ?)",
                 (request.form["voter"], request.form["choice"]))
    conn.execute("COMMIT")
    return "", 204


@app.get("/hello")
def hello() -> dict[str, bool]:
    """The read baseline (bench/public_bench.py): Flask's own cost for a small JSON answer."""
    return {"ok": True}
