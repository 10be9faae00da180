"""Importing a roster from a CSV or XLSX file: one implementation for the web UI's upload and
``deliberate roster import``. Every row is checked; a file with a bad row imports nothing unless
the caller asks to skip bad rows (never a bad header)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from deliberate.errors import DeliberateError
from deliberate.store import SqlRepository
from deliberate.store.roster import ImportCounts, save_roster
from deliberate.store.roster_file import RowError, read_roster_file

__all__ = ["RosterFileError", "RosterImport", "import_roster"]


class RosterFileError(DeliberateError):
    """The file is not a roster that can be read (not CSV or XLSX, damaged, no header)."""


@dataclass(frozen=True)
class RosterImport:
    """What an import did: ``rows`` read, the rows refused and why, and — if it imported —
    how many people were added, updated or left as they were."""

    rows: int
    errors: tuple[RowError, ...]
    counts: ImportCounts | None

    @property
    def imported(self) -> bool:
        return self.counts is not None


def import_roster(store: SqlRepository, village: str, path: str | Path, *, name: str | None = None,
                  skip_bad: bool = False, progress: Callable[[int, int], None] | None = None) -> RosterImport:
    """Read ``path`` and, if every row is good (or ``skip_bad`` and the header is), save the
    roster of ``village`` — creating the village, named ``name``, if it is new. ``progress`` is
    told (people saved so far, people in all) as the saving goes."""
    try:
        parsed = read_roster_file(path)
    except Exception as exc:  # csv or openpyxl cannot read it: say so, change nothing
        raise RosterFileError("err_roster_file", detail=str(exc) or type(exc).__name__) from None
    errors = tuple(parsed.errors)
    if errors and (not skip_bad or any(e.line == 1 for e in errors)):
        return RosterImport(parsed.rows, errors, None)
    store.create_village(village, name or village)
    total, saved = len(parsed.people), 0

    def step(n: int) -> None:
        nonlocal saved
        saved += n
        if progress is not None:
            progress(saved, total)

    counts = save_roster(store.engine, village, people=parsed.people,
                         households=parsed.households.values(), memberships=parsed.memberships,
                         seats=parsed.seats, representations=parsed.representations,
                         progress=step)
    return RosterImport(parsed.rows, errors, counts)
