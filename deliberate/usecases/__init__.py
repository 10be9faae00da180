"""The use cases: one function per thing a person does with deliberate, between the front ends
(the web UI, the command line, a platform that imports the library) and the core and the store.

A front end parses what it was given, calls one use case and renders what comes back; the use case
loads what it needs, runs the core's commands through the :class:`~deliberate.ledger.Ledger` and
reads or writes the store. Use cases import the core and the store, never a web framework or a
command-line library (import-linter checks it), so every front end runs the same code.

>>> from datetime import datetime, timezone, timedelta
>>> from deliberate.usecases import demo, hall, open_store
>>> store = open_store("sqlite://")
>>> installed = demo.install_demo(store, datetime(2026, 11, 24, 9, tzinfo=timezone(timedelta(hours=8))),
...                               secret=b"doctest")
>>> installed.new, installed.people
(True, 380)
"""

from __future__ import annotations

from deliberate.store import SqlRepository, open_store

from . import (
           accounts,
           ballot,
           cards,
           demo,
           dossier,
           hall,
           limits,
           matters,
           participation,
           records,
           roster,
           roster_preview,
           settings,
           tracking,
)
from .common import Missing, NotFound, address, handle, is_database_error, sitting_of, state_of, village_name

__all__ = ["Missing", "NotFound", "SqlRepository", "accounts", "address", "ballot", "cards", "demo", "dossier",
           "hall", "handle",
           "is_database_error", "limits", "matters",
           "open_store", "participation", "records", "roster", "roster_preview", "settings", "sitting_of", "state_of",
           "tracking",
           "village_name"]
