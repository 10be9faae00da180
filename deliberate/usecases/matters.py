"""A matter's way through the procedure, as the village clerk drives it: raising it (from a
villager's submission, or from the party organisation), convening its sittings, publishing and
closing its notice, recording the township's review, the progress of its implementation (with the
files that show it) and its completion."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from deliberate import commands as c
from deliberate import rules
from deliberate.errors import NotFound
from deliberate.procedure import Procedure, Stage, StepKind
from deliberate.store import SqlRepository
from deliberate.store.private import MAX_FILE_BYTES, forget_files, save_file
from deliberate.store.roster import load_roster

from .common import handle, state_of
from .settings import village_profile

__all__ = ["MAX_FILE_BYTES", "Upload", "close_notice", "complete", "convene", "publish_notice",
           "raise_matter", "record_progress", "township_review"]


def raise_matter(store: SqlRepository, village: str, *, title: str, procedure: Procedure, by: str,
                 by_person: str, description: str = "", plan: str = "", amount: int | None = None,
                 submission: str | None = None, at: datetime) -> str:
    """Raise a matter; from a villager's ``submission`` (which then follows the matter), or from
    the party organisation. Returns the matter's id."""
    if submission is not None and state_of(store, village).submissions.get(submission) is None:
        raise NotFound("err_unknown", kind="民情/submission", id=submission)
    matter = f"m{at:%Y%m%d}-{secrets.token_hex(3)}"
    handle(store, village, c.RaiseMatter(matter, title, procedure, by=by, description=description,
                                         plan=plan, amount=amount,
                                         origin="villagers" if submission else "party_organisation"), at)
    if submission is not None:
        handle(store, village, c.TakeUpSubmission(submission, matter, at.date(), by=by_person), at)
    return matter


def convene(store: SqlRepository, village: str, matter: str, *, scheduled_for: datetime,
            notice_date: date, place: str, by: str, at: datetime) -> str:
    """Convene the sitting of the step ``matter`` is at, with the roster of its body on the day.
    Returns the sitting's id."""
    found = state_of(store, village).matters.get(matter)
    if found is None:
        raise NotFound("err_unknown", kind="议题/matter", id=matter)
    step = found.step
    if step is None or step.kind is not StepKind.SITTING:
        raise NotFound("err_unknown", kind="会议步骤/sitting step", id=matter)
    rule = rules.preset(step.rule)
    body = load_roster(store.engine, village).body(rule.body, scheduled_for.date())
    sitting = f"s{scheduled_for:%Y%m%d}-{secrets.token_hex(3)}"
    handle(store, village, c.ConveneSitting(sitting, rule, body, (matter,), scheduled_for, notice_date,
                                            place, by=by), at)
    return sitting


def publish_notice(store: SqlRepository, village: str, matter: str, *, published_on: date,
                   days: int | None, contacts: str, issued_by: str, at: datetime) -> None:
    """Publish ``matter``'s notice for ``days`` (the village's notice period if None)."""
    period = village_profile(store, village).notice_period_days if days is None else days
    handle(store, village, c.PublishNotice(matter, published_on, period, contacts, issued_by), at)


def close_notice(store: SqlRepository, village: str, matter: str, at: datetime) -> None:
    handle(store, village, c.CloseNotice(matter, at.date()), at)


def township_review(store: SqlRepository, village: str, matter: str, *, approved: bool, reference: str,
                    by: str, return_to: Stage | None, at: datetime) -> None:
    handle(store, village, c.RecordTownshipReview(matter, approved, reference, by=by,
                                                  return_to=None if approved else return_to), at)


@dataclass(frozen=True)
class Upload:
    """A file brought with a progress entry (a receipt, an invoice, a photo)."""

    name: str
    media_type: str
    content: bytes


def record_progress(store: SqlRepository, village: str, matter: str, *, on: date, description: str,
                    spent: int, uploads: Sequence[Upload], at: datetime) -> str:
    """A progress entry with its files; returns the entry's id. The files are stored by SHA-256,
    which the entry names; an entry refused leaves none of its files behind."""
    attachments = []
    for upload in uploads:
        digest = save_file(store.engine, village, upload.name, upload.media_type, upload.content, at)
        attachments.append(c.Attachment(upload.name, digest))
    entry = f"e{at:%Y%m%d}-{secrets.token_hex(3)}"
    try:
        handle(store, village, c.RecordProgress(matter, entry, on, description, spent,
                                                tuple(attachments)), at)
    except Exception:
        forget_files(store.engine, village,
                     {a.sha256 for a in attachments} - state_of(store, village).attachment_digests())
        raise
    return entry


def complete(store: SqlRepository, village: str, matter: str, *, on: date, summary: str,
             at: datetime) -> None:
    handle(store, village, c.CompleteImplementation(matter, on, summary), at)
