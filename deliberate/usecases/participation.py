"""What villagers bring in: an objection to a matter's notice, a need or opinion (民情) — each
with, kept apart from the public log, who brought it and how to reach them — and how officials
take them up or answer them."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime

from deliberate import commands as c
from deliberate.ledger import Ledger
from deliberate.procedure import Stage
from deliberate.store import SqlRepository
from deliberate.store.private import ContactRecord
from deliberate.submission import Channel
from deliberate.tracking import TrackingNumber

from . import tracking
from .common import handle

__all__ = ["Lodged", "answer_objection", "answer_submission", "lodge_objection", "lodge_submission",
           "take_up_submission"]


@dataclass(frozen=True)
class Lodged:
    """What was lodged: its id in the record, and what the villager is given to follow it up —
    its number and the day its answer is due (:mod:`deliberate.usecases.tracking`)."""

    id: str
    number: TrackingNumber | None = None
    answer_by: date | None = None


def _given(store: SqlRepository, village: str, id: str, key: str) -> Lodged:
    found = tracking.tracked(store, village, key)
    return Lodged(id, found.number if found else None, found.answer_by if found else None)


def lodge_objection(store: SqlRepository, village: str, matter: str, text: str, *,
                    contact: str | None, at: datetime) -> Lodged:
    """An objection to ``matter``'s notice, lodged today; ``contact`` is for the committee only,
    kept beside the public log in the same transaction as the objection (or not at all)."""
    objection = f"o{at:%Y%m%d}-{secrets.token_hex(3)}"
    Ledger(village, store).handle(c.LodgeObjection(matter, objection, at.date(), text), at,
                                  side=[ContactRecord("objection", f"{matter}/{objection}", None, contact, at)])
    return _given(store, village, objection, f"objection/{matter}/{objection}")


def answer_objection(store: SqlRepository, village: str, matter: str, objection: str, *, answer: str,
                     upheld: bool, by: str, return_to: Stage | None, at: datetime) -> None:
    handle(store, village, c.AnswerObjection(matter, objection, at.date(), answer, upheld, by=by,
                                             return_to=return_to if upheld else None), at)


def lodge_submission(store: SqlRepository, village: str, text: str, *, name: str | None,
                     contact: str | None, at: datetime, received_on: date | None = None,
                     recorded_by: str | None = None) -> Lodged:
    """A villager's need or opinion: lodged online (today), or taken down by a clerk
    (``recorded_by``, ``received_on``: the day the villager said it)."""
    submission = f"q{at:%Y%m%d}-{secrets.token_hex(2)}"
    if recorded_by is None:
        command = c.LodgeSubmission(submission, at.date(), text)
    else:
        command = c.LodgeSubmission(submission, received_on or at.date(), text, Channel.CLERK,
                                    recorded_by=recorded_by)
    Ledger(village, store).handle(command, at,
                                  side=[ContactRecord("submission", submission, name, contact, at)])
    return _given(store, village, submission, f"submission/{submission}")


def take_up_submission(store: SqlRepository, village: str, submission: str, matter: str, *, by: str,
                       at: datetime) -> None:
    handle(store, village, c.TakeUpSubmission(submission, matter, at.date(), by=by), at)


def answer_submission(store: SqlRepository, village: str, submission: str, answer: str, *, by: str,
                      at: datetime) -> None:
    handle(store, village, c.AnswerSubmission(submission, at.date(), answer, by=by), at)
