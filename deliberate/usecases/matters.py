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
from deliberate.convening import SignerPool, requisition
from deliberate.errors import InvalidInput, NotFound
from deliberate.ledger import Ledger
from deliberate.procedure import Procedure, Stage, StepKind
from deliberate.state import RequisitionRecord
from deliberate.store import SqlRepository
from deliberate.store.private import MAX_FILE_BYTES, FileRecord
from deliberate.store.roster import load_roster

from .common import handle, state_of
from .settings import village_profile

__all__ = ["MAX_FILE_BYTES", "Upload", "close_notice", "complete", "convene", "publish_notice",
           "raise_matter", "record_progress", "record_requisition", "township_review"]


def raise_matter(store: SqlRepository, village: str, *, title: str, procedure: Procedure, by: str,
                 by_person: str, description: str = "", plan: str = "", amount: int | None = None,
                 submission: str | None = None, at: datetime) -> str:
    """Raise a matter; from a villager's ``submission`` (which then follows the matter: both in
    one transaction, or neither), or from the party organisation. Returns the matter's id."""
    matter = f"m{at:%Y%m%d}-{secrets.token_hex(3)}"
    # Under the village's jurisdiction: its sittings are then convened under its rules only.
    procedure = village_profile(store, village).procedure(procedure)
    raised = c.RaiseMatter(matter, title, procedure, by=by, description=description, plan=plan,
                           amount=amount, origin="villagers" if submission else "party_organisation")
    taken_up = () if submission is None else (c.TakeUpSubmission(submission, matter, at.date(), by=by_person),)
    Ledger(village, store).handle_together((raised, *taken_up), at)
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
    rule = step.decides_by  # the procedure's rule for the step, and no other (the core checks)
    assert rule is not None
    body = load_roster(store.engine, village).body(rule.body, scheduled_for.date())
    sitting = f"s{scheduled_for:%Y%m%d}-{secrets.token_hex(3)}"
    extended_by = village_profile(store, village).notice_extended_by  # the village's reading
    handle(store, village, c.ConveneSitting(sitting, rule, body, (matter,), scheduled_for, notice_date,
                                            place, by=by, notice_extended_by=extended_by), at)
    return sitting


def record_requisition(store: SqlRepository, village: str, matter: str, *, kind: str, received_on: date,
                       signers: Sequence[str], by: str, at: datetime) -> RequisitionRecord:
    """Record a requisition about ``matter``: ``signers`` as typed (each a roster number or a
    name that names one person who could sign), counted against everyone who could sign on
    ``received_on`` — adults of the village, or its representatives, as the requisition's kind
    says (组织法 第21、26条). Returns it, with whether it obliges the committee to convene."""
    rule = requisition(kind)
    roster = load_roster(store.engine, village)
    could = (roster.adults(received_on) if rule.pool is SignerPool.ADULT_VILLAGERS
             else frozenset(r.person for r in roster.representatives(received_on)))
    by_name: dict[str, list[str]] = {}
    for person in could:
        by_name.setdefault(roster.people[person].name, []).append(person)
    people = []
    for typed in (s.strip() for s in signers if s.strip()):
        found = [typed] if typed in could else by_name.get(typed, [])
        if len(found) != 1:
            raise InvalidInput("err_signer_unknown" if not found else "err_signer_ambiguous",
                               signer=typed, who=rule.signers, numbers="、".join(sorted(found)))
        people.append(found[0])
    ident = f"r{at:%Y%m%d}-{secrets.token_hex(3)}"
    handle(store, village, c.RecordRequisition(matter, ident, kind, received_on, tuple(people), len(could),
                                               by=by), at)
    return next(r for r in state_of(store, village).matters[matter].requisitions if r.id == ident)


def publish_notice(store: SqlRepository, village: str, matter: str, *, published_on: date,
                   days: int | None, contacts: str, issued_by: str, at: datetime) -> None:
    """Publish ``matter``'s notice for ``days`` (the village's notice period if None)."""
    profile = village_profile(store, village)
    period = profile.notice_period_days if days is None else days
    handle(store, village, c.PublishNotice(matter, published_on, period, contacts, issued_by,
                                           calendar=profile.calendar), at)


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
    """A progress entry with its files; returns the entry's id. The files are kept by SHA-256,
    which the entry names, in the same transaction as the entry: an entry refused keeps none of
    its files, and an entry kept never names a file that is not."""
    for upload in uploads:
        if not upload.content or len(upload.content) > MAX_FILE_BYTES or len(upload.name) > 500 \
                or len(upload.media_type) > 200:
            raise InvalidInput("err_bad_value", field="file",
                               detail=f"{upload.name[:80]!r}: empty, or over {MAX_FILE_BYTES // 2**20} MB")
    files = [FileRecord(u.name, u.media_type, u.content, at) for u in uploads]
    entry = f"e{at:%Y%m%d}-{secrets.token_hex(3)}"
    Ledger(village, store).handle(
        c.RecordProgress(matter, entry, on, description, spent,
                         tuple(c.Attachment(f.name, f.sha256) for f in files)), at, side=files)
    return entry


def complete(store: SqlRepository, village: str, matter: str, *, on: date, summary: str,
             at: datetime) -> None:
    handle(store, village, c.CompleteImplementation(matter, on, summary), at)
