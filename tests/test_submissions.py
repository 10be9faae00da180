"""Villagers' submissions (民情): lodged online or by a clerk, taken up as a matter or answered."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from helpers import Village
from hypothesis import given, settings
from hypothesis import strategies as st
from test_village import refused

from deliberate import AlreadyExists, Channel, InvalidInput, NotFound, SubmissionStatus
from deliberate import commands as c
from deliberate.codec import decode_event, encode_event
from deliberate.record import events_of
from deliberate.village import replay


def test_lodged_online_then_taken_up_as_a_matter():
    v = Village()
    v.do(c.LodgeSubmission("q1", v.today, "村道晚上太黑，希望修好路灯。"))
    q = v.state.submissions["q1"]
    assert q.status is SubmissionStatus.RECEIVED and q.channel is Channel.ONLINE and q.matter is None
    v.raise_matter("m1", "修缮路灯")
    v.days(2)
    v.do(c.TakeUpSubmission("q1", "m1", v.today, by="p0001"))
    q = v.state.submissions["q1"]
    assert (q.status, q.matter, q.settled_on, q.by) == (SubmissionStatus.TAKEN_UP, "m1", v.today, "p0001")
    assert v.matter("m1").submissions == ("q1",)
    # Settled once: neither taken up again nor answered.
    refused(v, c.TakeUpSubmission("q1", "m1", v.today, by="p0001"), AlreadyExists)
    refused(v, c.AnswerSubmission("q1", v.today, "已办", by="p0001"), AlreadyExists)


def test_taken_down_by_a_clerk_names_the_clerk_and_is_answered():
    v = Village()
    refused(v, c.LodgeSubmission("q1", v.today, "垃圾桶满了", Channel.CLERK), InvalidInput)
    refused(v, c.LodgeSubmission("q1", v.today, "垃圾桶满了", Channel.ONLINE, recorded_by="p0003"),
            InvalidInput)
    v.do(c.LodgeSubmission("q1", v.today, "垃圾桶满了", Channel.CLERK, recorded_by="p0003"))
    assert v.state.submissions["q1"].recorded_by == "p0003"
    refused(v, c.LodgeSubmission("q1", v.today, "again"), AlreadyExists)
    # An answer cannot predate the submission, by a single day.
    refused(v, c.AnswerSubmission("q1", v.today - timedelta(days=1), "已清运", by="p0003"), InvalidInput)
    v.do(c.AnswerSubmission("q1", v.today, "已与保洁员约定每天清运", by="p0003"))
    q = v.state.submissions["q1"]
    assert q.status is SubmissionStatus.ANSWERED and q.answer == "已与保洁员约定每天清运"


@pytest.mark.parametrize("command, error", [
    (c.LodgeSubmission("q2", None, "text"), InvalidInput),
    (c.LodgeSubmission("q2", "2026-03-02", "text"), InvalidInput),
    (c.LodgeSubmission("q2", "today", "  "), InvalidInput),
    (c.LodgeSubmission("", "today", "text"), InvalidInput),
    (c.LodgeSubmission("q2", "today", "x" * 5001), InvalidInput),
    (c.LodgeSubmission("q2", "today", "text", channel="online"), InvalidInput),
    (c.TakeUpSubmission("q9", "m1", "today", by="p0001"), NotFound),
    (c.TakeUpSubmission("q1", "m9", "today", by="p0001"), NotFound),
    (c.TakeUpSubmission("q1", "m1", "today", by=""), InvalidInput),
    (c.TakeUpSubmission("q1", "m1", "yesterday", by="p0001"), InvalidInput),
    (c.AnswerSubmission("q1", "today", "", by="p0001"), InvalidInput),
    (c.AnswerSubmission(["q1"], "today", "ok", by="p0001"), NotFound),
])
def test_bad_commands_are_refused_and_change_nothing(command, error):
    v = Village()
    v.do(c.LodgeSubmission("q1", v.today, "希望修路灯"))
    v.raise_matter("m1")
    days = {"today": v.today, "yesterday": v.today - timedelta(days=1)}
    fields = {name: days.get(value, value) if isinstance(value, str) else value
              for name in command.__slots__ for value in [getattr(command, name)]}
    refused(v, type(command)(**fields), error)


def test_the_record_carries_submissions_and_replays_them():
    v = Village()
    v.do(c.LodgeSubmission("q1", v.today, "希望修路灯", Channel.CLERK, recorded_by="p0003"))
    v.raise_matter("m1")
    v.do(c.TakeUpSubmission("q1", "m1", v.today, by="p0001"))
    v.do(c.LodgeSubmission("q2", v.today, "垃圾桶"))
    v.do(c.AnswerSubmission("q2", v.today, "已清运", by="p0003"))
    entries = list(v.ledger.entries())
    for entry in entries:
        at = datetime.fromisoformat(entry.time)
        assert encode_event(decode_event(entry.type, entry.payload, at)) == (entry.type, entry.payload, at)
    rebuilt = replay(events_of(entries))
    assert rebuilt.submissions == v.state.submissions
    assert rebuilt.matters["m1"].submissions == ("q1",)


actions = st.lists(st.tuples(st.sampled_from(["lodge", "take_up", "answer"]),
                             st.integers(0, 3), st.integers(0, 2)), max_size=25)


@settings(max_examples=60, deadline=None)
@given(actions)
def test_every_submission_settles_at_most_once_and_links_both_ways(steps):
    """Whatever order clerks act in, a submission is settled once, and a taken-up one and its
    matter name each other."""
    v = Village()
    for m in ("m0", "m1"):
        v.raise_matter(m)
    settled: dict[str, str] = {}
    for action, n, m in steps:
        q = f"q{n}"
        command = {"lodge": c.LodgeSubmission(q, v.today, "民情"),
                   "take_up": c.TakeUpSubmission(q, f"m{m}", v.today, by="p0001"),
                   "answer": c.AnswerSubmission(q, v.today, "答复", by="p0001")}[action]
        known = q in v.state.submissions
        expected_ok = {"lodge": not known, "answer": known and q not in settled,
                       "take_up": known and q not in settled and m < 2}[action]
        try:
            v.do(command)
            assert expected_ok
            if action != "lodge":
                settled[q] = action
        except (AlreadyExists, NotFound):
            assert not expected_ok
    state = v.state
    for q, sub in state.submissions.items():
        assert (sub.status is SubmissionStatus.RECEIVED) == (q not in settled)
        assert (sub.matter is not None) == (sub.status is SubmissionStatus.TAKEN_UP)
        if sub.matter:
            assert q in state.matters[sub.matter].submissions
    for matter in state.matters.values():
        for q in matter.submissions:
            assert state.submissions[q].matter == matter.id
