"""Projections: query-friendly tables derived from the log, written with every append.

Two kinds of update, both applied in the append's transaction:

- per entry, in order: who is present (``attendance``) and each person's ballot (``ballot``);
- per object touched, from the new state: ``matter``, ``sitting``, ``vote_result``, ``notice``,
  ``objection``, ``progress``.

:func:`rebuild` deletes a village's projections and writes them again from its log, which is the
proof that they hold nothing the log does not.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, delete, insert
from sqlalchemy.dialects import postgresql, sqlite

from deliberate.record import Entry
from deliberate.state import Matter, Sitting, VillageState, VoteResult

from .models import (
    AttendanceRow,
    BallotRow,
    MatterRow,
    NoticeRow,
    ObjectionRow,
    ProgressRow,
    SittingRow,
    VoteResultRow,
)

__all__ = ["PROJECTIONS", "apply", "rebuild"]

PROJECTIONS = (AttendanceRow, BallotRow, VoteResultRow, NoticeRow, ObjectionRow, ProgressRow,
               SittingRow, MatterRow)

_MATTER_EVENTS = frozenset({"matter_raised", "plan_amended", "matter_returned",
                            "matter_withdrawn", "township_reviewed", "notice_closed",
                            "objection_answered", "progress_recorded",
                            "implementation_completed", "vote_closed", "vote_opened",
                            "sitting_convened", "sitting_adjourned", "sitting_closed"})
_SITTING_EVENTS = frozenset({"sitting_convened", "checked_in", "checked_out", "tellers_appointed",
                             "sitting_opened", "vote_opened", "vote_closed", "sitting_adjourned",
                             "sitting_closed"})


def _upsert(conn: Connection, table: Any, rows: Sequence[dict[str, Any]]) -> None:
    if not rows:
        return
    t = table.__table__
    keys = [c.name for c in t.primary_key.columns]
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(t)
    stmt = stmt.on_conflict_do_update(
        index_elements=keys, set_={c.name: stmt.excluded[c.name] for c in t.columns
                                   if c.name not in keys})
    conn.execute(stmt, list(rows))


def _matter_row(village: str, m: Matter) -> dict[str, Any]:
    return {"village": village, "id": m.id, "title": m.title, "stage": m.stage.value,
            "procedure": m.procedure.name, "amount": m.amount, "spent": m.spent,
            "raised_by": m.raised_by}


def _sitting_row(village: str, s: Sitting, state: VillageState) -> dict[str, Any]:
    vote = state.votes.get(s.id)
    return {"village": village, "id": s.id, "body": s.body.value, "rule": s.rule.name,
            "state": s.state.value, "scheduled_for": s.scheduled_for, "place": s.place,
            "agenda": json.dumps(list(s.agenda), ensure_ascii=False),
            "expected": s.attendance().expected, "present": s.voters_present,
            "open_vote": vote.id if vote else None}


def _result_row(village: str, r: VoteResult) -> dict[str, Any]:
    cards = r.cards
    return {"village": village, "sitting": r.sitting, "vote": r.vote, "matter": r.matter,
            "stage": r.stage.value, "body": r.body.value, "rule": r.rule.name, "motion": r.motion,
            "secret": r.secret, "expected": r.attendance.expected, "present": r.attendance.present,
            "approve": r.tally.approve, "oppose": r.tally.oppose, "abstain": r.tally.abstain,
            "cards_approve": cards.approve if cards else None,
            "cards_oppose": cards.oppose if cards else None,
            "cards_abstain": cards.abstain if cards else None, "quorate": r.quorate,
            "passed": r.passed, "action": r.action.value, "opened_at": r.opened_at,
            "closed_at": r.closed_at, "receipts_digest": r.receipts_digest}


def _matter_children(village: str, m: Matter) -> tuple[list, list, list]:
    notices = [{"village": village, "matter": m.id, "number": n.number, "stage": n.stage.value,
                "published_on": n.published_on, "first_day": n.period.first,
                "last_day": n.period.last, "contacts": n.contacts, "issued_by": n.issued_by}
               for n in m.notices]
    objections = [{"village": village, "matter": m.id, "id": o.id, "notice": o.notice,
                   "lodged_on": o.lodged_on, "text": o.text, "answered_on": o.answered_on,
                   "answer": o.answer, "upheld": o.upheld} for o in m.objections]
    progress = [{"village": village, "matter": m.id, "entry": p.entry, "on": p.on,
                 "description": p.description, "spent": p.spent} for p in m.progress]
    return notices, objections, progress


def apply(conn: Connection, village: str, entries: Iterable[Entry], state: VillageState) -> None:
    """Bring the projections up to date with ``entries``, whose result is ``state``."""
    matters: set[str] = set()
    sittings: set[str] = set()
    results: set[tuple[str, str]] = set()
    for entry in entries:
        p, kind = entry.payload, entry.type
        if kind == "ballot_cast" or kind == "took_part":
            _upsert_ballot(conn, village, p["sitting"], p["vote"], p["voter"], p.get("choice"),
                           entry.height)
            continue  # the hot path: nothing else changes
        if kind == "checked_in":
            person = p["person"]
            household = state.sittings[p["sitting"]].roster.households.get(person)
            conn.execute(insert(AttendanceRow.__table__).values(
                village=village, sitting=p["sitting"], person=person, household=household,
                since=entry.time))
        elif kind == "checked_out":
            t = AttendanceRow.__table__
            conn.execute(delete(t).where(t.c.village == village, t.c.sitting == p["sitting"],
                                         t.c.person == p["person"]))
        if kind == "vote_closed":
            results.add((p["sitting"], p["vote"]))
        if kind in _SITTING_EVENTS:
            sittings.add(p["sitting"])
        if kind in _MATTER_EVENTS or kind in ("notice_published", "objection_lodged"):
            if "matter" in p:
                matters.add(p["matter"])
            elif kind in ("sitting_convened",):
                matters.update(p["agenda"])
        if kind in ("sitting_adjourned", "sitting_closed"):
            matters.update(state.sittings[p["sitting"]].agenda)
    _write_objects(conn, village, state, matters, sittings, results)


_BALLOT = ("INSERT INTO ballot (village, sitting, vote, voter, choice, height) "
           "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (village, sitting, vote, voter) "
           "DO UPDATE SET choice = excluded.choice, height = excluded.height")
_BALLOT_SQL = {"sqlite": _BALLOT, "postgresql": _BALLOT.replace("?", "%s")}


def _upsert_ballot(conn: Connection, village: str, sitting: str, vote: str, voter: str,
                   choice: str | None, height: int) -> None:
    # The hot path of a vote: plain SQL on the driver (portable: SQLite ≥ 3.24 and PostgreSQL).
    conn.connection.driver_connection.cursor().execute(
        _BALLOT_SQL[conn.dialect.name], (village, sitting, vote, voter, choice, height))


def _write_objects(conn: Connection, village: str, state: VillageState, matters: Iterable[str],
                   sittings: Iterable[str], results: Iterable[tuple[str, str]]) -> None:
    matter_rows, notices, objections, progress = [], [], [], []
    for mid in sorted(matters):
        m = state.matters[mid]
        matter_rows.append(_matter_row(village, m))
        n, o, p = _matter_children(village, m)
        notices += n
        objections += o
        progress += p
    _upsert(conn, MatterRow, matter_rows)
    _upsert(conn, NoticeRow, notices)
    _upsert(conn, ObjectionRow, objections)
    _upsert(conn, ProgressRow, progress)
    _upsert(conn, SittingRow, [_sitting_row(village, state.sittings[s], state)
                               for s in sorted(sittings)])
    rows = []
    for sitting, vote in sorted(results):
        for r in state.sittings[sitting].results:
            if r.vote == vote:
                rows.append(_result_row(village, r))
    _upsert(conn, VoteResultRow, rows)


def rebuild(conn: Connection, village: str, entries: Sequence[Entry], state: VillageState) -> None:
    """Delete ``village``'s projections and write them again from its whole log."""
    for table in PROJECTIONS:
        t = table.__table__
        conn.execute(delete(t).where(t.c.village == village))
    ballots: dict[tuple[str, str, str], dict[str, Any]] = {}
    for entry in entries:
        p = entry.payload
        if entry.type in ("ballot_cast", "took_part"):
            ballots[p["sitting"], p["vote"], p["voter"]] = {
                "village": village, "sitting": p["sitting"], "vote": p["vote"],
                "voter": p["voter"], "choice": p.get("choice"), "height": entry.height}
    if ballots:
        conn.execute(insert(BallotRow.__table__), list(ballots.values()))
    attendance = [{"village": village, "sitting": s.id, "person": person,
                   "household": s.roster.households.get(person), "since": ""}
                  for s in state.sittings.values() for person in sorted(s.present)]
    since = {(e.payload["sitting"], e.payload["person"]): e.time for e in entries
             if e.type == "checked_in"}
    for row in attendance:
        row["since"] = since[row["sitting"], row["person"]]
    if attendance:
        conn.execute(insert(AttendanceRow.__table__), attendance)
    _write_objects(conn, village, state, state.matters.keys(), state.sittings.keys(),
                   [(r.sitting, r.vote) for s in state.sittings.values() for r in s.results])
