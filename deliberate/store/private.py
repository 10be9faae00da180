"""What the store keeps beside the public log: personal data, and the files progress entries name.

The log is public — anyone may download it — so a villager's name and phone number never enter it.
They are kept here, keyed by the objection or submission they came with, for officials to read.
Attached files are kept by SHA-256: the log records the hash, and whoever downloads the file can
hash it again and compare.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select

from deliberate.errors import InvalidInput

from .models import AttachmentFileRow, PersonalRow

__all__ = ["MAX_FILE_BYTES", "ContactRecord", "FileRecord", "Personal", "StoredFile", "keep", "load_file",
           "personal"]

# A photo of a receipt or a scanned invoice; a video of a sitting is referenced, not uploaded.
MAX_FILE_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Personal:
    name: str | None
    contact: str | None


@dataclass(frozen=True, slots=True)
class StoredFile:
    sha256: str
    name: str
    media_type: str
    content: bytes


@dataclass(frozen=True, slots=True)
class ContactRecord:
    """Who lodged ``ref`` (an objection ``matter/objection``, a submission) and how to reach
    them: a side record (:class:`deliberate.repository.Change`), kept with the entry or not at
    all. Nothing is kept when both are empty."""

    kind: str  # "objection" or "submission"
    ref: str
    name: str | None
    contact: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class FileRecord:
    """A file a progress entry names by SHA-256: a side record, kept with the entry or not at
    all. The same bytes kept twice are kept once (content addressing)."""

    name: str
    media_type: str
    content: bytes
    at: datetime

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


# Written on the driver, in the writer's transaction with the entries (deliberate.store.writer).
_KEEP_CONTACT = ("INSERT INTO personal (village, kind, ref, name, contact, created_at) "
                 "VALUES (?, ?, ?, ?, ?, ?)")
# The same bytes kept before stay as they are (content addressing).
_KEEP_FILE = ("INSERT INTO attachment_file (village, sha256, name, media_type, size, content, created_at) "
              "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (village, sha256) DO NOTHING")


def _stamp(dialect: str, at: datetime) -> Any:
    """``at`` as the column takes it: on SQLite, the text SQLAlchemy writes for a DateTime, so
    rows written here and through SQLAlchemy read back alike."""
    return at.strftime("%Y-%m-%d %H:%M:%S.%f") if dialect == "sqlite" else at


def keep(cur: Any, dialect: str, village: str, records: Sequence[object]) -> None:
    """Write side records through the driver's cursor ``cur``, in the writer's transaction with
    the entries.

    Too long a name or media type is refused, not cut: the use case checks them first, so this
    only guards the columns."""
    mark = "%s" if dialect == "postgresql" else "?"
    for record in records:
        if isinstance(record, ContactRecord):
            if record.name or record.contact:
                cur.execute(_KEEP_CONTACT.replace("?", mark),
                            (village, record.kind, record.ref, record.name or None,
                             record.contact or None, _stamp(dialect, record.at)))
        elif isinstance(record, FileRecord):
            if len(record.content) > MAX_FILE_BYTES or len(record.name) > 500 or len(record.media_type) > 200:
                raise InvalidInput("err_bad_value", field="file",
                                   detail=f"{record.name[:80]!r}: over the store's limits")
            cur.execute(_KEEP_FILE.replace("?", mark),
                        (village, record.sha256, record.name, record.media_type, len(record.content),
                         record.content, _stamp(dialect, record.at)))
        else:
            raise TypeError(f"not a side record the store keeps: {type(record).__name__}")


def personal(engine: Engine, village: str, kind: str) -> dict[str, Personal]:
    """Name and contact of each ``kind`` (``objection`` or ``submission``) lodged in ``village``."""
    t = PersonalRow.__table__
    with engine.connect() as conn:
        rows = conn.execute(select(t.c.ref, t.c.name, t.c.contact)
                            .where(t.c.village == village, t.c.kind == kind))
        return {r.ref: Personal(r.name, r.contact) for r in rows}


def load_file(engine: Engine, village: str, sha256: str) -> StoredFile | None:
    t = AttachmentFileRow.__table__
    with engine.connect() as conn:
        row = conn.execute(select(t.c.sha256, t.c.name, t.c.media_type, t.c.content)
                           .where(t.c.village == village, t.c.sha256 == sha256)).first()
    return StoredFile(row.sha256, row.name, row.media_type, bytes(row.content)) if row else None
