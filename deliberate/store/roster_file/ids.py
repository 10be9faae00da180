"""Ids for people and households a file does not number (no 编号, no 户号).

An id goes into the public record (attendance, open ballots), so it must say nothing about the
person: it is an HMAC-SHA-256, under the village's roster key, of what identifies a person in the
file — name, sex and birth date — and of nothing else. The key is random, made with the village's
first such import and kept in the database (``roster_key``), never in the record: without it, a
reader of the record cannot test a guessed name and birth date against an id; with it (a holder of
the database) there is nothing to learn, as the roster's own rows hold the same name and birth
date. The identity number is not an input: were it one, whoever holds the key could recover
numbers by trying the few hundred sequence numbers of a known birth date and region.

The same person in the same file — or in a later file, wherever the row has moved — gets the
same id, so importing again updates, never duplicates. A corrected name or birth date makes a new
id (the preview shows the people it would add and those it no longer finds).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date

from deliberate.roster import Sex

__all__ = ["household_id", "person_id"]

# Crockford's base 32: no I, L, O or U, so an id read aloud or copied by hand is not misread.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_LENGTH = 10  # 50 bits: two of a village's people share an id with odds below one in a million


def _derive(key: bytes, prefix: str, *parts: str) -> str:
    if len(key) < 16:
        raise ValueError("a roster key has at least 16 bytes")
    number = int.from_bytes(hmac.new(key, "\x1f".join(parts).encode(), hashlib.sha256).digest())
    out = ""
    for _ in range(_LENGTH):
        number, digit = divmod(number, 32)
        out += _ALPHABET[digit]
    return prefix + out


def person_id(key: bytes, name: str, sex: Sex, born: date) -> str:
    """``R`` and ten characters: the id of the person named ``name``, of ``sex``, born ``born``."""
    return _derive(key, "R", "person", name, sex.value, born.isoformat())


def household_id(key: bytes, group: str | None, head: str, ordinal: int) -> str:
    """``H`` and ten characters: the id of the ``ordinal``-th (from 1) household headed by a person
    named ``head`` in villager group ``group``, in the order of the file."""
    return _derive(key, "H", "household", group or "", head, str(ordinal))
