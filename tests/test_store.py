"""The SQL store on SQLite and PostgreSQL: the same record, durable, shared, and rebuildable."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from helpers import Village
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from deliberate import ConcurrencyConflict, Ledger, Stage, Tally
from deliberate import commands as c
from deliberate.procedure import PROCEDURES
from deliberate.store import open_store
from deliberate.store.models import BallotBoxRow, BallotRow, LogEntryRow
from deliberate.store.projections import PROJECTIONS
from deliberate.tally import Choice


def _rows(repo, table):
    t = table.__table__
    with repo.engine.connect() as conn:
        return sorted(tuple(r) for r in conn.execute(select(t)))


def test_a_whole_procedure_on_the_store_matches_memory(store_url):
    repo = open_store(store_url)
    stored, memory = Village("v", repo), Village("v")
    for v in (stored, memory):
        v.to_stage("m1", Stage.DONE)
        v.to_stage("m2", Stage.REJECTED)
    assert stored.state == memory.state
    assert list(stored.ledger.entries()) == list(memory.ledger.entries())
    assert stored.ledger.verify().ok
    # Another process (a new repository, an empty cache) reads the same state.
    again = open_store(store_url, migrate=False)
    assert again.load("v")[0] == memory.state
    assert Ledger("v", again).rebuild() == memory.state
    # The ballot projection holds each voter's last ballot of every vote, as the log records it.
    last = {}
    for e in memory.ledger.entries():
        if e.type in ("ballot_cast", "took_part"):
            p = e.payload
            last[p["sitting"], p["vote"], p["voter"]] = (p.get("choice"), e.height)
    assert len({(s, vote) for s, vote, _ in last}) == 5
    assert {(r.sitting, r.vote, r.voter): (r.choice, r.height) for r in _rows_obj(repo, BallotRow)} == last


def _rows_obj(repo, table):
    with repo.engine.connect() as conn:
        return list(conn.execute(select(table.__table__)))


@pytest.mark.parametrize("name", ["township_review", "combined_proposal"])
def test_variants_run_on_the_store(store_url, name):
    repo = open_store(store_url)
    v = Village("v", repo)
    v.to_stage("m1", Stage.DONE, PROCEDURES[name])
    assert Ledger("v", open_store(store_url, migrate=False)).rebuild() == v.state


def test_projections_rebuild_to_what_was_written(store_url):
    repo = open_store(store_url)
    v = Village("v", repo)
    v.to_stage("m1", Stage.IMPLEMENTATION)
    v.do(c.RecordProgress("m1", "e1", v.today, "开工", 500_00))
    s, voters = _sitting_with_secret_vote(v, "m2")
    v.do(c.CheckOut(s, voters[-1]))
    before = {t.__tablename__: _rows(repo, t) for t in PROJECTIONS}
    repo.rebuild_projections("v")
    after = {t.__tablename__: _rows(repo, t) for t in PROJECTIONS}
    assert after == before
    assert set(before) == {"ballot"} and before["ballot"]


def _sitting_with_secret_vote(v: Village, mid: str):
    v.raise_matter(mid)
    s = v.convene(mid)
    voters = sorted(v.state.sittings[s].roster.voters)
    for p in voters:
        v.do(c.CheckIn(s, p))
    v.do(c.OpenSitting(s, by="p0001"))
    v.do(c.OpenVote(s, "v1", mid, "提议", secret=True))
    for i, p in enumerate(voters[:3]):
        v.do(c.CastBallot(s, "v1", p, Choice.APPROVE, receipt=f"R{i}", change_code=f"C{i}"))
    v.do(c.CastBallot(s, "v1", voters[0], Choice.OPPOSE, receipt="R0", change_code="C0"))  # changed, no chain entry
    return s, voters


def test_secret_ballots_stay_apart_and_other_processes_see_them(store_url):
    repo = open_store(store_url)
    v = Village("v", repo)
    s, voters = _sitting_with_secret_vote(v, "m1")
    (box,) = _rows_obj(repo, BallotBoxRow)  # one row for the vote, its text sorted by receipt
    assert [line.split("\t")[:2] for line in box.ballots.split("\n")] == [
        ["R0", "-"], ["R1", "+"], ["R2", "+"]]  # the change rewrote the box
    assert {"voter", "time", "seq"}.isdisjoint(BallotBoxRow.__table__.c.keys())
    ballots = _rows_obj(repo, BallotRow)
    assert {b.voter for b in ballots} == set(voters[:3]) and {b.choice for b in ballots} == {None}
    other = open_store(store_url, migrate=False)
    assert other.load("v")[0].open_vote(s).electronic == Tally(2, 1, 0)
    # The other process casts; the first catches up on its next load.
    Ledger("v", other).handle(c.CastBallot(s, "v1", voters[3], Choice.ABSTAIN, receipt="R3",
                                                    change_code="C3"),
                              v.tick())
    assert v.state.open_vote(s).electronic == Tally(2, 1, 1)
    v.do(c.CloseVote(s, "v1"))
    assert v.state == Ledger("v", open_store(store_url, migrate=False)).rebuild()


def test_one_ballot_per_person_per_vote_is_also_a_database_constraint(store_url):
    repo = open_store(store_url)
    v = Village("v", repo)
    v.raise_matter("m1")
    s = v.convene("m1")
    p = sorted(v.state.sittings[s].roster.voters)[0]
    v.do(c.CheckIn(s, p))
    for q in sorted(v.state.sittings[s].roster.voters)[1:3]:
        v.do(c.CheckIn(s, q))
    v.do(c.OpenSitting(s, by="p0001"))
    v.do(c.OpenVote(s, "v1", "m1", "提议"))
    v.do(c.CastBallot(s, "v1", p, Choice.APPROVE))
    v.do(c.CastBallot(s, "v1", p, Choice.OPPOSE))
    rows = _rows_obj(repo, BallotRow)
    assert [(r.voter, r.choice) for r in rows] == [(p, "oppose")]
    with pytest.raises(IntegrityError), repo.engine.begin() as conn:
        conn.execute(BallotRow.__table__.insert().values(village="v", sitting=s, vote="v1", voter=p,
                                                         choice="approve", height=99))


def test_the_log_is_insert_only_in_the_database(store_url):
    repo = open_store(store_url)
    Village("v", repo).raise_matter("m1")
    t = LogEntryRow.__table__
    for statement in (t.update().values(type="forged"), t.delete()):
        with pytest.raises(DBAPIError, match="insert-only"), repo.engine.begin() as conn:
            conn.execute(statement)
    assert len(_rows(repo, LogEntryRow)) == 1


def test_a_lost_race_is_refused_and_the_ledger_decides_again(store_url):
    a, b = open_store(store_url), open_store(store_url, migrate=False)
    va = Village("v", a)
    va.raise_matter("m1")
    b.load("v")  # b keeps the village as it is now
    Ledger("v", a).handle(c.RaiseMatter("m2", "二", PROCEDURES["township_review"], by="p1"),
                          va.tick())
    entry = Ledger("v", b)
    third = c.RaiseMatter("m3", "三", PROCEDURES["township_review"], by="p1")
    with pytest.raises(ConcurrencyConflict):  # decided on what b kept, refused at the commit
        b.write("v", entry.decision(third, va.tick()))
    entry.handle(third, va.tick())
    assert set(open_store(store_url, migrate=False).load("v")[0].matters) == {"m1", "m2", "m3"}
    assert entry.verify().ok


def test_villages_are_separate_chains(store_url):
    repo = open_store(store_url)
    Village("甲村", repo).to_stage("m1", Stage.CONSULTATION)
    Village("乙村", repo).raise_matter("m1")
    assert repo.villages() == [("乙村", "乙村"), ("甲村", "甲村")] or \
        sorted(repo.villages()) == [("乙村", "乙村"), ("甲村", "甲村")]
    assert Ledger("甲村", repo).verify().ok and Ledger("乙村", repo).checkpoint.height == 1
    with repo.engine.connect() as conn:
        assert conn.execute(text("select count(*) from log_entry where village = '乙村'")).scalar() == 1


# -- the ballot box's text ---------------------------------------------------------------------

_RECEIPTS = st.text(alphabet="ABCDEFGHJKMNPQRSTVWXYZ23456789-", min_size=1, max_size=9)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_RECEIPTS, st.sampled_from(list(Choice)),
                          st.one_of(st.none(), st.text(alphabet="0123456789abcdef", min_size=32,
                                                       max_size=32))), max_size=40),
       st.randoms(use_true_random=False))
def test_a_box_text_depends_only_on_the_ballots_in_it(casts, rng):
    """History independence: whatever order the ballots (and their changes) come in, and however
    they are grouped into writes, the stored text is the same — the sorted lines of the ballots as
    they end up — so nothing in it tells which came last. And what a catch-up applies covers every
    ballot that differs from the text seen before."""
    from deliberate.pmap import PMap
    from deliberate.store.box import box_lines, box_text, changed

    def written(order):
        text, box, codes = "", PMap(), PMap()
        for group in order:
            before = text
            for receipt, choice, digest in group:
                box, codes = box.set(receipt, choice), codes.set(receipt, digest)
            vote = SimpleNamespace(box=box, codes=codes)
            text = box_text(text, vote, {r for r, _, _ in group})
            new = set(text.split("\n")) - set(before.split("\n")) if text else set()
            assert new <= set(changed(before, text).split("\n"))
        return text, box, codes

    final: dict = {}
    for receipt, choice, digest in casts:
        final[receipt] = (choice, digest)
    text, _, _ = written([[cast] for cast in casts])
    assert box_lines(text) == sorted((r, ch, d) for r, (ch, d) in final.items())
    # The same ballots, each voter's casts kept in their order, in another interleaving and
    # grouping: the same text.
    by_voter: dict = {}
    for cast in casts:
        by_voter.setdefault(cast[0], []).append(cast)
    queues = list(by_voter.values())
    order, group = [], []
    while queues:
        queue = rng.choice(queues)
        group.append(queue.pop(0))
        if not queue:
            queues.remove(queue)
        if rng.random() < 0.5:
            order.append(group)
            group = []
    order.append(group)
    assert written([g for g in order if g])[0] == text
