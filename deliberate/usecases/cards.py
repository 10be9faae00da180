"""Voter cards (选民卡): one durable card per villager per village, serving sitting after sitting.

A card carries a 16-character code (from an alphabet with no 0/O or 1/I, read aloud in four
groups of four: 80 random bits). The store keeps only an HMAC of the code keyed by the site's
secret (``key``, which never enters the database), so whoever copies the database can neither
read a code nor make a card's link. A card opens nothing on its own: it serves only a holder the
clerk has checked in at a sitting that is running, and only on the first phone that opens it
after that check-in (the phone's random cookie is kept as an HMAC too) — a second phone is refused
until the clerk releases the card. A lost card is revoked by issuing its holder a new one; the old
code is then refused, saying it was revoked.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from deliberate.errors import NotFound
from deliberate.state import Sitting
from deliberate.store import SqlRepository
from deliberate.store import cards as store_cards
from deliberate.store.people import person_names
from deliberate.store.roster import load_roster

from . import hall
from .common import sitting_of, state_of

__all__ = ["ALPHABET", "CODE_LENGTH", "CardCheckIn", "CardHolder", "CardOpen", "CardRefusal", "IssuedCard",
           "card_code", "card_holders", "check_in_by_card", "issue_cards", "issue_missing_cards", "open_card",
           "phone_may_vote", "release_phone", "spaced"]

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # 32 signs, none mistaken for another aloud or in print
CODE_LENGTH = 16  # 80 bits: beyond guessing, with or without the database
_PHONE_LENGTH = 43  # secrets.token_urlsafe(32)


def _new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def spaced(code: str) -> str:
    """A code in four groups of four, as printed and read aloud: ``ABCD-EFGH-JKLM-NPQR``."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def card_code(text: str | None) -> str | None:
    """The card code in what was scanned or typed — the code itself in any case, with or without
    dashes or spaces, or the card's whole URL (the code after ``#``) — or None if it holds none."""
    text = (text or "").strip()
    if "#" in text:
        text = text.rsplit("#", 1)[1]
    raw = "".join(ch for ch in text.upper() if ch not in " -\u3000")
    return raw if len(raw) == CODE_LENGTH and all(ch in ALPHABET for ch in raw) else None


def _digest(key: bytes, code: str) -> str:
    return hmac.new(key, b"deliberate.card\x00" + code.encode(), hashlib.sha256).hexdigest()


def _phone_digest(key: bytes, phone: str) -> str:
    return hmac.new(key, b"deliberate.phone\x00" + phone.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class IssuedCard:
    """A card just made: the only moment its code exists in clear (to be printed)."""

    person: str
    name: str
    village_name: str
    code: str  # spaced, as printed

    @property
    def raw(self) -> str:
        return self.code.replace("-", "")


def issue_cards(store: SqlRepository, key: bytes, village: str, people: Iterable[str],
                at: datetime) -> list[IssuedCard]:
    """A new card for each of ``people`` (roster ids), replacing any card they had: the old one is
    revoked and the phone it was bound to released. Raises NotFound for an id not in the roster."""
    names = person_names(store.engine, village)
    wanted = list(dict.fromkeys(people))
    for person in wanted:
        if person not in names:
            raise NotFound("err_unknown", kind="村民/person", id=person)
    made = [(person, _new_code()) for person in wanted]
    store_cards.issue_cards(store.engine, village,
                            [(secrets.token_hex(8), person, _digest(key, code)) for person, code in made], at)
    village_name = store.village_name(village) or village
    return [IssuedCard(person, names[person], village_name, spaced(code))
            for person, code in sorted(made, key=lambda m: (names[m[0]], m[0]))]


def issue_missing_cards(store: SqlRepository, key: bytes, village: str, at: datetime) -> list[IssuedCard]:
    """A card for every adult of the roster (18 on ``at``'s day) who has no current card."""
    holding = {c.person for c in store_cards.cards_of(store.engine, village) if not c.revoked}
    adults = load_roster(store.engine, village).adults(at.date())
    return issue_cards(store, key, village, sorted(adults - holding), at)


@dataclass(frozen=True)
class CardHolder:
    """One villager on the cards page: their current card's issue time, how many they lost."""

    person: str
    name: str
    issued_at: datetime | None
    revoked: int


def card_holders(store: SqlRepository, village: str, at: datetime) -> list[CardHolder]:
    """Every adult of the roster and anyone holding a card, by name, with their card's state."""
    names = person_names(store.engine, village)
    issued: dict[str, datetime] = {}
    revoked: dict[str, int] = {}
    for card in store_cards.cards_of(store.engine, village):
        if card.revoked:
            revoked[card.person] = revoked.get(card.person, 0) + 1
        else:
            issued[card.person] = card.issued_at
    people = load_roster(store.engine, village).adults(at.date()) | issued.keys()
    return [CardHolder(p, names.get(p, p), issued.get(p), revoked.get(p, 0))
            for p in sorted(people, key=lambda p: (names.get(p, p), p))]


class CardRefusal(Enum):
    """Why a card opened nothing; the value is the message's key (webui/i18n.py)."""

    UNKNOWN = "card_unknown"  # no card has this code (mistyped, or made up)
    REVOKED = "card_revoked"  # reported lost and replaced
    OTHER_VILLAGE = "card_other_village_named"  # at check-in: a card of another village
    NO_SITTING = "card_no_sitting"  # no sitting of the card's village is running
    NOT_CHECKED_IN = "card_not_checked_in"  # a sitting runs, but the holder was not checked in
    OTHER_PHONE = "card_other_phone"  # already opened on another phone at this sitting


@dataclass(frozen=True)
class CardOpen:
    """A card opened on a phone: the sitting and person it votes for, and the phone's cookie to
    set (``phone``: a new one, when the phone had none) — or why it opened nothing."""

    refusal: CardRefusal | None
    village: str | None = None
    sitting: str | None = None
    person: str | None = None
    phone: str | None = None


def _current_sitting(store: SqlRepository, village: str, person: str) -> tuple[Sitting | None, bool]:
    """The running sitting ``person`` is checked in at (the latest, if several), and whether any
    sitting of the village is running at all."""
    running = [s for s in state_of(store, village).sittings.values() if s.is_open]
    mine = [s for s in running if person in s.present]
    return (max(mine, key=lambda s: (s.scheduled_for, s.id)) if mine else None), bool(running)


def open_card(store: SqlRepository, key: bytes, code: str | None, phone: str | None, at: datetime) -> CardOpen:
    """A card scanned on a phone. ``phone``: the cookie the phone already holds (any of ours), or
    None. The first phone to open the card after its holder's check-in is bound to it for the
    sitting; another is refused until the clerk releases the card (:func:`release_phone`)."""
    raw = card_code(code)
    card = store_cards.card_by_digest(store.engine, _digest(key, raw)) if raw else None
    if card is None:
        return CardOpen(CardRefusal.UNKNOWN)
    if card.revoked:
        return CardOpen(CardRefusal.REVOKED, card.village)
    sitting, running = _current_sitting(store, card.village, card.person)
    if sitting is None:
        return CardOpen(CardRefusal.NOT_CHECKED_IN if running else CardRefusal.NO_SITTING, card.village)
    fresh = phone is None or len(phone) != _PHONE_LENGTH or not phone.isascii()
    phone = secrets.token_urlsafe(32) if fresh else phone
    assert phone is not None
    bound = store_cards.bind_phone(store.engine, card.village, sitting.id, card.person, card.id,
                                   _phone_digest(key, phone), at)
    if not hmac.compare_digest(bound, _phone_digest(key, phone)):
        return CardOpen(CardRefusal.OTHER_PHONE, card.village, sitting.id, card.person)
    return CardOpen(None, card.village, sitting.id, card.person, phone if fresh else None)


def phone_may_vote(store: SqlRepository, key: bytes, village: str, sitting: str, person: str,
                   phone: str | None) -> bool:
    """Whether the phone holding cookie ``phone`` is the one bound to ``person``'s current card
    for ``sitting`` (checked on every request of a card's voting page)."""
    if not phone:
        return False
    return store_cards.phone_holds(store.engine, village, sitting, person, _phone_digest(key, phone))


@dataclass(frozen=True)
class CardCheckIn:
    """A card scanned at the door: ``checked`` — the check-in done; or the refusal, naming the
    card (its holder's name, or the other village's name)."""

    refusal: CardRefusal | None
    checked: hall.CheckIn | None = None
    holder: str = ""
    village_name: str = ""


def check_in_by_card(store: SqlRepository, key: bytes, village: str, sitting: str, code: str,
                     at: datetime) -> CardCheckIn:
    """Check in the holder of the card scanned or typed at the door of ``sitting``."""
    sitting_of(store, village, sitting)  # Missing for a sitting that does not exist
    raw = card_code(code)
    card = store_cards.card_by_digest(store.engine, _digest(key, raw)) if raw else None
    if card is None:
        return CardCheckIn(CardRefusal.UNKNOWN)
    if card.village != village:
        return CardCheckIn(CardRefusal.OTHER_VILLAGE, village_name=store.village_name(card.village) or card.village)
    holder = person_names(store.engine, village).get(card.person, card.person)
    if card.revoked:
        return CardCheckIn(CardRefusal.REVOKED, holder=holder)
    return CardCheckIn(None, hall.check_in(store, village, sitting, card.person, at), holder)


def release_phone(store: SqlRepository, village: str, sitting: str, who: str) -> tuple[str, bool] | None:
    """Release the phone bound to the card of the person ``who`` names (a roster number, or a name
    only one attendee has) for ``sitting``, so that their next phone may open it: (name, whether a
    phone was bound), or None if ``who`` names nobody or several people."""
    _, found = sitting_of(store, village, sitting)
    names = person_names(store.engine, village)
    who = who.strip()
    matches = [who] if who in found.roster.attendees else \
        sorted(p for p in found.roster.attendees if names.get(p) == who)
    if len(matches) != 1:
        return None
    return names.get(matches[0], matches[0]), store_cards.release_phone(store.engine, village, sitting, matches[0])
