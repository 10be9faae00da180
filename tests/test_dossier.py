"""The dossier a township inspects and the sign-in sheet, through their use cases (no Flask), on the
demo village — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from fractions import Fraction

import pytest

from deliberate import commands as c
from deliberate.ledger import Ledger
from deliberate.notice import percent
from deliberate.procedure import Stage
from deliberate.usecases import Missing, demo, dossier, open_store

CST = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 24, 9, tzinfo=CST)


@pytest.fixture
def store(store_url):
    found = open_store(store_url)
    demo.install_demo(found, NOW, secret=b"dossier")
    return found


def test_every_sitting_step_of_the_bridge_is_there_with_counts_shares_and_rules(store):
    d = dossier.dossier(store, "demo", "bridge")
    assert d.village_name == "示范村" and d.matter.title == "重建滩头组通组桥"
    assert [s.stage for s in d.sittings] == [Stage.PROPOSAL, Stage.CONSULTATION, Stage.REVIEW, Stage.RESOLUTION]
    state = store.load("demo")[0]
    for record, result in zip(d.sittings, state.matters["bridge"].results, strict=True):
        assert record.votes[0].result == result
        assert record.attendance == result.attendance
        assert record.share_present == Fraction(result.attendance.present, result.attendance.expected)
        assert record.sitting.rule == result.rule and record.sitting.place == "村党群议事厅"
    resolution = d.sittings[-1]
    assert resolution.sitting.body.value == "representatives_meeting"
    assert resolution.votes[0].result.secret and resolution.votes[0].result.passed
    assert (resolution.attendance.expected, resolution.attendance.present) == (35, 35)
    # The notice: its period, no objections.
    (notice,) = d.notices
    assert notice.period.first <= notice.period.last and notice.objections == ()
    # The checkpoint is the record's head as it stands.
    assert d.checkpoint == Ledger("demo", store).checkpoint


def test_the_lights_show_tellers_by_name_households_objections_and_spending(store):
    d = dossier.dossier(store, "demo", "lights")
    meeting = d.sittings[-1]
    assert meeting.sitting.roster.counts_households
    a = meeting.attendance
    assert (a.expected, a.present, a.households, a.households_present) == (320, 320, 96, 96)
    names = dossier.sign_in_sheet(store, "demo", meeting.sitting.id)
    by_id = {r.person: r.name for r in names.rows}
    s = meeting.sitting
    assert meeting.counters == (by_id[s.counters[0]],) and meeting.scrutineers == (by_id[s.scrutineers[0]],)
    vote = meeting.votes[0]
    assert vote.counter == meeting.counters[0] and vote.scrutineer == meeting.scrutineers[0]
    assert vote.result.cards is not None and vote.result.tally.cast == 320
    first, second = d.notices
    (objection,) = first.objections
    assert objection.text == "路灯选址是否覆盖三组？" and objection.upheld is False
    assert first.answered_by[0] and first.answered_by[0] != objection.by  # a name, not an id
    assert second.stage is Stage.IMPLEMENTATION_NOTICE
    assert [p.spent for p in d.progress] == [5_200_000, 3_100_000] and d.spent == 8_300_000
    assert d.matter.stage is Stage.DONE


def test_a_failed_vote_is_recorded_as_failed(store):
    d = dossier.dossier(store, "demo", "hall")
    last = d.sittings[-1].votes[0].result
    assert not last.passed and last.tally.oppose == last.attendance.present
    assert not d.township_step and d.notices == () and d.progress == ()


def test_an_adjourned_sitting_says_so_and_counts_who_came(store):
    from deliberate.demo import Driver
    from deliberate.store.roster import load_roster

    ledger = Ledger("demo", store)
    driver = Driver(ledger, load_roster(store.engine, "demo"), ledger.state.last_at + timedelta(minutes=1))
    driver.sittings = 900
    driver.raise_matter("few", "修村口小路")
    sitting = driver.hold_vote("few", present=1)  # too few: the sitting adjourns without a vote
    (record,) = dossier.dossier(store, "demo", "few").sittings
    assert record.votes == () and record.sitting.id == sitting and record.sitting.adjourn_reason
    assert record.attendance.present == 1 and record.share_present == Fraction(1, record.attendance.expected)


def test_a_township_review_is_in_the_dossier(store):
    ledger = Ledger("demo", store)
    at = ledger.state.last_at + timedelta(minutes=1)
    matter = ledger.state.matters["columbarium"]
    assert matter.stage is Stage.IMPLEMENTATION
    # The demo's representatives' procedure has no township review: record one on a matter whose
    # procedure has it, carried there by the demo's driver.
    from deliberate.demo import Driver
    from deliberate.procedure import PROCEDURES, StepKind
    from deliberate.store.roster import load_roster

    procedure = next((p for p in PROCEDURES.values()
                      if any(s.kind is StepKind.EXTERNAL_REVIEW for s in p.steps)), None)
    if procedure is None:
        pytest.fail("no procedure with a township review")
    driver = Driver(ledger, load_roster(store.engine, "demo"), at)
    driver.sittings = 900
    driver.raise_matter("reviewed", "土地承包方案", procedure)
    while driver.matter("reviewed").step.kind is not StepKind.EXTERNAL_REVIEW:
        driver.advance("reviewed")
    assert dossier.dossier(store, "demo", "reviewed").township_step
    assert not dossier.dossier(store, "demo", "reviewed").reviews
    driver.do(c.RecordTownshipReview("reviewed", True, "镇审〔2026〕7号", by="镇人民政府"))
    (review,) = dossier.dossier(store, "demo", "reviewed").reviews
    assert review.approved and review.reference == "镇审〔2026〕7号" and review.by == "镇人民政府"


def test_the_sign_in_sheet_of_the_live_sitting_lists_everyone_who_may_attend(store):
    sheet = dossier.sign_in_sheet(store, "demo", "live")
    roster = sheet.sitting.roster
    assert {r.person for r in sheet.rows} == set(roster.attendees)
    assert [r.number for r in sheet.rows] == list(range(1, len(roster.attendees) + 1))
    assert sum(r.votes for r in sheet.rows) == len(roster.voters)
    assert (sheet.expected, sheet.present) == (len(roster.expected), 0)
    assert sheet.households is None and all(r.household is None for r in sheet.rows)
    assert sheet.titles == ("修建灌溉水渠",)


def test_check_in_and_out_times_are_in_china_time(store):
    ledger = Ledger("demo", store)
    voters = sorted(ledger.state.sittings["live"].roster.voters)
    morning = datetime(2026, 11, 24, 1, 5, tzinfo=UTC)  # 09:05 in Beijing
    ledger.handle(c.CheckIn("live", voters[0]), morning)
    ledger.handle(c.CheckIn("live", voters[1]), morning + timedelta(minutes=1))
    ledger.handle(c.CheckOut("live", voters[1]), morning + timedelta(minutes=30))
    ledger.handle(c.CheckIn("live", voters[1]), morning + timedelta(minutes=40))
    sheet = dossier.sign_in_sheet(store, "demo", "live")
    rows = {r.person: r for r in sheet.rows}
    (first,) = rows[voters[0]].visits
    assert (first.checked_in.hour, first.checked_in.minute, first.checked_out) == (9, 5, None)
    went, back = rows[voters[1]].visits
    assert (went.checked_out.hour, went.checked_out.minute) == (9, 35)
    assert back.checked_out is None and (back.checked_in.hour, back.checked_in.minute) == (9, 45)
    assert sheet.present == 2 and percent(sheet.present, sheet.expected) == percent(2, sheet.expected)


def test_the_villagers_meeting_sheet_has_households_and_counts(store):
    meeting = dossier.dossier(store, "demo", "lights").sittings[-1]
    sheet = dossier.sign_in_sheet(store, "demo", meeting.sitting.id)
    assert (sheet.expected, sheet.present, sheet.households, sheet.households_present) == (320, 320, 96, 96)
    assert all(r.household for r in sheet.rows)
    homes = [meeting.sitting.roster.households[r.person] for r in sheet.rows]
    assert [r.household_id for r in sheet.rows] == homes
    # A household's members stand together.
    assert len([h for i, h in enumerate(homes) if i == 0 or homes[i - 1] != h]) == 96


def test_unknown_matters_sittings_and_villages_are_missing(store):
    with pytest.raises(Missing):
        dossier.dossier(store, "demo", "nothing")
    with pytest.raises(Missing):
        dossier.dossier(store, "nowhere", "bridge")
    with pytest.raises(Missing):
        dossier.sign_in_sheet(store, "demo", "nothing")


def test_the_view_models_carry_no_contacts(store):
    # The notices' contact numbers stay on the notices (the web test checks the printed page).
    text = repr(dossier.dossier(store, "demo", "lights").notices) + repr(dossier.sign_in_sheet(store, "demo", "live"))
    assert "0660" not in text
