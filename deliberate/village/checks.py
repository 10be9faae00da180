"""The checks every decider shares: input the core refuses with a message, and lookups by id.

A command comes from a form, a file or another program, so nothing in it is trusted: each field is
checked here (text, one-line ids, digests, types) and refused with :class:`~deliberate.errors.InvalidInput`
naming the field, never cut short. The lookups refuse an unknown matter, sitting or vote with
:class:`~deliberate.errors.NotFound`. Nothing here changes a state.

>>> ident("matter", "m1")
'm1'
>>> text("title", "  ")
Traceback (most recent call last):
  ...
deliberate.errors.InvalidInput: title不能为空
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from ..chronology import Dated, Fact, local_date
from ..errors import CountExceedsPresent, InvalidInput, NotFound, ProcedureError
from ..state import Matter, Sitting, VillageState, Vote
from ..values import printable

__all__ = ["Applier", "Decider", "aware", "free_text", "ident", "idle", "matter_of", "of_type", "sha256", "since",
           "sitting_of", "text", "vote_of", "voter_counts", "within_present"]

# The shapes of the dispatch tables each module of the package contributes to (see __init__).
Decider = Callable[[VillageState, Any, datetime], tuple[Any, ...]]
Applier = Callable[[VillageState, Any], VillageState]

_MAX_TEXT = 20_000
_SHA256 = re.compile(r"[0-9a-f]{64}")


def text(field: str, value: object, *, limit: int = _MAX_TEXT, optional: bool = False) -> str:
    if optional and value is None:
        return value  # type: ignore[return-value]
    if not isinstance(value, str):
        raise InvalidInput("err_bad_value", field=field, detail=f"{value!r} is not text")
    if not value.strip():
        raise InvalidInput("err_empty", field=field)
    if len(value) > limit:
        raise InvalidInput("err_bad_value", field=field, detail=f"longer than {limit} characters")
    # No control characters (NUL cannot be stored in PostgreSQL's text) and no bidirectional
    # controls: nothing in a notice anyone reads may hide or reorder what it says.
    return printable(field, value)


def free_text(field: str, value: object) -> str:
    """Text that may be empty (a description, a first plan)."""
    if not isinstance(value, str) or len(value) > _MAX_TEXT:
        raise InvalidInput("err_bad_value", field=field, detail="text up to 20,000 characters")
    return printable(field, value)


def ident(field: str, value: object) -> str:
    return text(field, value, limit=200)


def aware(now: object) -> datetime:
    """``now`` if it is a datetime that knows its time zone: the record's times are instants."""
    if not isinstance(now, datetime) or now.tzinfo is None:
        raise InvalidInput("err_naive_time", value=now)
    return now


def sha256(field: str, value: object) -> str:
    if not isinstance(value, str) or not _SHA256.fullmatch(value):
        raise InvalidInput("err_sha256", field=field)
    return value


def of_type(field: str, value: object, kind: type | tuple[type, ...]) -> Any:
    if not isinstance(value, kind):
        raise InvalidInput("err_bad_value", field=field, detail=f"{value!r}")
    return value


# --- lookups ----------------------------------------------------------------------------------

def matter_of(state: VillageState, matter: object) -> Matter:
    found = state.matters.get(matter) if isinstance(matter, str) else None
    if found is None:
        raise NotFound("err_unknown", kind="议题/matter", id=matter)
    return found


def sitting_of(state: VillageState, sitting: object) -> Sitting:
    found = state.sittings.get(sitting) if isinstance(sitting, str) else None
    if found is None:
        raise NotFound("err_unknown", kind="会议/sitting", id=sitting)
    return found


def vote_of(state: VillageState, sitting: Sitting, vote: object) -> Vote:
    found = state.votes.get(sitting.id)
    if found is None or found.id != vote:
        raise NotFound("err_no_vote", id=vote)
    return found


# --- guards shared by several concerns ----------------------------------------------------------

def idle(matter: Matter) -> None:
    """A matter with an open vote on it cannot be moved until the vote closes."""
    if matter.voting is not None:
        raise ProcedureError("err_vote_open")


def since(state: VillageState, matter: Matter) -> Dated | None:
    """The dated fact the matter's next dated fact may not precede.

    A sitting's decision is dated by its vote's close, and no earlier than the day the sitting was
    called for: the printed notice names that day as the meeting's.
    """
    since = matter.since
    if since is not None and since.fact is Fact.DECISION and matter.results:
        sitting = state.sittings.get(matter.results[-1].sitting)
        if sitting is not None:
            return Dated(since.fact, max(since.on, local_date(sitting.scheduled_for)))
    return since


def voter_counts(vote: Vote) -> tuple[int, int]:
    """(electronic ballots, card ballots) for the present-voters check."""
    return len(vote.voters), vote.cards.cast if vote.cards else 0


def within_present(electronic: int, cards: int, present: int) -> None:
    """Ballots on phones plus cards counted can never exceed the voters present."""
    if electronic + cards > present:
        raise CountExceedsPresent("err_count_exceeds", electronic=electronic, cards=cards,
                                  present=present)
