"""Every use case, called as a front end calls it — without Flask or click — on SQLite and
PostgreSQL: what it returns, what it records, and what it refuses (changing nothing)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from helpers import copy_of

from deliberate import InvalidInput, Ledger
from deliberate.errors import DeliberateError, InvalidRule, NotFound
from deliberate.procedure import PROCEDURES, SittingState
from deliberate.state import NoVote
from deliberate.tally import Choice, Tally
from deliberate.usecases import (
    Missing,
    accounts,
    ballot,
    demo,
    hall,
    matters,
    open_store,
    participation,
    records,
    roster,
    settings,
)

CST = timezone(timedelta(hours=8))
FOUR = PROCEDURES["four_deliberations_two_disclosures"]
NOW = datetime(2026, 11, 24, 9, tzinfo=CST)


@pytest.fixture
def store(store_url):
    """The demo village, installed through its use case: its live sitting is convened, with two
    supervisors appointed as tellers, and not yet open."""
    installed = copy_of(store_url, "usecases-demo", _install_demo)  # installed once, copied
    assert installed.new and installed.people == 380 and installed.checkpoint.height > 100
    found = open_store(store_url)
    assert Ledger("demo", found).checkpoint == installed.checkpoint
    return found


def _install_demo(url: str) -> demo.DemoVillage:
    found = open_store(url)
    installed = demo.install_demo(found, NOW, secret=b"usecases")
    found.close()
    return installed


def _height(store) -> int:
    return Ledger("demo", store).checkpoint.height


def _open_live(store, present: int, *, secret: bool = False) -> list[str]:
    voters = sorted(hall.hall_view(store, "demo", "live", teller=False).sitting.roster.voters)
    for person in voters[:present]:
        assert hall.check_in(store, "demo", "live", person, NOW).person == person
    hall.open_sitting(store, "demo", "live", "p0001", NOW)
    assert hall.open_vote(store, "demo", "live", "channel", "同意修建水渠", secret, NOW) == "v1"
    return voters


def test_the_demo_is_installed_once(store):
    again = demo.install_demo(store, NOW + timedelta(days=1))
    assert not again.new and again.checkpoint.height == _height(store)


def test_check_in_by_number_or_by_a_name_only_one_person_has(store):
    view = hall.hall_view(store, "demo", "live", teller=False)
    person = sorted(view.sitting.roster.attendees)[0]
    name = view.names[person]
    done = hall.check_in(store, "demo", "live", name, NOW)
    same_name = [p for p in view.sitting.roster.attendees if view.names.get(p) == name]
    if len(same_name) == 1:
        assert (done.person, done.name) == (person, name)
    else:
        assert done.person is None and set(done.candidates) == set(same_name)
    nobody = hall.check_in(store, "demo", "live", "没有这个人", NOW)
    assert nobody.person is None and nobody.candidates == ()
    height = _height(store)
    with pytest.raises(Missing):
        hall.check_in(store, "demo", "no-such-sitting", person, NOW)
    assert _height(store) == height


def test_a_whole_vote_through_the_hall(store):
    voters = _open_live(store, 30)
    view = hall.hall_view(store, "demo", "live", teller=False)
    assert view.sitting.state is SittingState.VOTING and view.vote.id == "v1"
    assert [m.id for m in view.agenda] == ["channel"] and len(view.present) == 30
    for person in voters[:20]:
        assert ballot.cast_ballot(store, "demo", "live", person, "v1", Choice.APPROVE, None, NOW) == ballot.Cast()
    tellers = view.sitting.counters[0], view.sitting.scrutineers[0]
    hall.enter_card_count(store, "demo", "live", tellers[0], Tally(0, 0, 0), "counter", NOW)
    assert hall.hall_view(store, "demo", "live", teller=False).show_split  # an open vote: shown
    hall.confirm_card_count(store, "demo", "live", tellers[1], "scrutineer", NOW)
    hall.close_vote(store, "demo", "live", NOW)
    result = Ledger("demo", store).state.sittings["live"].results[-1]
    assert result.electronic == Tally(20, 0, 0)
    with pytest.raises(NotFound):  # no vote open now: nothing to close
        hall.close_vote(store, "demo", "live", NOW)
    hall.record_minutes(store, "demo", "live", recorder="村委文书", summary="表决通过", speakers=["p0001"],
                        recording_ref=None, recording_sha256=None, at=NOW)
    hall.close_sitting(store, "demo", "live", NOW)
    assert Ledger("demo", store).state.sittings["live"].state is SittingState.CLOSED
    found, cards = hall.voters(store, "demo", "live")
    assert found.id == "live" and len(cards) == len(voters) and all(name for _, name in cards)


def test_a_secret_ballot_from_the_phone(store):
    voters = _open_live(store, 25, secret=True)
    voter, other, absent = voters[0], voters[1], voters[-1]
    assert ballot.voter_page(store, "demo", "live", absent).why_not is NoVote.ABSENT
    first = ballot.cast_ballot(store, "demo", "live", voter, "v1", Choice.OPPOSE, None, NOW)
    assert first.fresh is not None and not first.lost
    page = ballot.voter_page(store, "demo", "live", voter, held=first.fresh)
    assert page.recorded is Choice.OPPOSE and page.held == first.fresh and not page.lost
    # Another phone without the codes: told so, nothing recorded.
    height = _height(store)
    lost = ballot.cast_ballot(store, "demo", "live", voter, "v1", Choice.APPROVE, None, NOW)
    assert lost.lost and not lost.held_wrong
    # Someone else's receipt with a guessed code opens nothing, and counts as a wrong try.
    other_first = ballot.cast_ballot(store, "demo", "live", other, "v1", Choice.APPROVE, None, NOW)
    guess = (other_first.fresh[0], "AAAA-AAAA")
    wrong = ballot.cast_ballot(store, "demo", "live", other, "v1", Choice.OPPOSE, guess, NOW)
    assert wrong.lost and wrong.held_wrong
    assert ballot.voter_page(store, "demo", "live", other, held=guess).held_wrong
    assert _height(store) == height + 1  # only the other voter's first ballot
    # The codes typed in on another phone (lower case, spaces) open the ballot and change it.
    receipt, code = first.fresh
    typed = ballot.recover(store, "demo", "live", "v1", receipt.lower().replace("-", " "), code.lower())
    assert typed == first.fresh
    assert ballot.recover(store, "demo", "live", "v1", receipt, "AAAA-AAAA") is None
    changed = ballot.cast_ballot(store, "demo", "live", voter, "v1", Choice.APPROVE, typed, NOW)
    assert changed == ballot.Cast()
    assert ballot.voter_page(store, "demo", "live", voter, held=typed).recorded is Choice.APPROVE
    # A page showing a vote that is no longer open records nothing.
    assert ballot.cast_ballot(store, "demo", "live", voter, "v9", Choice.APPROVE, typed, NOW).closed
    hall.close_vote(store, "demo", "live", NOW)
    hall.close_sitting(store, "demo", "live", NOW)
    assert ballot.cast_ballot(store, "demo", "live", voter, "v1", Choice.APPROVE, typed, NOW).ended
    assert ballot.voter_page(store, "demo", "live", voter).ended


def test_a_refused_command_changes_nothing_and_says_why(store):
    _open_live(store, 25)
    height = _height(store)
    with pytest.raises(DeliberateError) as refused:
        hall.open_vote(store, "demo", "live", "channel", "再来一次", False, NOW)  # one is open
    assert refused.value.message("zh_Hans") and _height(store) == height
    with pytest.raises(DeliberateError):  # a sitting cannot adjourn while a vote is open
        hall.adjourn(store, "demo", "live", "休会", NOW)
    with pytest.raises(InvalidInput):
        hall.record_minutes(store, "demo", "live", recorder="文书", summary="", speakers=[],
                            recording_ref=None, recording_sha256=None, at=NOW)
    assert _height(store) == height


def _csv(tmp_path, rows: list[str]):
    path = tmp_path / "roster.csv"
    header = "编号,姓名,性别,出生日期,户号,户主,村民小组"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_import_a_roster_all_good_or_nothing_unless_asked(store, tmp_path):
    good = "h1p1,王一,男,1960-01-02,h1,是,一组"
    bad = "h2p1,李二,男,不是日期,h2,是,一组"
    refused = roster.import_roster(store, "hill", _csv(tmp_path, [good, bad]), name="山村")
    assert not refused.imported and refused.rows == 2 and [e.line for e in refused.errors] == [3]
    assert "hill" not in dict(records.villages(store))
    done = roster.import_roster(store, "hill", _csv(tmp_path, [good, bad]), name="山村", skip_bad=True,
                                progress=lambda saved, total: seen.append((saved, total)))
    assert done.imported and done.counts.added == 1 and seen[-1] == (1, 1)
    assert records.villages(store)[1] == ("hill", "山村") and records.person_names(store, "hill") == {"h1p1": "王一"}
    again = roster.import_roster(store, "hill", _csv(tmp_path, [good]))
    assert again.counts.unchanged == 1
    with pytest.raises(roster.RosterFileError):
        broken = tmp_path / "broken.xlsx"
        broken.write_bytes(b"not a spreadsheet")
        roster.import_roster(store, "hill", broken)


seen: list[tuple[int, int]] = []


def test_settings_are_a_profile(store):
    profile = settings.village_profile(store, "demo")
    assert (profile.name, profile.notice_period_days, profile.objection_answer_days,
            profile.major_matter_threshold) == ("national", 7, 3, None)
    saved = settings.save_settings(store, "demo", notice_period_days=10, objection_answer_days=5,
                                   major_matter_threshold_yuan=50000)
    assert saved == settings.village_profile(store, "demo") and saved.is_major(5_000_001)
    with pytest.raises(InvalidRule, match="公示期"):
        settings.save_settings(store, "demo", notice_period_days=0, objection_answer_days=5,
                               major_matter_threshold_yuan=None)
    assert settings.village_profile(store, "demo").notice_period_days == 10  # nothing saved
    with pytest.raises(Missing):
        settings.save_settings(store, "nowhere", notice_period_days=7, objection_answer_days=3,
                               major_matter_threshold_yuan=None)
    # Settings saved before they were a profile (threshold in yuan) still read.
    store.save_settings("demo", {"notice_period_days": 9, "major_matter_threshold_yuan": 100,
                                 "procedure": "four_deliberations_two_disclosures"})
    old = settings.village_profile(store, "demo")
    assert (old.notice_period_days, old.major_matter_threshold) == (9, 10000)


def test_a_villager_brings_a_need_and_it_becomes_a_matter(store):
    lodged = participation.lodge_submission(store, "demo", "村口路灯坏了", name="张三", contact="138",
                                            at=NOW)
    assert records.contacts(store, "demo", "submission")[lodged.id].name == "张三"
    matter = matters.raise_matter(store, "demo", title="修路灯", procedure=FOUR,
                                  by="clerk", by_person="p0002", submission=lodged.id, at=NOW)
    state = Ledger("demo", store).state
    assert state.matters[matter].origin == "villagers" and state.submissions[lodged.id].matter == matter
    height = _height(store)
    with pytest.raises(NotFound):
        matters.raise_matter(store, "demo", title="x", procedure=FOUR,
                             by="clerk", by_person="p0002", submission="q-none", at=NOW)
    # A submission already taken up cannot be taken up again: the matter is not raised either
    # (one transaction — raised first and refused after, it would be a matter from nowhere).
    with pytest.raises(DeliberateError):
        matters.raise_matter(store, "demo", title="再修路灯", procedure=FOUR,
                             by="clerk", by_person="p0002", submission=lodged.id, at=NOW)
    assert _height(store) == height
    assert [m.title for m in Ledger("demo", store).state.matters.values()].count("再修路灯") == 0
    taken = participation.lodge_submission(store, "demo", "河边要装护栏", name=None, contact=None, at=NOW,
                                           received_on=NOW.date(), recorded_by="p0002")
    participation.answer_submission(store, "demo", taken.id, "已列入明年计划", by="p0002", at=NOW)
    assert Ledger("demo", store).state.submissions[taken.id].answer == "已列入明年计划"


def test_progress_with_its_files_and_a_refused_one_leaves_none(store):
    state = Ledger("demo", store).state
    implementing = next(m for m in state.matters.values() if m.step is not None
                        and m.step.kind.name == "IMPLEMENTATION")
    upload = matters.Upload("发票.jpg", "image/jpeg", b"\xff\xd8 receipt bytes")
    entry = matters.record_progress(store, "demo", implementing.id, on=NOW.date(), description="购买材料",
                                    spent=12_345, uploads=[upload], at=NOW)
    progress = Ledger("demo", store).state.matters[implementing.id].progress[-1]
    assert progress.entry == entry and records.stored_file(store, "demo", progress.attachments[0].sha256)
    other = matters.Upload("别的.jpg", "image/jpeg", b"other bytes")
    with pytest.raises(DeliberateError):
        matters.record_progress(store, "demo", implementing.id, on=NOW.date(), description="",
                                spent=0, uploads=[other], at=NOW)
    import hashlib

    assert records.stored_file(store, "demo", hashlib.sha256(b"other bytes").hexdigest()) is None

    # A platform calling the library directly, past the use case's checks: the store refuses an
    # oversized file with the library's typed error, and neither the entry nor the file is kept.
    from deliberate import commands as c
    from deliberate.store.private import MAX_FILE_BYTES, FileRecord

    big = FileRecord("大.pdf", "application/pdf", b"\0" * (MAX_FILE_BYTES + 1), NOW)
    height = _height(store)
    with pytest.raises(InvalidInput):
        Ledger("demo", store).handle(c.RecordProgress(implementing.id, "e-big", NOW.date(), "超大", 0,
                                                      (c.Attachment(big.name, big.sha256),)), NOW, side=[big])
    assert _height(store) == height and records.stored_file(store, "demo", big.sha256) is None


def test_an_objection_outside_its_notice_period_is_refused_and_keeps_no_contact(store):
    bridge = Ledger("demo", store).state.matters["bridge"]  # its notice was up in August
    period = bridge.notice.period
    assert bridge.accepts_objections_on(period.first) and bridge.accepts_objections_on(period.last)
    assert not bridge.accepts_objections_on(period.last + timedelta(days=1))
    height = _height(store)
    with pytest.raises(DeliberateError, match=str(period.last)):
        participation.lodge_objection(store, "demo", "bridge", "价格太高", contact="139", at=NOW)
    assert _height(store) == height and records.contacts(store, "demo", "objection") == {}


def test_accounts_of_one_village_only(store):
    with pytest.raises(Missing):
        accounts.create_account(store, "hill-admin", password_hash="x", roles=frozenset({"admin"}),
                                display_name="山村管理员", village="hill", person=None, at=NOW)
    store.create_village("hill", "山村")
    accounts.create_account(store, "hill-admin", password_hash="x", roles=frozenset({"admin"}),
                            display_name="山村管理员", village="hill", person=None, at=NOW)
    with pytest.raises(accounts.AccountExists):
        accounts.create_account(store, "hill-admin", password_hash="y", roles=frozenset({"admin"}),
                                display_name="冒名", village="demo", person=None, at=NOW)
    assert not accounts.set_password(store, "hill-admin", "z", village="demo")
    assert accounts.set_password(store, "hill-admin", "z", village="hill")
    assert accounts.load_account(store, "hill-admin").password_hash == "z"


def test_the_steps_a_matter_may_go_back_to_are_the_tables(store):
    """What the clerk's page and the committee's queue offer is what the procedure table allows
    (the core's query), in the procedure's order — and nothing where the table allows nothing."""
    from deliberate.procedure import Action

    for matter in Ledger("demo", store).state.matters.values():
        for action in (Action.RETURN, Action.UPHOLD_OBJECTION):
            allowed = matter.procedure.table.get((matter.stage, action), frozenset())
            steps = matter.steps_back(action)
            assert set(steps) == set(allowed)
            assert steps == sorted(steps, key=matter.procedure.stages.index)
    assert Ledger("demo", store).state.matters["lights"].steps_back(Action.RETURN) == []  # done
