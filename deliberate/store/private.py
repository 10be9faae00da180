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

from sqlalchemy import Connection, Engine, insert, select

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


def _insert_new(conn: Connection, table: Any) -> Any:
    """An INSERT that leaves a row already there as it is (the same bytes, kept before)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    return dialect_insert(table).on_conflict_do_nothing()


def keep(conn: Connection, village: str, records: Sequence[object]) -> None:
    """Write side records in the open transaction of ``conn`` (the writer's, with the entries).

    Too long a name or media type is refused, not cut: the use case checks them first, so this
    only guards the columns."""
    files = AttachmentFileRow.__table__
    for record in records:
        if isinstance(record, ContactRecord):
            if record.name or record.contact:
                conn.execute(insert(PersonalRow.__table__).values(
                    village=village, kind=record.kind, ref=record.ref, name=record.name or None,
                    contact=record.contact or None, created_at=record.at))
        elif isinstance(record, FileRecord):
            if len(record.content) > MAX_FILE_BYTES or len(record.name) > 500 or len(record.media_type) > 200:
                raise InvalidInput("err_bad_value", field="file",
                                   detail=f"{record.name[:80]!r}: over the store's limits")
            conn.execute(_insert_new(conn, files).values(
                village=village, sha256=record.sha256, name=record.name, media_type=record.media_type,
                size=len(record.content), content=record.content, created_at=record.at))
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
