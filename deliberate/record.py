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
    "stored_entry_hash",
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
        if not (height.isascii() and height.isdecimal()) or len(digest) != 64:
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


def stored_entry_hash(height: int, parent_hash: str, type_: str, payload_json: str,
                      time: str) -> str:
    """:func:`entry_hash` of an entry whose payload is held as its canonical JSON text (as the
    store keeps it): the text is hashed as it is, without parsing and re-encoding it, so checking
    a chain read from the database costs little more than reading it — and any change to the
    stored text, even one that parses to the same value, breaks the hash."""
    short = parent_hash + type_ + time  # nothing JSON would escape: the text is the encoding
    if short.isprintable() and '"' not in short and "\\" not in short:
        body = (f'{{"height":{height},"parent_hash":"{parent_hash}","payload":{payload_json},'
                f'"time":"{time}","type":"{type_}"}}')
        return _sha256(body.encode()).hexdigest()
    # Anything unusual in the short fields: the general encoder, for exactly the same bytes.
    return entry_hash(height, parent_hash, type_, json.loads(payload_json), time)


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


def verify(entries: Iterable[Entry], checkpoint: Checkpoint | None = None, *,
           start: Checkpoint = GENESIS) -> Verification:
    """Recompute the chain; report the first entry that is not where and what it claims.

    With a ``checkpoint`` (from a printed notice), also check that the chain reaches it and that
    the entry at its height has its hash: a chain rewritten or cut short since then fails.

    A whole chain (from ``GENESIS``) is also audited beyond its hashes: every closed secret vote
    must publish exactly one receipt per person recorded as taking part, its receipts' digest and
    its electronic count must follow from the receipts, and a sealed card count must open with the
    nonce published at the close. Ballots are kept apart from the chain, so this is what shows
    ballots slipped into the box, or a count changed, before the close.
    ``start`` continues from a head already verified (the entries after it only; no audit).
    """
    head = start
    expected_parent, expected_height = start.hash, start.height + 1
    audit = _Audit() if start == GENESIS else None
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
        if audit is not None and entry.type in _AUDITED:
            wrong = audit.check(entry)
            if wrong is not None:
                return Verification(False, head, expected_height, wrong)
        head = Checkpoint(entry.height, entry.hash)
        expected_parent, expected_height = entry.hash, entry.height + 1
    if checkpoint is not None and head.height < checkpoint.height:
        return Verification(False, head, head.height + 1,
                            f"the chain ends at {head.height}, before the checkpoint "
                            f"{checkpoint.height}")
    return Verification(True, head)


_AUDITED = frozenset({"vote_opened", "ballot_cast", "took_part", "card_count_entered", "vote_closed"})


class _Audit:
    """What the chain says about each vote so far: whether it is secret, who took part (and, in
    an open vote, how), the sealed card count."""

    def __init__(self) -> None:
        self.secret: dict[tuple[str, str], bool] = {}
        self.took_part: dict[tuple[str, str], int] = {}
        self.open_ballots: dict[tuple[str, str], dict[str, str]] = {}
        self.seals: dict[tuple[str, str], str | None] = {}

    def check(self, entry: Entry) -> str | None:
        """Why ``entry`` contradicts what came before it, or None."""
        p = entry.payload
        try:
            key = (p["sitting"], p["vote"])
            kind = entry.type
            if kind == "vote_opened":
                self.secret[key] = p["secret"] is True
            elif kind == "ballot_cast":
                self.open_ballots.setdefault(key, {})[p["voter"]] = p["choice"]
            elif kind == "took_part":
                self.took_part[key] = self.took_part.get(key, 0) + 1
            elif kind == "card_count_entered":
                if self.secret.get(key) and (p.get("tally") is not None or p.get("seal") is None):
                    return "a secret vote's card count is in the record before the close, unsealed"
                self.seals[key] = p.get("seal")
            elif self.secret.get(key):
                if p.get("receipts_digest") is None:
                    return f"the secret vote {key[1]!r} closes without publishing its receipts"
                return self._closed_secret(key, p)
            else:
                return self._closed_open(key, p)
        except (KeyError, TypeError, AttributeError):
            return f"a {entry.type} entry without the fields it needs"
        return None

    def _closed_open(self, key: tuple[str, str], p: Mapping[str, Any]) -> str | None:
        counted = {"approve": 0, "oppose": 0, "abstain": 0}
        for choice in self.open_ballots.get(key, {}).values():
            counted[choice] += 1
        if {k: p["electronic"][k] for k in counted} != counted or p.get("receipts_digest") is not None:
            return f"the electronic count of vote {key[1]!r} is not the ballots recorded"
        return None

    def _closed_secret(self, key: tuple[str, str], p: Mapping[str, Any]) -> str | None:
        ballots = p["ballots"]
        receipts = [b["receipt"] for b in ballots]
        if receipts != sorted(set(receipts)):
            return "the published receipts are not sorted and unique"
        took_part = self.took_part.get(key, 0)
        if len(ballots) != took_part:
            return (f"the vote {key[1]!r} publishes {len(ballots)} receipts but {took_part} people "
                    "took part (ballots slipped into or taken from the box)")
        if _sha256(canonical(ballots)).hexdigest() != p["receipts_digest"]:
            return "the receipts' digest does not match the published receipts"
        counted = {"approve": 0, "oppose": 0, "abstain": 0}
        for b in ballots:
            counted[b["choice"]] += 1
        if {k: p["electronic"][k] for k in counted} != counted:
            return "the electronic count does not match the published receipts"
        seal = self.seals.get(key)
        if seal is not None:
            nonce, cards = p.get("cards_nonce"), p.get("cards")
            if nonce is None or cards is None or _sha256(
                    canonical({"nonce": nonce, "tally": cards})).hexdigest() != seal:
                return "the card count counted is not the one sealed when it was entered"
        return None


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
