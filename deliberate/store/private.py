"""What the store keeps beside the public log: personal data, and the files progress entries name.

The log is public — anyone may download it — so a villager's name and phone number never enter it.
They are kept here, keyed by the objection or submission they came with, for officials to read.
Attached files are kept by SHA-256: the log records the hash, and whoever downloads the file can
hash it again and compare.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.exc import IntegrityError

from .models import AttachmentFileRow, PersonalRow

__all__ = ["MAX_FILE_BYTES", "Personal", "StoredFile", "forget_files", "load_file", "personal", "save_file",
           "save_personal"]

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


def save_personal(engine: Engine, village: str, kind: str, ref: str, *, name: str | None,
                  contact: str | None, at: datetime) -> None:
    """Keep who lodged ``ref`` and how to reach them; nothing is kept when both are empty."""
    if not name and not contact:
        return
    with engine.begin() as conn:
        conn.execute(insert(PersonalRow.__table__).values(
            village=village, kind=kind, ref=ref, name=name or None, contact=contact or None,
            created_at=at))


def personal(engine: Engine, village: str, kind: str) -> dict[str, Personal]:
    """Name and contact of each ``kind`` (``objection`` or ``submission``) lodged in ``village``."""
    t = PersonalRow.__table__
    with engine.connect() as conn:
        rows = conn.execute(select(t.c.ref, t.c.name, t.c.contact)
                            .where(t.c.village == village, t.c.kind == kind))
        return {r.ref: Personal(r.name, r.contact) for r in rows}


def save_file(engine: Engine, village: str, name: str, media_type: str, content: bytes,
              at: datetime) -> str:
    """Store ``content`` and return its SHA-256; storing the same bytes again is a no-op."""
    if len(content) > MAX_FILE_BYTES:
        raise ValueError(f"file larger than {MAX_FILE_BYTES} bytes")
    digest = hashlib.sha256(content).hexdigest()
    try:
        with engine.begin() as conn:
            conn.execute(insert(AttachmentFileRow.__table__).values(
                village=village, sha256=digest, name=name[:500], media_type=media_type[:200],
                size=len(content), content=content, created_at=at))
    except IntegrityError:
        pass  # the same bytes, stored before: content addressing makes that harmless
    return digest


def forget_files(engine: Engine, village: str, digests: set[str]) -> None:
    """Delete stored files by SHA-256 — those a refused entry brought and nothing names."""
    if not digests:
        return
    t = AttachmentFileRow.__table__
    with engine.begin() as conn:
        conn.execute(delete(t).where(t.c.village == village, t.c.sha256.in_(sorted(digests))))


def load_file(engine: Engine, village: str, sha256: str) -> StoredFile | None:
    t = AttachmentFileRow.__table__
    with engine.connect() as conn:
        row = conn.execute(select(t.c.sha256, t.c.name, t.c.media_type, t.c.content)
                           .where(t.c.village == village, t.c.sha256 == sha256)).first()
    return StoredFile(row.sha256, row.name, row.media_type, bytes(row.content)) if row else None
