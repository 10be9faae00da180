"""What the public side reads: the villages, their records and notices as published, the files
progress entries name, and — for officials — who lodged an objection or a submission."""

from __future__ import annotations

from collections.abc import Iterator

from deliberate.ledger import Ledger
from deliberate.record import Entry, Verification
from deliberate.store import SqlRepository, people
from deliberate.store.private import Personal, StoredFile, load_file, personal
from deliberate.store.roster import load_roster

__all__ = ["Personal", "StoredFile", "contacts", "entries", "entries_of_type", "entry", "person_name",
           "person_names", "roster", "stored_file", "verify", "villages"]


def villages(store: SqlRepository) -> list[tuple[str, str]]:
    """(id, name) of every village."""
    return store.villages()


def entries(store: SqlRepository, village: str, start: int = 1) -> Iterator[Entry]:
    """The village's record from height ``start``, streamed."""
    return store.entries(village, start)


def verify(store: SqlRepository, village: str) -> Verification:
    """The whole record checked: every hash and link, and every closed secret vote against who
    took part (see :meth:`deliberate.ledger.Ledger.verify`)."""
    return Ledger(village, store).verify()


def entry(store: SqlRepository, village: str, height: int) -> Entry | None:
    return store.entry(village, height)


def entries_of_type(store: SqlRepository, village: str, type_: str) -> list[Entry]:
    """Entries of one type, in order (e.g. the notices as published, with their checkpoints)."""
    return store.entries_of_type(village, type_)


def stored_file(store: SqlRepository, village: str, sha256: str) -> StoredFile | None:
    return load_file(store.engine, village, sha256)


def contacts(store: SqlRepository, village: str, kind: str) -> dict[str, Personal]:
    """Who lodged each ``kind`` (``objection`` or ``submission``) and how to reach them: for
    officials only, never in the public log."""
    return personal(store.engine, village, kind)


def roster(store: SqlRepository, village: str):  # type: ignore[no-untyped-def]
    """The village's roster as imported."""
    return load_roster(store.engine, village)


def person_names(store: SqlRepository, village: str) -> dict[str, str]:
    """Everyone's name by id (one narrow query: the hall's panel asks every second)."""
    return people.person_names(store.engine, village)


def person_name(store: SqlRepository, village: str, person: str) -> str:
    """One person's name, or the id if the roster has none."""
    return people.person_name(store.engine, village, person) or person
