"""Importing a roster from a CSV or XLSX file: one implementation for the web UI's upload and
``deliberate roster import``. Every row is checked; a file with a bad row imports nothing unless
the caller asks to skip bad rows (never a file whose header cannot be read).

Before anything is written, :func:`preview_roster` says what an import would do
(:class:`~.roster_preview.RosterPreview`). On the web page the preview keeps what it showed as a
draft, and :func:`import_draft` imports exactly that — the file is not read again, so a file
swapped after the preview cannot slip in. The command line previews with ``--dry-run``.

A file without 编号 or 户号 (a household register, a voter list) has ids derived under the
village's roster key, made at its first such import (see ``deliberate.store.roster_file.ids``).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from deliberate.bodies import Body
from deliberate.composition import ComplianceFinding, representatives_findings, supervisory_findings
from deliberate.errors import DeliberateError
from deliberate.roster import Roster
from deliberate.state import Sitting
from deliberate.store import SqlRepository
from deliberate.store.roster import ImportCounts, load_roster, save_roster
from deliberate.store.roster_drafts import Draft, delete_draft, ensure_roster_key, load_draft, roster_key, save_draft
from deliberate.store.roster_file import FileProblem, ParsedRoster, RowError, read_roster_file

from .common import sitting_of
from .roster_preview import RosterPreview, summarise

__all__ = [
    "DraftGone",
    "RosterFileError",
    "RosterImport",
    "RosterPreview",
    "composition",
    "discard_draft",
    "import_draft",
    "import_roster",
    "preview_roster",
    "show_draft",
    "sitting_composition",
]


class RosterFileError(DeliberateError):
    """The file is not a roster that can be read (not CSV or XLSX, damaged, no header)."""


class DraftGone(DeliberateError):
    """The preview to confirm is not there any more (imported, replaced by a newer upload,
    discarded or expired) or is not this person's: nothing is imported; upload the file again."""

    def __init__(self) -> None:
        super().__init__("err_roster_draft")


@dataclass(frozen=True)
class RosterImport:
    """What an import did: ``rows`` read, the rows refused and why, and — if it imported —
    how many people were added, updated or left as they were. ``ignored``: the file's columns
    not imported."""

    rows: int
    errors: tuple[RowError, ...]
    counts: ImportCounts | None
    ignored: tuple[str, ...] = ()

    @property
    def imported(self) -> bool:
        return self.counts is not None


def _read(path: str | Path, data: bytes | None, key: bytes, on: date | None) -> ParsedRoster:
    try:
        return read_roster_file(path, data=data, key=key, on=on)
    except FileProblem as exc:
        raise RosterFileError("err_roster_file", detail=str(exc)) from None
    except Exception as exc:  # csv cannot read it: say so, change nothing
        raise RosterFileError("err_roster_file", detail=str(exc) or type(exc).__name__) from None


def _save(store: SqlRepository, village: str, parsed: ParsedRoster,
          progress: Callable[[int, int], None] | None = None) -> ImportCounts:
    total, saved = len(parsed.people), 0

    def step(n: int) -> None:
        nonlocal saved
        saved += n
        if progress is not None:
            progress(saved, total)

    return save_roster(store.engine, village, people=parsed.people, households=parsed.households.values(),
                       memberships=parsed.memberships, seats=parsed.seats,
                       representations=parsed.representations, kinships=parsed.kinships, progress=step)


def import_roster(store: SqlRepository, village: str, path: str | Path, *, name: str | None = None,
                  skip_bad: bool = False, progress: Callable[[int, int], None] | None = None,
                  on: date | None = None, data: bytes | None = None) -> RosterImport:
    """Read ``path`` (or ``data``, the bytes of a file named ``path``) and, if every row is good
    (or ``skip_bad`` and the header is), save the roster of ``village`` — creating the village,
    named ``name``, if it is new. ``progress`` is told (people saved so far, people in all) as the
    saving goes; ``on``: today (no one is born after it)."""
    key = roster_key(store.engine, village) or secrets.token_bytes(32)
    parsed = _read(path, data, key, on)
    errors = tuple(parsed.errors)
    if errors and (not skip_bad or parsed.header_refused):
        return RosterImport(parsed.rows, errors, None, parsed.ignored)
    store.create_village(village, name or village)
    if (parsed.derived_ids or parsed.households_inferred) and ensure_roster_key(store.engine, village, key) != key:
        parsed = _read(path, data, roster_key(store.engine, village) or key, on)  # another import made the key
    return RosterImport(parsed.rows, tuple(parsed.errors), _save(store, village, parsed, progress), parsed.ignored)


def composition(store: SqlRepository, village: str, on: date) -> tuple[ComplianceFinding, ...]:
    """The composition findings of ``village``'s roster on ``on`` (组织法 第25条: the
    representatives' meeting; 第32条: the supervisory committee), the broken ones first; none
    for a village with no roster. What the roster page shows after every upload."""
    roster = _existing(store, village)
    if roster is None or not roster.people:
        return ()
    found = representatives_findings(roster, on) + supervisory_findings(roster, on)
    return tuple(sorted(found, key=lambda f: f.ok))


def sitting_composition(store: SqlRepository, village: str, sitting: str) -> tuple[ComplianceFinding, ...]:
    """The composition rules a representatives' meeting breaks on its day (组织法 第25条), for its
    minutes; none for another body, or when the composition is lawful."""
    _, found = sitting_of(store, village, sitting)
    if found.body is not Body.REPRESENTATIVES_MEETING:
        return ()  # no roster read for the other bodies
    return broken_composition(_existing(store, village), found)


def broken_composition(roster: Roster | None, sitting: Sitting) -> tuple[ComplianceFinding, ...]:
    """What :func:`sitting_composition` answers, from a roster already read (the dossier reads it
    once for all its sittings)."""
    if roster is None or not roster.people or sitting.body is not Body.REPRESENTATIVES_MEETING:
        return ()
    return tuple(f for f in representatives_findings(roster, sitting.scheduled_for.date()) if not f.ok)


def _existing(store: SqlRepository, village: str) -> Roster | None:
    return load_roster(store.engine, village) if store.village_name(village) is not None else None


def preview_roster(store: SqlRepository, village: str, path: str | Path, *, on: date, data: bytes | None = None,
                   owner: str | None = None, at: datetime | None = None) -> RosterPreview:
    """What importing ``path`` (or ``data``, the bytes of a file named ``path``: an upload, never
    saved) into ``village`` would do on ``on``; no roster record is written.

    Without ``owner`` (the command line's ``--dry-run``) nothing at all is written. With ``owner``
    and ``at`` (the web page, for an existing village) the good rows are kept as a draft of that
    account's for :func:`import_draft` — replacing the account's earlier draft — and the village's
    roster key is made if the file needs one and the village has none."""
    key = roster_key(store.engine, village)
    if key is None and owner is not None:
        key = ensure_roster_key(store.engine, village, secrets.token_bytes(32))
    parsed = _read(path, data, key or secrets.token_bytes(32), on)
    preview = summarise(parsed, on, _existing(store, village))
    if owner is None or at is None or not preview.importable:
        return preview
    draft = secrets.token_urlsafe(24)
    digest = save_draft(store.engine, draft, village, owner, parsed, at)
    return replace(preview, draft=draft, digest=digest)


def _draft(store: SqlRepository, village: str, draft: str, owner: str, at: datetime) -> Draft:
    found = load_draft(store.engine, draft, at)
    if found is None or found.village != village or found.owner != owner:
        raise DraftGone()
    return found


def show_draft(store: SqlRepository, village: str, draft: str, *, owner: str, on: date, at: datetime) -> RosterPreview:
    """The preview of ``owner``'s draft ``draft`` (the page reloaded); DraftGone if it is not there."""
    found = _draft(store, village, draft, owner, at)
    return summarise(found.roster, on, _existing(store, village), draft=found.id, digest=found.digest)


def import_draft(store: SqlRepository, village: str, draft: str, *, digest: str, owner: str, at: datetime,
                 skip_bad: bool = False) -> RosterImport:
    """Import ``owner``'s draft ``draft`` as the preview showed it, and delete it. ``digest``: the
    one the preview showed — a draft that is not the one previewed is refused (DraftGone), as is
    one with bad rows unless ``skip_bad`` (the preview's button says it skips them)."""
    found = _draft(store, village, draft, owner, at)
    if found.digest != digest:
        raise DraftGone()
    parsed = found.roster
    if parsed.errors and not skip_bad:
        return RosterImport(parsed.rows, tuple(parsed.errors), None, parsed.ignored)
    counts = _save(store, village, parsed)
    delete_draft(store.engine, draft, at)
    return RosterImport(parsed.rows, tuple(parsed.errors), counts, parsed.ignored)


def discard_draft(store: SqlRepository, village: str, draft: str, *, owner: str, at: datetime) -> None:
    """Delete ``owner``'s draft ``draft`` (the admin chose not to import it); nothing if it is gone."""
    found = load_draft(store.engine, draft, at)
    if found is not None and found.village == village and found.owner == owner:
        delete_draft(store.engine, draft, at)
