"""The village's roster key, and rosters previewed and waiting for confirmation (drafts).

A draft is what the preview showed, as data: confirming imports it as it is, and never reads a
file again — so what is imported is what the admin looked at, whatever was uploaded since. It is
bound to its village and to the account that uploaded it, and lives for :data:`DRAFT_LIFETIME`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, exc, insert, select

from .models import RosterDraftRow, RosterKeyRow
from .roster_file import ParsedRoster, roster_from_data, roster_to_data

__all__ = ["DRAFT_LIFETIME", "Draft", "delete_draft", "ensure_roster_key", "load_draft", "roster_key", "save_draft"]

DRAFT_LIFETIME = timedelta(hours=1)
_K = RosterKeyRow.__table__
_D = RosterDraftRow.__table__


def roster_key(engine: Engine, village: str) -> bytes | None:
    """The key ``village``'s derived ids are made under, or None if none has been made."""
    with engine.connect() as conn:
        key = conn.execute(select(_K.c.key).where(_K.c.village == village)).scalar()
    return None if key is None else bytes(key)


def ensure_roster_key(engine: Engine, village: str, key: bytes) -> bytes:
    """The village's key: ``key`` if it had none (the village must exist), else the one it has —
    two imports racing to make one both end up with the same."""
    try:
        with engine.connect().execution_options(write=True) as conn, conn.begin():
            if conn.execute(select(_K.c.key).where(_K.c.village == village)).scalar() is None:
                conn.execute(insert(_K), {"village": village, "key": key})
    except exc.IntegrityError:
        pass  # made by the other one meanwhile
    found = roster_key(engine, village)
    assert found is not None
    return found


@dataclass(frozen=True)
class Draft:
    id: str
    village: str
    owner: str
    digest: str
    created_at: datetime
    roster: ParsedRoster


def _payload(parsed: ParsedRoster) -> tuple[str, str]:
    text = json.dumps(roster_to_data(parsed), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text, hashlib.sha256(text.encode()).hexdigest()


def save_draft(engine: Engine, draft: str, village: str, owner: str, parsed: ParsedRoster, at: datetime) -> str:
    """Keep ``parsed`` as draft ``draft`` of ``owner``'s in ``village`` (their earlier drafts
    there go, as do everyone's expired ones); the payload's SHA-256."""
    payload, digest = _payload(parsed)
    with engine.connect().execution_options(write=True) as conn, conn.begin():
        conn.execute(delete(_D).where(_D.c.created_at < at - DRAFT_LIFETIME))
        conn.execute(delete(_D).where(_D.c.village == village, _D.c.owner == owner))
        conn.execute(insert(_D), {"id": draft, "village": village, "owner": owner, "digest": digest,
                                  "payload": payload, "created_at": at})
    return digest


def load_draft(engine: Engine, draft: str, at: datetime) -> Draft | None:
    """Draft ``draft`` if it exists, is unexpired at ``at``, and its payload still has its digest."""
    with engine.connect() as conn:
        row = conn.execute(select(_D).where(_D.c.id == draft)).first()
    if row is None or row.created_at < at - DRAFT_LIFETIME:
        return None
    if hashlib.sha256(row.payload.encode()).hexdigest() != row.digest:
        return None
    data: Any = json.loads(row.payload)
    return Draft(row.id, row.village, row.owner, row.digest, row.created_at, roster_from_data(data))


def delete_draft(engine: Engine, draft: str, at: datetime) -> None:
    """Delete draft ``draft`` and every expired one."""
    with engine.connect().execution_options(write=True) as conn, conn.begin():
        conn.execute(delete(_D).where((_D.c.id == draft) | (_D.c.created_at < at - DRAFT_LIFETIME)))
