"""Requisitions (联名提议, 组织法 第21、26条): recorded in the core, through the use case, on the
clerk's page; once one meets its threshold the matter says the committee must convene."""

from __future__ import annotations

from datetime import timedelta

import pytest
from helpers import Village, demo_app, demo_driver
from test_webui import csrf, login

from deliberate import Stage
from deliberate import commands as c
from deliberate.errors import AlreadyExists, DateOrderError, InvalidInput, InvalidNumbers, InvalidRule
from deliberate.usecases import matters


def _record(v, rid, signers, eligible, kind="representatives_meeting_by_representatives", on=None):
    return c.RecordRequisition("m1", rid, kind, on or v.today, tuple(signers), eligible, by="clerk")


def test_a_fifth_of_the_representatives_obliges_the_committee_and_the_matter_says_so():
    """组织法 第26条: a fifth of the representatives may require a representatives' meeting. Of 26,
    5 are not enough (5·5 < 26) and 6 are; 26 of 26 is met too (everyone who could sign)."""
    v = Village()
    v.raise_matter("m1")
    v.do(_record(v, "r1", [f"p{i:04}" for i in range(1, 6)], 26))
    m = v.matter("m1")
    assert not m.requisitions[0].met and m.requisitions[0].required == 6 and m.obliged_by is None
    assert "未达到" in m.requisitions[0].explain() and "第二十六条" in m.requisitions[0].explain()
    v.do(_record(v, "r2", [f"p{i:04}" for i in range(1, 27)], 26))
    m = v.matter("m1")
    assert m.obliged_by is m.requisitions[1] and m.requisitions[1].met
    said = m.obliged_by.explain()
    assert "26人联名" in said and "应当召集" in said and "村民代表会议" in said and "2018年文本条号" in said
    assert v.ledger.rebuild() == v.state


@pytest.mark.parametrize("command, error", [
    (lambda v: _record(v, "r1", ["p0001", "p0001"], 26), InvalidInput),  # signed twice
    (lambda v: _record(v, "r1", [], 26), InvalidInput),
    (lambda v: _record(v, "r1", ["p0001"] * 0 + [f"p{i:04}" for i in range(1, 8)], 6), InvalidNumbers),
    (lambda v: _record(v, "r1", ["p0001"], -1), InvalidInput),
    (lambda v: _record(v, "r1", ["p0001"], 26, kind="by_anyone"), InvalidRule),
    (lambda v: _record(v, "r1", ["p0001"], 26, on=v.today + timedelta(days=1)), DateOrderError),
])
def test_a_requisition_that_cannot_be_is_refused_and_changes_nothing(command, error):
    v = Village()
    v.raise_matter("m1")
    before = v.state
    with pytest.raises(error):
        v.do(command(v))
    assert v.state == before


def test_an_id_used_twice_the_same_paper_twice_and_a_finished_matter_are_refused():
    v = Village()
    v.raise_matter("m1")
    v.do(_record(v, "r1", ["p0001", "p0002"], 26))
    with pytest.raises(AlreadyExists):
        v.do(_record(v, "r1", ["p0002"], 26))
    with pytest.raises(AlreadyExists, match="已经记录过了"):  # a double tap: other id, same paper
        v.do(_record(v, "r9", ["p0002", "p0001"], 26))
    v.do(_record(v, "r2", ["p0001", "p0002"], 26, on=v.today - timedelta(days=1)))  # another day
    v.do(c.WithdrawMatter("m1", "撤回", by="p0001"))
    with pytest.raises(InvalidInput, match="已办结或撤回"):
        v.do(_record(v, "r2", ["p0002"], 26))


def test_the_use_case_counts_who_could_sign_from_the_roster_and_names_who_cannot(tmp_path):
    """A tenth of the adult villagers (组织法 第21条): the use case counts the adults on the day,
    takes names or numbers, and refuses a name nobody bears."""
    from collections import Counter

    from deliberate.store.roster import load_roster

    app = demo_app(tmp_path / "u.sqlite3")
    _, driver = demo_driver(app)
    driver.raise_matter("m1")
    store = app.extensions["deliberate"]
    roster = load_roster(store.engine, "demo")
    adults = sorted(roster.adults(driver.today))
    need = -(-len(adults) // 10)
    counts = Counter(roster.people[p].name for p in adults)
    unique = [p for p in adults if counts[roster.people[p].name] == 1]
    names = [roster.people[p].name for p in unique[:need - 1]]
    first = matters.record_requisition(store, "demo", "m1", kind="villagers_meeting_by_villagers",
                                       received_on=driver.today, signers=[*names, ""], by="clerk",
                                       at=driver.now)
    assert first.eligible == len(adults) and len(first.signers) == need - 1 and not first.met
    assert set(first.signers) == set(unique[:need - 1])
    second = matters.record_requisition(store, "demo", "m1", kind="villagers_meeting_by_villagers",
                                        received_on=driver.today, signers=adults[:need], by="clerk",
                                        at=driver.now)
    assert second.met and "第二十一条" in second.explain()
    reps = {r.person for r in roster.representatives(driver.today)}
    outsider = next(p for p in adults if p not in reps)
    with pytest.raises(InvalidInput, match="不是可联名的人"):
        matters.record_requisition(store, "demo", "m1", kind="representatives_meeting_by_representatives",
                                   received_on=driver.today, signers=[outsider], by="clerk", at=driver.now)


def test_the_clerk_records_one_and_both_pages_show_the_committee_must_convene(tmp_path):
    app = demo_app(tmp_path / "r.sqlite3")
    ledger, driver = demo_driver(app)
    driver.raise_matter("road", "硬化村道")
    clerk = login(app, "clerk")
    page = clerk.get("/v/demo/m/road").get_data(as_text=True)
    assert "记录收到的联名提议" in page
    store = app.extensions["deliberate"]
    from deliberate.store.roster import load_roster

    reps = sorted(r.person for r in load_roster(store.engine, "demo").representatives(driver.today))
    token = csrf(clerk, "/v/demo/m/road")
    done = clerk.post("/v/demo/m/road/requisitions", data={
        "kind": "representatives_meeting_by_representatives", "received_on": str(driver.today),
        "signers": "\n".join(reps), "csrf_token": token})
    assert done.status_code == 302
    shown = clerk.get("/v/demo/m/road").get_data(as_text=True)
    assert "应当召集会议" in shown and f"{len(reps)}人联名" in shown
    public = app.test_client().get("/p/demo/m/road").get_data(as_text=True)
    assert "应当召集" in public and "联名提议召开会议" in public
    bad = clerk.post("/v/demo/m/road/requisitions", data={
        "kind": "representatives_meeting_by_representatives", "received_on": str(driver.today),
        "signers": "查无此人", "csrf_token": token})
    said = bad.get_data(as_text=True)  # the page again, with the reason and what was typed
    assert bad.status_code == 422 and "不是可联名的人" in said and ">查无此人</textarea>" in said
    assert len(ledger.state.matters["road"].requisitions) == 1


def test_a_representatives_meeting_whose_composition_breaks_the_law_says_so_for_its_minutes(tmp_path):
    """组织法 第25条: the console of a representatives' meeting lists, for the minutes, each rule its
    composition breaks on its day; the roster page lists every finding. A sitting of another
    body shows none."""
    from dataclasses import replace
    from datetime import timedelta

    from deliberate.procedure import REPRESENTATIVES
    from deliberate.roster import Sex
    from deliberate.store.roster import load_roster, save_roster
    from deliberate.usecases import roster as rosters

    app = demo_app(tmp_path / "c.sqlite3")
    ledger, driver = demo_driver(app)
    store = app.extensions["deliberate"]
    roster = load_roster(store.engine, "demo")
    women = [r for r in roster.representatives(driver.today) if roster.people[r.person].sex is Sex.FEMALE]
    # Most women representatives' terms ended yesterday: the women's share falls below a third.
    save_roster(store.engine, "demo", representations=[replace(r, end=driver.today - timedelta(days=1))
                                                       for r in women[:-3]])
    driver.roster = load_roster(store.engine, "demo")
    driver.to_stage(driver.raise_matter("shrine", "修缮祠堂", procedure=REPRESENTATIVES), Stage.RESOLUTION)
    sitting = driver.convene("shrine")
    found = rosters.sitting_composition(store, "demo", sitting)
    every = rosters.composition(store, "demo", driver.today)
    women_share = next(f for f in found if f.code == "women_share")
    assert "妇女村民代表3人" in women_share.text() and "未达到" in women_share.text()
    assert set(found) <= {f for f in every if not f.ok}
    console = login(app, "chair").get(f"/v/demo/s/{sitting}/hall").get_data(as_text=True)
    assert "组成不符合法律规定" in console and all(f.text() in console for f in found)
    from deliberate.usecases import dossier

    record = next(r for r in dossier.dossier(store, "demo", "shrine").sittings if r.sitting.id == sitting)
    assert record.composition == found  # the dossier the township reads says it too
    printed = login(app, "clerk").get("/v/demo/m/shrine/dossier").get_data(as_text=True)
    assert all(f.text() in printed for f in found)
    admin = login(app, "admin").get("/v/demo/admin").get_data(as_text=True)
    assert all(f.text() in admin for f in every) and "第二十五条" in admin
    other = next(s for s in ledger.state.sittings.values() if s.body.value != "representatives_meeting")
    assert rosters.sitting_composition(store, "demo", other.id) == ()
