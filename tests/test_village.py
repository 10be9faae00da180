"""The aggregate: sittings, votes, notices and implementation, and every refusal changing nothing."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from fractions import Fraction

import pytest
from helpers import CONTACTS, ROSTER, Village
from hypothesis import given, settings
from hypothesis import strategies as st

from deliberate import (
    AlreadyExists,
    BallotError,
    CountExceedsPresent,
    DeliberateError,
    IllegalAction,
    InvalidInput,
    NotEligible,
    NotFound,
    NoticeError,
    NoticeTooShort,
    NotQuorate,
    ProcedureError,
    Stage,
    Tally,
    TellerError,
    WrongBody,
    rules,
)
from deliberate import commands as c
from deliberate.bodies import Body
from deliberate.procedure import PROCEDURES, STATUTORY, Action, SittingState
from deliberate.record import to_jsonl
from deliberate.roster import Committee
from deliberate.tally import Choice
from deliberate.village import receipts_digest


def refused(v: Village, command, error=DeliberateError):
    """Assert ``command`` raises ``error`` and leaves state and record exactly as they were."""
    before, head = v.state, v.ledger.checkpoint
    with pytest.raises(error) as info:
        v.do(command)
    assert v.state == before and v.ledger.checkpoint == head
    return info.value


def in_session(v: Village, mid="m1", present=None):
    """A matter at PROPOSAL with a branch committee sitting in session."""
    v.raise_matter(mid)
    s = v.convene(mid)
    voters = sorted(v.state.sittings[s].roster.voters)
    for p in voters[: present if present is not None else len(voters)]:
        v.do(c.CheckIn(s, p))
    v.do(c.OpenSitting(s, by="p0001"))
    return s, voters


def test_the_statutory_procedure_runs_to_done_and_rebuilds():
    v = Village()
    v.to_stage("m1", Stage.DONE)
    m = v.matter("m1")
    assert [mark.stage for mark in m.history] == [
        Stage.PROPOSAL, Stage.CONSULTATION, Stage.REVIEW, Stage.RESOLUTION,
        Stage.RESOLUTION_NOTICE, Stage.IMPLEMENTATION, Stage.IMPLEMENTATION_NOTICE, Stage.DONE]
    assert len(m.results) == 4 and all(r.passed for r in m.results)
    assert v.ledger.verify().ok
    assert v.ledger.rebuild() == v.state


@pytest.mark.parametrize("name", PROCEDURES)
def test_every_variant_runs_to_done(name):
    v = Village()
    v.to_stage("m1", Stage.DONE, PROCEDURES[name])
    assert v.ledger.rebuild() == v.state


def test_a_rejected_matter_can_be_revised_and_taken_up_again():
    v = Village()
    v.to_stage("m1", Stage.REJECTED)
    assert v.matter("m1").results[-1].action is Action.REJECT
    v.do(c.ReturnMatter("m1", Stage.PROPOSAL, "修改方案后重新提议", by="p0001"))
    v.do(c.AmendPlan("m1", "修改后的方案", by="p0001"))
    assert v.matter("m1").stage is Stage.PROPOSAL and v.matter("m1").plan == "修改后的方案"


def test_open_ballots_last_counts_and_a_double_tap_makes_one_ballot():
    v = Village()
    s, voters = in_session(v)
    v.do(c.OpenVote(s, "v1", "m1", "提议"))
    assert len(v.do(c.CastBallot(s, "v1", voters[0], Choice.OPPOSE))) == 1
    height = v.ledger.checkpoint.height
    assert v.do(c.CastBallot(s, "v1", voters[0], Choice.OPPOSE)) == ()  # a double tap
    assert v.ledger.checkpoint.height == height
    v.do(c.CastBallot(s, "v1", voters[0], Choice.APPROVE))  # changed her mind
    for p in voters[1:3]:
        v.do(c.CastBallot(s, "v1", p, Choice.APPROVE))
    assert v.state.open_vote(s).electronic == Tally(3, 0, 0)
    v.do(c.CloseVote(s, "v1"))
    result = v.state.sittings[s].results[-1]
    assert result.tally == Tally(3, 0, 0) and result.passed  # 3 of 5 members
    assert v.matter("m1").stage is Stage.CONSULTATION


def test_who_cannot_vote_is_told_why():
    v = Village()
    v.raise_matter("m1")
    v.to_stage("m1", Stage.REVIEW)
    s = v.convene("m1")
    roster = v.state.sittings[s].roster
    full, probationary = sorted(roster.voters), sorted(roster.attendees - roster.voters)
    outsider = next(p for p in ROSTER.people if p not in roster.attendees)
    for p in full[:8]:
        v.do(c.CheckIn(s, p))
    v.do(c.CheckIn(s, probationary[0]))
    v.do(c.OpenSitting(s, by="p0001"))
    v.do(c.OpenVote(s, "v1", "m1", "审议"))
    e = refused(v, c.CastBallot(s, "v1", probationary[0], Choice.APPROVE), NotEligible)
    assert "预备党员" in str(e) and "probationary" in e.message("en")
    assert "未签到" in str(refused(v, c.CastBallot(s, "v1", full[10], Choice.APPROVE), NotEligible))
    assert "不是本次会议的成员" in str(refused(v, c.CastBallot(s, "v1", outsider, Choice.APPROVE),
                                           NotEligible))
    refused(v, c.CheckIn(s, outsider), NotEligible)
    refused(v, c.CheckIn(s, full[0]), NotEligible)  # already in
    refused(v, c.CheckOut(s, full[11]), NotEligible)  # never came
    refused(v, c.CastBallot(s, "v9", full[0], Choice.APPROVE), NotFound)
    refused(v, c.CastBallot(s, "v1", full[0], "approve"), InvalidInput)


def test_party_members_meeting_counts_against_those_who_should_attend():
    v = Village()
    v.to_stage("m1", Stage.REVIEW)
    s = v.convene("m1")
    voters = sorted(v.state.sittings[s].roster.voters)  # 12 full members
    for p in voters[:6]:
        v.do(c.CheckIn(s, p))
    v.do(c.OpenSitting(s, by="p0001"))
    v.do(c.OpenVote(s, "v1", "m1", "审议"))  # 6 of 12: 半数以上, quorate
    for p in voters[:6]:
        v.do(c.CastBallot(s, "v1", p, Choice.APPROVE))
    v.do(c.CloseVote(s, "v1"))
    result = v.state.sittings[s].results[-1]
    assert result.quorate and not result.passed  # 6*2 is not more than 12
    assert v.matter("m1").stage is Stage.REJECTED


def test_an_excused_party_member_who_comes_counts_again():
    v = Village()
    v.to_stage("m1", Stage.REVIEW)
    rule = rules.preset("party_members_meeting")
    meeting = v.now + timedelta(days=2)
    roster = ROSTER.body(Body.PARTY_MEMBERS_MEETING, meeting.date(), excused=["p0012"])
    v.do(c.ConveneSitting("s9", rule, roster, ("m1",), meeting, v.today, "会议室", by="p0001"))
    assert v.state.sittings["s9"].attendance().expected == 11
    v.do(c.CheckIn("s9", "p0012"))
    assert v.state.sittings["s9"].attendance().expected == 12
    assert v.state.sittings["s9"].attendance().present == 1


def test_excusing_members_is_refused_where_the_rule_does_not_allow_it():
    v = Village()
    v.raise_matter("m1")
    rule = rules.preset("branch_committee")
    roster = ROSTER.body(Body.BRANCH_COMMITTEE, v.today, excused=["p0005"])
    refused(v, c.ConveneSitting("s9", rule, roster, ("m1",), v.now + timedelta(days=1), v.today, "室",
                                by="p0001"), InvalidInput)


def test_convening_checks_body_notice_and_agenda():
    v = Village()
    v.to_stage("m1", Stage.RESOLUTION)
    rule = rules.preset("villagers_meeting")
    meeting = v.now + timedelta(days=10)  # notice today: the 10 days end at 24:00 of that day
    roster = ROSTER.body(Body.VILLAGERS_MEETING, meeting.date())
    e = refused(v, c.ConveneSitting("s9", rule, roster, ("m1",), meeting, v.today, "广场", by="p1"),
                NoticeTooShort)
    assert "第二十一条" in str(e)
    later = meeting + timedelta(days=1)
    ok = c.ConveneSitting("s9", rule, ROSTER.body(Body.VILLAGERS_MEETING, later.date()), ("m1",),
                          later, v.today, "广场", by="p1")
    wrong = rules.preset("representatives_meeting")
    refused(v, c.ConveneSitting("s9", wrong, ROSTER.body(Body.REPRESENTATIVES_MEETING, meeting.date()),
                                ("m1",), meeting, v.today, "广场", by="p1"), WrongBody)
    refused(v, c.ConveneSitting("s9", rule, ROSTER.body(Body.BRANCH_COMMITTEE, meeting.date()), ("m1",),
                                meeting, v.today, "广场", by="p1"), InvalidInput)
    refused(v, c.ConveneSitting("s9", rule, roster, ("nope",), meeting, v.today, "广场", by="p1"),
            NotFound)
    refused(v, c.ConveneSitting("s9", rule, roster, (), meeting, v.today, "广场", by="p1"), InvalidInput)
    v.do(ok)
    refused(v, ok, AlreadyExists)
    refused(v, c.ConveneSitting("s10", rule, ROSTER.body(Body.VILLAGERS_MEETING, later.date()),
                                ("m1",), later, v.today, "广场", by="p1"),
            ProcedureError)  # already on an open sitting


def test_quorum_is_checked_when_the_vote_opens_and_again_when_it_closes():
    v = Village()
    s, voters = in_session(v, present=2)  # 2 of 5: 2*2 < 5
    e = refused(v, c.OpenVote(s, "v1", "m1", "提议"), NotQuorate)
    assert "至少3人" in str(e)
    v.do(c.CheckIn(s, voters[2]))
    v.do(c.OpenVote(s, "v1", "m1", "提议"))
    v.do(c.CheckOut(s, voters[2]))  # leaves before voting
    v.do(c.CastBallot(s, "v1", voters[0], Choice.APPROVE))
    v.do(c.CloseVote(s, "v1"))
    result = v.state.sittings[s].results[-1]
    assert not result.quorate and result.action is Action.ADJOURN
    assert v.matter("m1").stage is Stage.PROPOSAL  # stays at its step
    v.do(c.AdjournSitting(s, "不足法定人数"))
    assert v.state.sittings[s].state is SittingState.ADJOURNED
    assert v.matter("m1").sitting is None
    v.hold_vote("m1")  # a later sitting
    assert v.matter("m1").stage is Stage.CONSULTATION


def test_card_counts_need_a_counter_and_a_different_scrutineer():
    v = Village()
    s, voters = in_session(v)
    counter, scrutineer = voters[0], "p0009"  # a supervisory committee member
    v.do(c.AppointTellers(s, (counter,), (scrutineer,)))
    v.do(c.OpenVote(s, "v1", "m1", "提议"))
    v.do(c.CastBallot(s, "v1", voters[1], Choice.APPROVE))
    refused(v, c.EnterCardCount(s, "v1", voters[2], Tally(3)), TellerError)  # not a counter
    refused(v, c.EnterCardCount(s, "v1", counter, Tally(5)), CountExceedsPresent)  # 1 + 5 > 5
    v.do(c.EnterCardCount(s, "v1", counter, Tally(2, 1, 0)))
    refused(v, c.CloseVote(s, "v1"), TellerError)  # not confirmed
    refused(v, c.ConfirmCardCount(s, "v1", counter), TellerError)  # not a scrutineer
    v.do(c.ConfirmCardCount(s, "v1", scrutineer))
    assert v.do(c.ConfirmCardCount(s, "v1", scrutineer)) == ()
    v.do(c.EnterCardCount(s, "v1", counter, Tally(3, 1, 0)))  # a recount needs a new confirmation
    refused(v, c.CloseVote(s, "v1"), TellerError)
    refused(v, c.CastBallot(s, "v1", voters[2], Choice.APPROVE), CountExceedsPresent)
    refused(v, c.CheckOut(s, voters[3]), CountExceedsPresent)
    v.do(c.ConfirmCardCount(s, "v1", scrutineer))
    v.do(c.CloseVote(s, "v1"))
    result = v.state.sittings[s].results[-1]
    assert result.tally == Tally(4, 1, 0) and result.cards == Tally(3, 1, 0)
    assert result.counter == counter and result.scrutineer == scrutineer


def test_tellers_can_be_changed_while_a_vote_is_open_until_a_card_count_is_entered():
    v = Village()
    s, voters = in_session(v)
    v.do(c.AppointTellers(s, (voters[0],), ("p0009",)))
    v.do(c.OpenVote(s, "v1", "m1", "提议"))
    v.do(c.AppointTellers(s, (voters[1],), ("p0009",)))  # the wrong counter was appointed: fixed
    refused(v, c.EnterCardCount(s, "v1", voters[0], Tally(1)), TellerError)  # no longer a counter
    v.do(c.EnterCardCount(s, "v1", voters[1], Tally(1)))
    refused(v, c.AppointTellers(s, (voters[2],), ("p0009",)), TellerError)  # the count stands
    assert v.state.sittings[s].counters == (voters[1],)


def test_tellers_must_be_two_people():
    v = Village()
    s, voters = in_session(v)
    refused(v, c.AppointTellers(s, (voters[0],), (voters[0],)), TellerError)
    refused(v, c.AppointTellers(s, (), (voters[0],)), InvalidInput)


def test_a_voter_who_voted_stays_until_the_vote_closes():
    v = Village()
    s, voters = in_session(v)
    v.do(c.OpenVote(s, "v1", "m1", "提议"))
    v.do(c.CastBallot(s, "v1", voters[0], Choice.APPROVE))
    refused(v, c.CheckOut(s, voters[0]), NotEligible)
    v.do(c.CloseVote(s, "v1"))
    v.do(c.CheckOut(s, voters[0]))


def test_secret_ballots_are_kept_apart_from_voters():
    v = Village()
    s, voters = in_session(v)
    v.do(c.OpenVote(s, "v1", "m1", "提议", secret=True))
    refused(v, c.CastBallot(s, "v1", voters[0], Choice.APPROVE), BallotError)  # no receipt
    refused(v, c.CastBallot(s, "v1", voters[0], Choice.APPROVE, receipt="R-AAA"),
            BallotError)  # no change code
    refused(v, c.CastBallot(s, "v1", voters[0], Choice.APPROVE, receipt="R\x00A", change_code="C"),
            InvalidInput)  # NUL cannot be stored, nor published
    entries = v.do(c.CastBallot(s, "v1", voters[0], Choice.OPPOSE, receipt="R-AAA", change_code="CA"))
    assert [e.type for e in entries] == ["took_part"]
    assert "oppose" not in json.dumps(entries[0].payload)
    refused(v, c.CastBallot(s, "v1", voters[1], Choice.APPROVE, receipt="R-AAA", change_code="CB"),
            BallotError)
    refused(v, c.CastBallot(s, "v1", voters[0], Choice.APPROVE, receipt="R-ZZZ", change_code="CA"),
            BallotError)
    assert v.do(c.CastBallot(s, "v1", voters[0], Choice.APPROVE, receipt="R-AAA", change_code="CA")) == ()
    v.do(c.CastBallot(s, "v1", voters[1], Choice.APPROVE, receipt="R-BBB", change_code="CB"))
    v.do(c.CastBallot(s, "v1", voters[2], Choice.APPROVE, receipt="R-CCC", change_code="CC"))
    v.do(c.CastBallot(s, "v1", voters[0], Choice.APPROVE, receipt="R-AAA", change_code="CA"))  # changed
    vote = v.state.open_vote(s)
    assert set(vote.voters.values()) == {None}  # no person is linked to a choice
    v.do(c.CloseVote(s, "v1"))
    closing = list(v.ledger.entries())[-1]
    assert closing.type == "vote_closed"
    ballots = closing.payload["ballots"]
    assert ballots == [{"receipt": "R-AAA", "choice": "approve"}, {"receipt": "R-BBB", "choice": "approve"},
                       {"receipt": "R-CCC", "choice": "approve"}]
    result = v.state.sittings[s].results[-1]
    assert closing.payload["receipts_digest"] == receipts_digest(result.ballots)
    assert result.tally == Tally(3, 0, 0)
    assert result.receipt("R-BBB") is Choice.APPROVE and result.receipt("R-XXX") is None
    before_close = list(to_jsonl(v.ledger.entries()))[:-1]
    assert not any("R-AAA" in line or "oppose" in line for line in before_close)
    assert not any('"CA"' in line for line in to_jsonl(v.ledger.entries()))  # the code, never
    assert v.ledger.rebuild() == v.state


def test_open_vote_rules():
    v = Village()
    s, voters = in_session(v)
    v.raise_matter("m2")
    refused(v, c.OpenVote(s, "v1", "m2", "不在议程"), ProcedureError)
    refused(v, c.OpenVote(s, "v1", "m1", "  "), InvalidInput)
    v.do(c.OpenVote(s, "v1", "m1", "提议"))
    refused(v, c.OpenVote(s, "v2", "m1", "again"), IllegalAction)  # a vote is already open
    refused(v, c.CastBallot(s, "v1", voters[0], Choice.APPROVE, receipt="x"), BallotError)
    refused(v, c.ReturnMatter("m1", Stage.PROPOSAL, "x", by="p1"), IllegalAction)
    refused(v, c.WithdrawMatter("m1", "x", by="p1"), ProcedureError)  # not while it is voted on
    v.do(c.CastBallot(s, "v1", voters[0], Choice.OPPOSE))
    v.do(c.CloseVote(s, "v1"))
    assert v.matter("m1").stage is Stage.REJECTED
    refused(v, c.OpenVote(s, "v1", "m1", "again"), AlreadyExists)
    refused(v, c.OpenVote(s, "v2", "m1", "again"), ProcedureError)  # the matter moved on


def test_minutes_with_recording_hash():
    v = Village()
    s, _ = in_session(v)
    sha = "a" * 64
    refused(v, c.RecordMinutes(s, "文书", "纪要", recording_ref="nas://x.mp4"), InvalidInput)
    refused(v, c.RecordMinutes(s, "文书", "纪要", recording_ref="nas://x.mp4",
                               recording_sha256="xyz"), InvalidInput)
    v.do(c.RecordMinutes(s, "文书", "纪要", ("主持人",), "nas://x.mp4", sha))
    v.do(c.CloseSitting(s))
    v.do(c.RecordMinutes(s, "文书", "补充纪要"))
    assert [m.summary for m in v.state.sittings[s].minutes] == ["纪要", "补充纪要"]
    refused(v, c.OpenVote(s, "v1", "m1", "x"), IllegalAction)
    refused(v, c.CheckIn(s, "p0001"), IllegalAction)


def test_notice_period_objections_and_close():
    v = Village()
    v.to_stage("m1", Stage.RESOLUTION_NOTICE)
    refused(v, c.LodgeObjection("m1", "o1", v.today, "异议"), NoticeError)  # no notice yet
    refused(v, c.CloseNotice("m1", v.today), NoticeError)
    v.publish("m1", days=7)
    notice = v.matter("m1").notice
    refused(v, c.PublishNotice("m1", v.today, 7, CONTACTS, "村委会"), NoticeError)
    refused(v, c.LodgeObjection("m1", "o0", notice.published_on, "当天"), NoticeError)
    v.days(1)
    v.do(c.LodgeObjection("m1", "o1", notice.period.first, "程序有问题"))
    refused(v, c.LodgeObjection("m1", "o1", notice.period.first, "重复"), AlreadyExists)
    v.days((notice.period.last - v.today).days)
    v.do(c.LodgeObjection("m1", "o2", notice.period.last, "账目不清"))
    refused(v, c.CloseNotice("m1", notice.period.last), NoticeError)  # the period still runs
    v.days(1)
    refused(v, c.LodgeObjection("m1", "o0", notice.period.last + timedelta(days=1), "晚了"), NoticeError)
    refused(v, c.CloseNotice("m1", notice.period.last + timedelta(days=1)), NoticeError)  # pending
    v.do(c.AnswerObjection("m1", "o1", v.today, "经核查程序合法", False, by="p0009"))
    refused(v, c.AnswerObjection("m1", "o1", v.today, "again", False, by="p0009"), NoticeError)
    refused(v, c.AnswerObjection("m1", "o9", v.today, "?", False, by="p0009"), NotFound)
    refused(v, c.AnswerObjection("m1", "o2", v.today, "成立", True, by="p0009"), InvalidInput)
    refused(v, c.AnswerObjection("m1", "o2", v.today, "成立", True, by="p0009",
                                 return_to=Stage.IMPLEMENTATION), IllegalAction)
    v.do(c.AnswerObjection("m1", "o2", v.today, "成立，重新表决", True, by="p0009",
                           return_to=Stage.RESOLUTION))
    m = v.matter("m1")
    assert m.stage is Stage.RESOLUTION and m.notice is None
    assert m.history[-1].action is Action.UPHOLD_OBJECTION
    v.to_stage("m1", Stage.IMPLEMENTATION)
    assert len(v.matter("m1").notices) == 2


def test_implementation_progress_and_spending():
    v = Village()
    v.to_stage("m1", Stage.IMPLEMENTATION)
    sha = "b" * 64
    v.do(c.RecordProgress("m1", "e1", v.today, "完成地基", 1_234_56, (c.Attachment("发票.pdf", sha),)))
    v.do(c.RecordProgress("m1", "e2", v.today, "完成主体", 2_000_00))
    refused(v, c.RecordProgress("m1", "e2", v.today, "重复", 1), AlreadyExists)
    refused(v, c.RecordProgress("m1", "e3", v.today, "负数", -5), InvalidInput)
    refused(v, c.RecordProgress("m1", "e3", v.today, "小数", 1.5), InvalidInput)
    refused(v, c.RecordProgress("m1", "e3", v.today, "坏附件", 1, (c.Attachment("x", "nothex"),)),
            InvalidInput)
    assert v.matter("m1").spent == 3_234_56
    v.do(c.CompleteImplementation("m1", v.today, "完工"))
    refused(v, c.RecordProgress("m1", "e3", v.today, "晚了", 1), IllegalAction)
    assert v.matter("m1").stage is Stage.IMPLEMENTATION_NOTICE


def test_township_review_variant():
    v = Village()
    proc = PROCEDURES["township_review"]
    v.to_stage("m1", Stage.TOWNSHIP_REVIEW, proc)
    refused(v, c.RecordTownshipReview("m1", False, "退回", by="镇"), InvalidInput)
    v.do(c.RecordTownshipReview("m1", False, "镇审〔2026〕2号：补充材料", by="镇", return_to=Stage.CONSULTATION))
    assert v.matter("m1").stage is Stage.CONSULTATION
    refused(v, c.RecordTownshipReview("m1", True, "x", by="镇"), IllegalAction)  # not at review
    v.to_stage("m1", Stage.RESOLUTION, proc)


def test_return_rehold_and_withdraw():
    v = Village()
    v.to_stage("m1", Stage.RESOLUTION)
    refused(v, c.ReturnMatter("m1", Stage.RESOLUTION_NOTICE, "x", by="p1"), IllegalAction)
    refused(v, c.RequireRehold("m1", Stage.RESOLUTION, "x", by="p0009"), IllegalAction)
    v.do(c.RequireRehold("m1", Stage.CONSULTATION, "两委会议未通知全体委员", by="p0009"))
    m = v.matter("m1")
    assert m.stage is Stage.CONSULTATION and m.history[-1].action is Action.REHOLD
    assert m.history[-1].reason == "两委会议未通知全体委员"
    v.do(c.WithdrawMatter("m1", "村里决定不再推进", by="p0001"))
    refused(v, c.AmendPlan("m1", "x", by="p1"), IllegalAction)
    refused(v, c.ReturnMatter("m1", Stage.PROPOSAL, "x", by="p1"), IllegalAction)


def test_bad_commands_and_times():
    v = Village()
    v.raise_matter("m1")
    refused(v, c.RaiseMatter("m1", "重复", STATUTORY, by="p1"), AlreadyExists)
    refused(v, c.RaiseMatter("m2", "", STATUTORY, by="p1"), InvalidInput)
    refused(v, c.RaiseMatter("m2", "x", "statutory", by="p1"), InvalidInput)
    refused(v, c.RaiseMatter("m2", "x", STATUTORY, by="p1", amount=-1), InvalidInput)
    refused(v, "not a command", InvalidInput)
    with pytest.raises(InvalidInput):
        v.ledger.handle(c.AmendPlan("m1", "x", by="p1"), datetime(2026, 3, 2, 9))  # naive
    # A time behind the record's: tests/test_ledger.py (the Ledger decides the time it records).
    refused(v, c.CheckIn("nope", "p1"), NotFound)
    e = refused(v, c.CloseNotice("m1", v.today), IllegalAction)
    assert e.stage is Stage.PROPOSAL and e.action is Action.CLOSE_NOTICE


def test_supervisory_members_attend_but_do_not_vote_at_a_two_committees_meeting():
    v = Village()
    v.to_stage("m1", Stage.CONSULTATION)
    s = v.convene("m1")
    supervisor = sorted(ROSTER.seated(Committee.SUPERVISORY, v.today))[0]
    v.do(c.CheckIn(s, supervisor))
    assert v.state.sittings[s].voters_present == 0


def test_a_record_written_before_dates_were_ordered_still_replays():
    """Events are facts: a notice a record holds dated before its decision (as the core once
    accepted) replays, and only new commands are held to the order of dated facts."""
    import dataclasses

    from deliberate.events import NoticePublished
    from deliberate.record import events_of
    from deliberate.village import replay

    v = Village()
    v.to_stage("m1", Stage.IMPLEMENTATION)
    events = [dataclasses.replace(e, published_on=e.published_on - timedelta(days=40))
              if isinstance(e, NoticePublished) else e for e in events_of(v.ledger.entries())]
    state = replay(events)
    assert state.matters["m1"].notices[0].published_on == v.matter("m1").notices[0].published_on \
        - timedelta(days=40)
    assert state.matters["m1"].since == v.matter("m1").since


# --- the step's own rule (issue 12 §1) -----------------------------------------------------------

def _convene(v, mid, rule, *, days=None, notice=None, roster_on=None, sitting="s9"):
    meeting = v.now + timedelta(days=(rule.notice_days or 0) + 1 if days is None else days)
    return c.ConveneSitting(sitting, rule, ROSTER.body(rule.body, roster_on or meeting.date()),
                            (mid,), meeting, v.today if notice is None else notice, "广场", by="p1")


def test_a_land_matter_is_convened_under_the_land_rule_and_no_other():
    """The body alone is not the law: a land-contracting matter at its resolution step convened
    under the plain villagers' meeting rule, or under a custom rule of the same name needing a
    tenth of those present and no notice, is refused, naming the step and both rules."""
    from deliberate import WrongRule
    from deliberate.procedure import LAND_CONTRACTING
    from deliberate.rules import PassRule, QuorumClause, Threshold
    from deliberate.rules.model import Comparison, Count

    v = Village()
    v.to_stage("m1", Stage.RESOLUTION, LAND_CONTRACTING)
    plain = rules.preset("villagers_meeting")
    e = refused(v, _convene(v, "m1", plain), WrongRule)
    assert type(e) is WrongRule
    assert "决议" in str(e) and "村民会议（土地承包事项）" in str(e) and "“村民会议”" in str(e)
    assert e.fields["needed_rule"] == "land_contracting" and e.fields["rule_name"] == "villagers_meeting"
    tenth = Threshold(Fraction(1, 10), Comparison.AT_LEAST)
    lax = rules.preset("land_contracting").replace(
        quorum=(QuorumClause(Count.PRESENT, Count.EXPECTED, tenth),),
        passing=PassRule(Count.PRESENT, tenth), notice_days=None)
    assert lax.name == "land_contracting" and lax.body is Body.VILLAGERS_MEETING
    refused(v, _convene(v, "m1", lax, days=0), WrongRule)
    # Another body is still WrongBody — a WrongRule too, naming both rules.
    e = refused(v, _convene(v, "m1", rules.preset("representatives_meeting")), WrongBody)
    assert isinstance(e, WrongRule) and e.fields["needed_rule"] == "land_contracting"
    v.do(_convene(v, "m1", rules.preset("land_contracting")))
    assert v.state.sittings["s9"].rule == rules.preset("land_contracting")


def test_a_villages_own_procedure_names_its_own_rule_and_then_that_one_is_required():
    from deliberate import WrongRule
    from deliberate.procedure import Procedure, Step
    from deliberate.rules.model import Wording

    own = rules.preset("villagers_meeting").replace(name="our_villagers_meeting", notice_days=12)
    steps = tuple(Step(s.stage, s.kind, s.number, own if s.stage is Stage.RESOLUTION else s.rule,
                       s.label) for s in STATUTORY.steps)
    ours = Procedure("ours", Wording("本村程序", "本村程序", "ours"), steps)
    assert Procedure.from_data(json.loads(json.dumps(ours.to_data()))) == ours
    v = Village()
    v.to_stage("m1", Stage.RESOLUTION, ours)
    refused(v, _convene(v, "m1", rules.preset("villagers_meeting")), WrongRule)
    v.do(_convene(v, "m1", own))
    assert v.ledger.rebuild() == v.state  # the procedure with its rule replays from the record


def test_a_jurisdictions_profile_adapts_the_procedure_before_the_matter_is_raised():
    """A profile overrides a preset (a province's 5 days' notice for the representatives'
    meeting); a matter raised under ``profile.procedure(...)`` is convened under that rule, and
    the national preset is refused for it — and vice versa for a matter raised nationally."""
    from deliberate import WrongRule
    from deliberate.procedure import REPRESENTATIVES
    from deliberate.profiles import NATIONAL

    local = rules.preset("representatives_meeting").replace(notice_days=5)
    profile = NATIONAL.with_rule(local, name="shandong")
    adapted = profile.procedure(REPRESENTATIVES)
    assert adapted.step(Stage.RESOLUTION).decides_by == local
    assert NATIONAL.procedure(REPRESENTATIVES) is REPRESENTATIVES
    v = Village()
    v.to_stage("m1", Stage.RESOLUTION, adapted)
    v.to_stage("m2", Stage.RESOLUTION, REPRESENTATIVES)
    refused(v, _convene(v, "m1", rules.preset("representatives_meeting")), WrongRule)
    refused(v, _convene(v, "m2", local), WrongRule)
    v.do(_convene(v, "m1", local))


def test_a_notice_after_the_meeting_and_a_roster_of_another_day_are_refused():
    """A body with no statutory notice period (the party members' meeting) still cannot be told
    of its meeting after it; and who is expected is counted on the meeting's own day."""
    from deliberate.errors import DateOrderError

    v = Village()
    v.to_stage("m1", Stage.REVIEW)
    rule = rules.preset("party_members_meeting")
    assert rule.notice_days is None
    e = refused(v, _convene(v, "m1", rule, days=1, notice=v.today + timedelta(days=2)), DateOrderError)
    assert "晚于会议日期" in str(e)
    e = refused(v, _convene(v, "m1", rule, days=1, roster_on=v.today), InvalidInput)
    assert "会议当日的名册" in str(e)
    v.do(_convene(v, "m1", rule, days=1, notice=v.today + timedelta(days=1)))  # same day: allowed


def test_a_ballot_after_the_close_is_told_the_vote_has_ended():
    v = Village()
    s, voters = in_session(v)
    v.do(c.OpenVote(s, "v1", "m1", "提议"))
    v.do(c.CastBallot(s, "v1", voters[0], Choice.APPROVE))
    v.do(c.CloseVote(s, "v1"))
    e = refused(v, c.CastBallot(s, "v1", voters[1], Choice.OPPOSE), BallotError)
    assert str(e).startswith("表决已结束") and e.key == "err_vote_ended"
    assert e.message("en").startswith("the vote has ended")
    v.do(c.CloseSitting(s))
    assert refused(v, c.CastBallot(s, "v1", voters[1], Choice.OPPOSE), BallotError).key == "err_vote_ended"


@pytest.mark.parametrize("approve, passed", [(10, True), (9, False)])
def test_a_land_matter_at_the_representatives_meeting_needs_two_thirds_of_all_representatives(
        approve, passed):
    """农村土地承包法 第19、28、52条: the representatives' meeting decides land contracting with two
    thirds of all its members: of its 15 (10 representatives and the committee's 5), 10 approving
    pass (10·3 ≥ 2·15) and 9 do not — though 9 of the 12 present are three quarters of them."""
    from deliberate.procedure import LAND_CONTRACTING_REPRESENTATIVES

    v = Village()
    v.to_stage("m1", Stage.RESOLUTION, LAND_CONTRACTING_REPRESENTATIVES)
    s = v.convene("m1")
    sitting = v.state.sittings[s]
    assert sitting.rule == rules.preset("land_contracting_representatives")
    members = sorted(sitting.roster.voters)
    assert len(members) == 15
    v.days(1)
    for p in members[:12]:
        v.do(c.CheckIn(s, p))
    v.do(c.OpenSitting(s, by="p0001"))
    v.do(c.OpenVote(s, "v1", "m1", "土地承包方案"))
    for p in members[:approve]:
        v.do(c.CastBallot(s, "v1", p, Choice.APPROVE))
    for p in members[approve:12]:
        v.do(c.CastBallot(s, "v1", p, Choice.OPPOSE))
    v.do(c.CloseVote(s, "v1"))
    result = v.state.sittings[s].results[-1]
    assert result.quorate and result.passed is passed
    assert v.matter("m1").stage is (Stage.RESOLUTION_NOTICE if passed else Stage.REJECTED)


# Every preset but the villager group meeting's, whose roster is drawn per group (another body
# in any case: WrongBody, tested above).
_OTHER_RULES = [n for n in rules.names() if n != "villager_group_meeting"]


@given(name=st.sampled_from(sorted(PROCEDURES)), other=st.sampled_from(_OTHER_RULES),
       stage=st.sampled_from([Stage.PROPOSAL, Stage.CONSULTATION, Stage.REVIEW, Stage.RESOLUTION]))
@settings(max_examples=60, deadline=None)
def test_any_rule_but_the_steps_own_is_refused_and_the_own_one_accepted(name, other, stage):
    """For every shipped procedure, sitting step and preset: convening under a rule other than the
    one the step names is WrongRule (WrongBody where the body differs too), and changes nothing."""
    from deliberate import WrongRule

    procedure = PROCEDURES[name]
    step = procedure.step(stage)
    if step is None or step.decides_by is None:
        return
    v = Village()
    v.to_stage("m1", stage, procedure)
    rule = rules.preset(other)
    if rule == step.decides_by:
        v.do(_convene(v, "m1", rule))
        return
    refused(v, _convene(v, "m1", rule), WrongBody if rule.body is not step.body else WrongRule)
