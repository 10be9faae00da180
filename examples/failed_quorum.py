"""SCENARIOS.md 5 — a villagers' meeting without a quorum.

A village of 1,200 adults in 380 households. 590 adults from 250 households come: 590*2 = 1,180 is
not more than 1,200, and 250*3 = 750 is less than 380*2 = 760. The vote cannot open; the chair
adjourns; the matter stays at step 4. At a later sitting, 254 households come and it is quorate.

Run: python examples/failed_quorum.py [zh_Hans|zh_Hant|en]
"""

from __future__ import annotations

import sys
from datetime import date, datetime, time, timedelta, timezone

from deliberate import Ledger, NotQuorate, Stage, rules
from deliberate import commands as c
from deliberate.bodies import Body
from deliberate.procedure import STATUTORY
from deliberate.tally import Choice
from deliberate.testing import sample_roster

CST = timezone(timedelta(hours=8))
ON = date(2026, 4, 20)
lang = sys.argv[1] if len(sys.argv) > 1 else "zh_Hans"

roster = sample_roster(adults=1200, households=380, on=ON)
body = roster.body(Body.VILLAGERS_MEETING, ON)
rule = rules.preset("villagers_meeting")
by_household: dict[str, list[str]] = {}
for person in sorted(body.expected):
    by_household.setdefault(body.households[person], []).append(person)
households = sorted(by_household)


def comers(n_households: int, n_people: int) -> list[str]:
    """n_people adults drawn from the first n_households households, at least one from each."""
    chosen = [by_household[h][0] for h in households[:n_households]]
    rest = [p for h in households[:n_households] for p in by_household[h][1:]]
    return chosen + rest[: n_people - len(chosen)]


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), CST)


# The matter stands at step 4 (the state after the first three sittings is built directly here).
ledger = Ledger("scenario-5")
ledger.handle(c.RaiseMatter("m1", "修缮村道路灯", STATUTORY, by="支部书记"), at(ON - timedelta(days=40), 9))
# Carry it to step 4 quickly with the same commands a village would use.
for days_before, stage_rule, sitting in ((30, "branch_committee", "s1"), (25, "two_committees", "s2"),
                                         (20, "party_members_meeting", "s3")):
    r = rules.preset(stage_rule)
    meeting = ON - timedelta(days=days_before)
    b = sample_roster(adults=1200, households=380, on=ON, party_full=40, branch=5,
                      village_committee=5, overlap=2).body(r.body, meeting)
    ledger.handle(c.ConveneSitting(sitting, r, b, ("m1",), at(meeting, 9), meeting - timedelta(days=3),
                                   "村委会", by="支部书记"), at(meeting - timedelta(days=3), 9))
    for p in sorted(b.voters):
        ledger.handle(c.CheckIn(sitting, p), at(meeting, 9))
    ledger.handle(c.OpenSitting(sitting, by="主持人"), at(meeting, 9))
    ledger.handle(c.OpenVote(sitting, "v", "m1", "表决"), at(meeting, 9, 5))
    for p in sorted(b.voters):
        ledger.handle(c.CastBallot(sitting, "v", p, Choice.APPROVE), at(meeting, 9, 6))
    ledger.handle(c.CloseVote(sitting, "v"), at(meeting, 9, 10))
    ledger.handle(c.CloseSitting(sitting), at(meeting, 9, 11))
assert ledger.state.matters["m1"].stage is Stage.RESOLUTION

# The failed sitting.
ledger.handle(c.ConveneSitting("s4", rule, body, ("m1",), at(ON, 9), ON - timedelta(days=11), "村文化广场",
                               by="村民委员会"), at(ON - timedelta(days=11), 9))
for p in comers(250, 590):
    ledger.handle(c.CheckIn("s4", p), at(ON, 8, 30))
ledger.handle(c.OpenSitting("s4", by="主持人"), at(ON, 9))
try:
    ledger.handle(c.OpenVote("s4", "v", "m1", "表决路灯修缮方案"), at(ON, 9, 10))
except NotQuorate as refused:
    print(refused.message(lang))
ledger.handle(c.AdjournSitting("s4", "不足法定人数，休会另行召开"), at(ON, 9, 15))
print(f"stage after the adjourned sitting: {ledger.state.matters['m1'].stage.label(lang)}")

# Two weeks later, 254 households come.
later = ON + timedelta(days=14)
body2 = roster.body(Body.VILLAGERS_MEETING, later)
ledger.handle(c.ConveneSitting("s5", rule, body2, ("m1",), at(later, 9), ON - timedelta(days=1), "村文化广场",
                               by="村民委员会"), at(ON, 10))
came = comers(254, 590)
for p in came:
    ledger.handle(c.CheckIn("s5", p), at(later, 8, 30))
ledger.handle(c.OpenSitting("s5", by="主持人"), at(later, 9))
ledger.handle(c.OpenVote("s5", "v", "m1", "表决路灯修缮方案"), at(later, 9, 10))
for i, p in enumerate(came):
    ledger.handle(c.CastBallot("s5", "v", p, Choice.APPROVE if i < 400 else Choice.OPPOSE), at(later, 9, 20))
ledger.handle(c.CloseVote("s5", "v"), at(later, 9, 40))
result = ledger.state.sittings["s5"].results[-1]
print(result.explain(lang))
print(f"stage now: {ledger.state.matters['m1'].stage.label(lang)}; chain verifies: {ledger.verify().ok}")
