"""The hall (议事厅): what the chair's console shows, and what the chair, the clerk at the door and
the tellers do — check people in and out, open the sitting, appoint tellers, open a vote, enter
and confirm a card count, close the vote, adjourn or close the sitting, record the minutes.

Each function takes the store, the village and the sitting, and what the person typed or chose;
it finds what it needs itself (the open vote, the next vote's id) and raises the core's typed
error when the command is refused.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from deliberate import commands as c
from deliberate.errors import DeliberateError, NotFound
from deliberate.rules.outcome import Outcome
from deliberate.state import Sitting, VillageState, Vote
from deliberate.store import SqlRepository
from deliberate.store.people import person_names
from deliberate.tally import Tally

from .accounts import village_accounts
from .common import handle as _record
from .common import sitting_of

__all__ = ["CheckIn", "HallView", "TellerLogins", "adjourn", "appoint_tellers", "check_in", "check_out",
           "close_sitting", "close_vote", "confirm_card_count", "enter_card_count", "hall_view",
           "open_sitting", "open_vote", "record_minutes", "teller_logins", "voters"]


@dataclass(frozen=True)
class HallView:
    """What the console and the projector's panel show of a sitting."""

    sitting: Sitting
    state: VillageState
    names: dict[str, str]
    attendance: Any
    quorum: Outcome
    vote: Vote | None
    show_split: bool  # a card count's approve/oppose split may be shown to this viewer
    agenda: tuple[Any, ...]  # the matters that can be voted on now
    present: tuple[str, ...]  # who is present, by name


def hall_view(store: SqlRepository, village: str, sitting: str, *, teller: bool) -> HallView:
    """The sitting as the console shows it. ``teller``: whether the viewer counts or scrutinises
    cards — a secret vote's card count stays sealed until the close for everyone else."""
    state, found = sitting_of(store, village, sitting)
    names = person_names(store.engine, village)
    attendance = found.attendance()
    vote = state.open_vote(sitting)
    return HallView(
        sitting=found, state=state, names=names, attendance=attendance,
        quorum=found.rule.decide(attendance, Tally()), vote=vote,
        show_split=vote is not None and vote.cards is not None and (not vote.secret or teller),
        agenda=tuple(state.votable_agenda(sitting)),
        present=tuple(sorted(found.present, key=lambda p: names.get(p, p))))


def handle(store: SqlRepository, village: str, command: Any, at: datetime) -> None:
    """Record ``command``; a refusal names people by their names, never by their roster ids
    (a chair reads "王五不是本次会议的计票人", not "p0009 …")."""
    try:
        _record(store, village, command, at)
    except DeliberateError as refused:
        names = person_names(store.engine, village)
        for field, value in refused.fields.items():
            if isinstance(value, str) and value in names:
                refused.fields[field] = names[value]
        raise


@dataclass(frozen=True)
class TellerLogins:
    """For one teller role: the people appointed to it, and the logins able to act in it as
    (username, the person the login acts for — or None). A card count is entered under the
    login's person, so the role works only when some login's person is one of those appointed."""

    appointed: tuple[str, ...]
    logins: tuple[tuple[str, str | None], ...]

    @property
    def ready(self) -> bool:
        return any(person in self.appointed for _, person in self.logins)

    @property
    def strangers(self) -> tuple[tuple[str, str | None], ...]:
        """Logins in this role acting for someone not appointed to it."""
        return tuple((u, p) for u, p in self.logins if p not in self.appointed)


def teller_logins(store: SqlRepository, village: str, sitting: str, *, counter_roles: frozenset[str],
                  scrutineer_roles: frozenset[str]) -> tuple[TellerLogins, TellerLogins]:
    """(counters, scrutineers): who is appointed, and which of the village's active logins hold
    the role (``*_roles``: the account roles that may enter, or confirm, a card count)."""
    _, found = sitting_of(store, village, sitting)
    accounts = [a for a in village_accounts(store, village) if a.active]

    def role(appointed: tuple[str, ...], roles: frozenset[str]) -> TellerLogins:
        return TellerLogins(appointed, tuple((a.username, a.person) for a in accounts if a.roles & roles))

    return role(found.counters, counter_roles), role(found.scrutineers, scrutineer_roles)


@dataclass(frozen=True)
class CheckIn:
    """The outcome of a check-in at the door: ``person`` checked in, or the candidates a name
    matched (none, or several — then the number is needed)."""

    query: str
    person: str | None = None
    name: str | None = None
    candidates: tuple[str, ...] = ()


def check_in(store: SqlRepository, village: str, sitting: str, who: str, at: datetime) -> CheckIn:
    """Check in the person ``who`` names — a roster number, or a name that only one attendee
    has. A name several people share checks nobody in and returns their numbers."""
    _, found = sitting_of(store, village, sitting)
    names = person_names(store.engine, village)
    if who in found.roster.attendees:
        matches: Sequence[str] = (who,)
    else:
        matches = sorted(p for p in found.roster.attendees if names.get(p) == who)
    if len(matches) != 1:
        return CheckIn(who, candidates=tuple(matches))
    handle(store, village, c.CheckIn(sitting, matches[0]), at)
    return CheckIn(who, matches[0], names.get(matches[0], matches[0]))


def check_out(store: SqlRepository, village: str, sitting: str, person: str, at: datetime) -> str:
    """Record that ``person`` left; returns their name."""
    handle(store, village, c.CheckOut(sitting, person), at)
    return person_names(store.engine, village).get(person, person)


def open_sitting(store: SqlRepository, village: str, sitting: str, by: str, at: datetime) -> None:
    handle(store, village, c.OpenSitting(sitting, by=by), at)


def appoint_tellers(store: SqlRepository, village: str, sitting: str, counters: Sequence[str],
                    scrutineers: Sequence[str], at: datetime) -> None:
    handle(store, village, c.AppointTellers(sitting, tuple(counters), tuple(scrutineers)), at)


def open_vote(store: SqlRepository, village: str, sitting: str, matter: str, motion: str,
              secret: bool, at: datetime) -> str:
    """Open a vote on ``matter``; returns the vote's id (the sitting's next)."""
    _, found = sitting_of(store, village, sitting)
    vote = found.next_vote_id()
    handle(store, village, c.OpenVote(sitting, vote, matter, motion, secret=secret), at)
    return vote


def _open_vote_of(store: SqlRepository, village: str, sitting: str) -> Vote:
    state, _ = sitting_of(store, village, sitting)
    vote = state.open_vote(sitting)
    if vote is None:
        raise NotFound("err_unknown", kind="表决/vote", id=sitting)
    return vote


def enter_card_count(store: SqlRepository, village: str, sitting: str, teller: str, tally: Tally,
                     account: str, at: datetime) -> None:
    """The counter's card count for the open vote (sealed until the close if the vote is secret:
    its seal needs a nonce, made here)."""
    vote = _open_vote_of(store, village, sitting)
    handle(store, village, c.EnterCardCount(sitting, vote.id, teller, tally, account=account,
                                            nonce=secrets.token_hex(16) if vote.secret else None), at)


def confirm_card_count(store: SqlRepository, village: str, sitting: str, teller: str, account: str,
                       at: datetime) -> None:
    vote = _open_vote_of(store, village, sitting)
    handle(store, village, c.ConfirmCardCount(sitting, vote.id, teller, account=account), at)


def close_vote(store: SqlRepository, village: str, sitting: str, at: datetime) -> None:
    vote = _open_vote_of(store, village, sitting)
    handle(store, village, c.CloseVote(sitting, vote.id), at)


def adjourn(store: SqlRepository, village: str, sitting: str, reason: str, at: datetime) -> None:
    handle(store, village, c.AdjournSitting(sitting, reason), at)


def close_sitting(store: SqlRepository, village: str, sitting: str, at: datetime) -> None:
    handle(store, village, c.CloseSitting(sitting), at)


def record_minutes(store: SqlRepository, village: str, sitting: str, *, recorder: str, summary: str,
                   speakers: Sequence[str], recording_ref: str | None, recording_sha256: str | None,
                   at: datetime) -> None:
    handle(store, village, c.RecordMinutes(sitting, recorder, summary, tuple(speakers),
                                           recording_ref, recording_sha256), at)


def voters(store: SqlRepository, village: str, sitting: str) -> tuple[Sitting, list[tuple[str, str]]]:
    """The sitting and its voters as (id, name), by name: the cards to print."""
    _, found = sitting_of(store, village, sitting)
    names = person_names(store.engine, village)
    people = sorted(found.roster.voters, key=lambda p: names.get(p, p))
    return found, [(p, names.get(p, p)) for p in people]
