"""The record: one append-only, hash-chained log per village.

Every accepted event becomes an :class:`Entry` ``{height, parent_hash, type, payload, time}``
whose ``hash`` is SHA-256 over the canonical JSON of those five fields. Each entry names its
parent's hash, so changing, removing, inserting or reordering any entry breaks every hash after
it. The head (height and hash) is a :class:`Checkpoint`; printed on a notice, it lets anyone
holding the paper detect a later rewrite of everything up to that height.

:func:`verify` recomputes the chain and reports the first bad height. The core does no I/O:
:func:`to_jsonl` and :func:`from_jsonl` turn entries into lines and back, and the caller reads and
writes the file.

>>> from datetime import datetime, timedelta, timezone
>>> from deliberate.events import PlanAmended
>>> t = datetime(2026, 3, 1, 9, 0, tzinfo=timezone(timedelta(hours=8)))
>>> chain = [next_entry(GENESIS, PlanAmended(at=t, matter="m1", plan="草案", by="张三"))]
>>> verify(chain).ok, verify(chain).head.height
(True, 1)
>>> lines = list(to_jsonl(chain))
>>> verify(from_jsonl([lines[0].replace("草案", "改过")])).first_bad
1
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .codec import canonical, decode_event, encode_event
from .errors import ChainBroken, MalformedEntry

__all__ = [
    "GENESIS",
    "Checkpoint",
    "Entry",
    "Verification",
    "entry_hash",
    "events_of",
    "from_jsonl",
    "next_entry",
    "to_jsonl",
    "verify",
]

_ZERO = "0" * 64
_sha256 = hashlib.sha256


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A chain's head: its height and the hash of its last entry (height 0: the empty chain)."""

    height: int
    hash: str

    def __str__(self) -> str:
        return f"{self.height}:{self.hash}"

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """``"height:hash"`` as printed on a notice."""
        height, _, digest = text.strip().partition(":")
        if not height.isdigit() or len(digest) != 64:
            raise MalformedEntry("err_entry", line=0, detail=f"not a checkpoint: {text!r}")
        return cls(int(height), digest.lower())


GENESIS = Checkpoint(0, _ZERO)


@dataclass(frozen=True, slots=True)
class Entry:
    height: int
    parent_hash: str
    type: str
    payload: Mapping[str, Any]
    time: str
    hash: str

    @property
    def checkpoint(self) -> Checkpoint:
        return Checkpoint(self.height, self.hash)

    def to_data(self) -> dict[str, Any]:
        return {"height": self.height, "parent_hash": self.parent_hash, "type": self.type,
                "payload": self.payload, "time": self.time, "hash": self.hash}

    def event(self) -> Any:
        """The event this entry records."""
        return decode_event(self.type, self.payload, datetime.fromisoformat(self.time))


def entry_hash(height: int, parent_hash: str, type_: str, payload: Any, time: str) -> str:
    return _sha256(canonical({"height": height, "parent_hash": parent_hash, "type": type_,
                              "payload": payload, "time": time})).hexdigest()


def next_entry(head: Checkpoint, event: Any) -> Entry:
    """The entry that records ``event`` after ``head``."""
    type_, payload, at = encode_event(event)
    time = at.isoformat()
    height = head.height + 1
    return Entry(height, head.hash, type_, payload, time,
                 entry_hash(height, head.hash, type_, payload, time))


@dataclass(frozen=True, slots=True)
class Verification:
    """What :func:`verify` found. ``first_bad`` is None when the chain holds."""

    ok: bool
    head: Checkpoint
    first_bad: int | None = None
    reason: str | None = None

    def raise_if_broken(self) -> None:
        if not self.ok:
            raise ChainBroken(height=self.first_bad, reason=self.reason)


def verify(entries: Iterable[Entry], checkpoint: Checkpoint | None = None) -> Verification:
    """Recompute the chain; report the first entry that is not where and what it claims.

    With a ``checkpoint`` (from a printed notice), also check that the chain reaches it and that
    the entry at its height has its hash: a chain rewritten or cut short since then fails.
    """
    head = GENESIS
    expected_parent, expected_height = _ZERO, 1
    dumps = json.dumps
    for entry in entries:
        if entry.height != expected_height:
            return Verification(False, head, expected_height,
                                f"height {entry.height} where {expected_height} was expected "
                                "(an entry removed, inserted or moved)")
        if entry.parent_hash != expected_parent:
            return Verification(False, head, expected_height,
                                "parent hash does not match the previous entry")
        body = dumps({"height": entry.height, "parent_hash": entry.parent_hash,
                      "type": entry.type, "payload": entry.payload, "time": entry.time},
                     sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        if _sha256(body.encode()).hexdigest() != entry.hash:
            return Verification(False, head, expected_height,
                                "hash does not match the content (the entry was changed)")
        if checkpoint is not None and entry.height == checkpoint.height \
                and entry.hash != checkpoint.hash:
            return Verification(False, head, expected_height,
                                "differs from the checkpoint printed at this height")
        head = Checkpoint(entry.height, entry.hash)
        expected_parent, expected_height = entry.hash, entry.height + 1
    if checkpoint is not None and head.height < checkpoint.height:
        return Verification(False, head, head.height + 1,
                            f"the chain ends at {head.height}, before the checkpoint "
                            f"{checkpoint.height}")
    return Verification(True, head)


def to_jsonl(entries: Iterable[Entry]) -> Iterator[str]:
    """One canonical JSON line (without newline) per entry."""
    for entry in entries:
        yield canonical(entry.to_data()).decode()


def _no_float(text: str) -> Any:
    raise ValueError(f"floats are not allowed in the record: {text}")


_FIELDS = {"height": int, "parent_hash": str, "type": str, "payload": dict, "time": str,
           "hash": str}


def from_jsonl(lines: Iterable[str]) -> Iterator[Entry]:
    """Entries from JSON Lines; a line that is not an entry raises MalformedEntry with its number.

    Blank lines are skipped. Content is not checked here — that is :func:`verify`'s work.
    """
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line, parse_float=_no_float, parse_constant=_no_float)
        except ValueError as exc:
            raise MalformedEntry("err_entry", line=number, detail=str(exc)) from None
        if not isinstance(data, dict) or data.keys() != _FIELDS.keys():
            raise MalformedEntry("err_entry", line=number,
                                 detail=f"fields must be {', '.join(_FIELDS)}")
        for name, kind in _FIELDS.items():
            if type(data[name]) is not kind:
                raise MalformedEntry("err_entry", line=number, detail=f"{name} is not {kind.__name__}")
        yield Entry(**data)


def events_of(entries: Iterable[Entry]) -> Iterator[Any]:
    """The events recorded by ``entries``, in order."""
    for entry in entries:
        try:
            yield entry.event()
        except MalformedEntry as exc:
            raise MalformedEntry("err_entry", line=entry.height,
                                 detail=exc.fields.get("detail")) from None
