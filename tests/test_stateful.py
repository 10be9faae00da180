"""A stateful test of a party members' meeting against a tiny reference model.

Hypothesis drives check-ins and check-outs, ballots (by voters, probationary members, outsiders),
card counts and their confirmation, and the opening and closing of votes. After every step the
ledger must agree with the model: the tally equals a Counter over the last ballots, ballots plus
cards never exceed the voters present, the chain verifies and grew by exactly the entries the
accepted commands caused, and a refused command changed nothing.
"""

from __future__ import annotations

from collections import Counter
from fractions import Fraction

from helpers import ROSTER, Village
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from deliberate import DeliberateError, Stage, Tally
from deliberate import commands as c
from deliberate.roster import Committee
from deliberate.tally import Choice

SHOULD_ATTEND = 12  # full party members in the helpers' roster


class PartyMeeting(RuleBasedStateMachine):
    @initialize(arrivals=st.integers(3, 12))
    def setup(self, arrivals):
        self.v = Village()
        self.v.to_stage("m1", Stage.REVIEW)
        self.s = self.v.convene("m1")
        roster = self.v.state.sittings[self.s].roster
        self.voters = roster.voters
        supervisory = sorted(ROSTER.seated(Committee.SUPERVISORY, self.v.today))
        self.counter, self.scrutineer = supervisory[0], supervisory[1]
        self.v.do(c.AppointTellers(self.s, (self.counter,), (self.scrutineer,)))
        self.v.do(c.OpenSitting(self.s, by="p0001"))
        outsiders = sorted(p for p in ROSTER.people if p not in roster.attendees)[:2]
        self.people = sorted(roster.attendees) + outsiders
        self.attendees = roster.attendees
        # The model.
        self.present: set[str] = set()
        self.ballots: dict[str, Choice] = {}
        self.cards: Tally | None = None
        self.confirmed = False
        self.vote = None
        self.votes = 0
        self.stage = Stage.REVIEW
        # Some of the members arrive before anything else happens, so votes can open.
        for p in sorted(self.voters)[:arrivals]:
            self.v.do(c.CheckIn(self.s, p))
            self.present.add(p)
        self.height = self.v.ledger.checkpoint.height

    # -- helpers ---------------------------------------------------------------------------
    def voters_present(self) -> int:
        return len(self.present & self.voters)

    def attempt(self, command, ok: bool) -> None:
        before, head = self.v.state, self.v.ledger.checkpoint
        try:
            entries = self.v.do(command)
        except DeliberateError:
            assert not ok, f"refused but the model accepts {command}"
            assert self.v.state == before and self.v.ledger.checkpoint == head
            return
        assert ok, f"accepted but the model refuses {command}"
        self.height += len(entries)

    people = st.integers(0, 30)

    # -- rules -----------------------------------------------------------------------------
    @rule(i=people)
    def check_in(self, i):
        p = self.people[i % len(self.people)]
        ok = p in self.attendees and p not in self.present
        self.attempt(c.CheckIn(self.s, p), ok)
        if ok:
            self.present.add(p)

    @precondition(lambda self: self.present)
    @rule(data=st.data())
    def someone_present_leaves(self, data):
        self.check_out(data.draw(st.sampled_from(sorted(self.present))))

    @rule(i=people)
    def anyone_leaves(self, i):
        self.check_out(self.people[i % len(self.people)])

    def check_out(self, p):
        ok = p in self.present
        if ok and self.vote and p in self.voters:
            cards = self.cards.cast if self.cards else 0
            ok = p not in self.ballots and len(self.ballots) + cards <= self.voters_present() - 1
        self.attempt(c.CheckOut(self.s, p), ok)
        if ok:
            self.present.discard(p)

    @precondition(lambda self: self.vote is None)
    @rule()
    def open_vote(self):
        self.votes += 1
        vote = f"v{self.votes}"
        quorate = Fraction(self.voters_present(), SHOULD_ATTEND) >= Fraction(1, 2)
        ok = self.vote is None and self.stage is Stage.REVIEW and quorate
        self.attempt(c.OpenVote(self.s, vote, "m1", "审议方案"), ok)
        if ok:
            self.vote, self.ballots, self.cards, self.confirmed = vote, {}, None, False

    @precondition(lambda self: self.vote is not None and self.present & self.voters)
    @rule(data=st.data(), choice=st.sampled_from(list(Choice)))
    def a_voter_present_casts(self, data, choice):
        self.cast(data.draw(st.sampled_from(sorted(self.present & self.voters))), choice)

    @precondition(lambda self: self.vote is not None and self.present & self.voters)
    @rule(data=st.data(), choice=st.sampled_from(list(Choice)))
    def another_voter_present_casts(self, data, choice):
        self.cast(data.draw(st.sampled_from(sorted(self.present & self.voters))), choice)

    @precondition(lambda self: self.vote is not None)
    @rule(choices=st.lists(st.sampled_from(list(Choice)), min_size=14, max_size=14))
    def everyone_present_votes(self, choices):
        for p, choice in zip(sorted(self.present & self.voters), choices, strict=False):
            self.cast(p, choice)

    @rule(i=people, choice=st.sampled_from(list(Choice)))
    def anyone_casts(self, i, choice):
        self.cast(self.people[i % len(self.people)], choice)

    def cast(self, p, choice):
        ok = self.vote is not None and p in self.voters and p in self.present
        if ok and p not in self.ballots:
            ok = len(self.ballots) + 1 + (self.cards.cast if self.cards else 0) <= self.voters_present()
        self.attempt(c.CastBallot(self.s, self.vote or "none", p, choice), ok)
        if ok:
            self.ballots[p] = choice

    @precondition(lambda self: self.vote is not None)
    @rule(a=st.integers(0, 4), o=st.integers(0, 2), ab=st.integers(0, 2), by_counter=st.booleans())
    def enter_cards(self, a, o, ab, by_counter):
        cards = Tally(a, o, ab)
        ok = (self.vote is not None and by_counter
              and len(self.ballots) + cards.cast <= self.voters_present())
        who = self.counter if by_counter else self.scrutineer
        self.attempt(c.EnterCardCount(self.s, self.vote or "none", who, cards), ok)
        if ok:
            self.cards, self.confirmed = cards, False

    @precondition(lambda self: self.vote is not None)
    @rule()
    def confirm(self):
        ok = self.vote is not None and self.cards is not None
        before = self.v.ledger.checkpoint.height
        self.attempt(c.ConfirmCardCount(self.s, self.vote or "none", self.scrutineer), ok)
        if ok:
            assert self.v.ledger.checkpoint.height == before + (0 if self.confirmed else 1)
            self.confirmed = True

    @precondition(lambda self: self.stage is not Stage.REVIEW and self.vote is None)
    @rule()
    def back_to_review(self):
        self.attempt(c.ReturnMatter("m1", Stage.REVIEW, "重新审议", by="p0001"), True)
        self.stage = Stage.REVIEW

    @precondition(lambda self: self.vote is not None)
    @rule()
    def close_vote(self):
        ok = self.vote is not None and (self.cards is None or self.confirmed)
        self.attempt(c.CloseVote(self.s, self.vote or "none"), ok)
        if not ok:
            return
        counts = Counter(self.ballots.values())
        approve = counts[Choice.APPROVE] + (self.cards.approve if self.cards else 0)
        quorate = Fraction(self.voters_present(), SHOULD_ATTEND) >= Fraction(1, 2)
        passed = quorate and Fraction(approve, SHOULD_ATTEND) > Fraction(1, 2)
        result = self.v.state.sittings[self.s].results[-1]
        assert (result.quorate, result.passed) == (quorate, passed)
        if quorate:
            self.stage = Stage.RESOLUTION if passed else Stage.REJECTED
        self.vote = None

    # -- invariants -------------------------------------------------------------------------
    @invariant()
    def agrees_with_the_model(self):
        sitting = self.v.state.sittings[self.s]
        assert set(sitting.present) == self.present
        assert sitting.voters_present == self.voters_present()
        assert self.v.matter("m1").stage is self.stage
        if self.vote is None:
            assert self.v.state.open_vote(self.s) is None
            return
        counts = Counter(self.ballots.values())
        vote = self.v.state.open_vote(self.s)
        assert vote.electronic == Tally(counts[Choice.APPROVE], counts[Choice.OPPOSE],
                                                counts[Choice.ABSTAIN])
        assert vote.cards == self.cards
        cards = self.cards.cast if self.cards else 0
        assert vote.electronic.cast + cards <= sitting.voters_present

    @invariant()
    def the_chain_holds_and_grows_by_what_was_accepted(self):
        assert self.v.ledger.checkpoint.height == self.height
        assert self.v.ledger.verify().ok


PartyMeeting.TestCase.settings = settings(max_examples=150, stateful_step_count=50, deadline=None,
                                          suppress_health_check=[HealthCheck.too_slow])
TestPartyMeeting = PartyMeeting.TestCase
