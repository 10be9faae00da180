"""A realistic village log of any length, for the benchmarks.

64 matters go through steps 1–3 together (one sitting of each body with all of them on the agenda),
then a villagers' meeting of 1,500 adults checks in and votes on each matter in turn — mostly open
votes, every eighth one secret, with one voter in twenty changing their mind. The log is cut at
exactly the number of chained entries asked for.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from deliberate import commands as c
from deliberate import rules
from deliberate.bodies import Body
from deliberate.procedure import STATUTORY
from deliberate.record import GENESIS, Entry, next_entry
from deliberate.state import EMPTY
from deliberate.tally import Choice
from deliberate.testing import sample_roster
from deliberate.village import chained, decide, evolve

CST = timezone(timedelta(hours=8))
ON = date(2026, 6, 1)
CHOICES = (Choice.APPROVE, Choice.APPROVE, Choice.OPPOSE, Choice.ABSTAIN)


def generate(n_entries: int, matters: int = 64) -> tuple[list[Entry], list[object]]:
    """(entries, events): the first ``n_entries`` chained entries and the events behind them."""
    roster = sample_roster(adults=1500, households=450, on=ON, party_full=40, party_probationary=3,
                           branch=5, village_committee=5, overlap=2, supervisory=3,
                           representatives=35)
    state, head = EMPTY, GENESIS
    entries: list[Entry] = []
    events: list[object] = []
    clock = [datetime(2026, 5, 1, 8, 0, tzinfo=CST)]

    def do(command) -> None:
        nonlocal state, head
        clock[0] += timedelta(seconds=1)
        for event in decide(state, command, clock[0]):
            state = evolve(state, event)
            events.append(event)
            if chained(event):
                entry = next_entry(head, event)
                entries.append(entry)
                head = entry.checkpoint
        if len(entries) >= n_entries:
            raise _Done

    ids = [f"m{i:03d}" for i in range(matters)]
    try:
        for m in ids:
            do(c.RaiseMatter(m, f"村级公益事项{m}", STATUTORY, by="p0001", plan="方案"))
        for n, (preset, when) in enumerate((("branch_committee", 3), ("two_committees", 6),
                                            ("party_members_meeting", 9),
                                            ("villagers_meeting", 25))):
            rule = rules.preset(preset)
            day = ON + timedelta(days=when)
            body = roster.body(rule.body, day)
            sitting = f"s{n + 1}"
            do(c.ConveneSitting(sitting, rule, body, tuple(ids), datetime.combine(
                day, datetime.min.time(), CST) + timedelta(hours=9), ON, "议事厅", by="p0001"))
            voters = sorted(body.voters)
            for p in voters:
                do(c.CheckIn(sitting, p))
            do(c.OpenSitting(sitting, by="p0001"))
            for k, m in enumerate(ids):
                secret = rule.body is Body.VILLAGERS_MEETING and k % 8 == 7
                vote = f"{sitting}-{m}"
                do(c.OpenVote(sitting, vote, m, f"表决{m}", secret=secret))
                for i, p in enumerate(voters):
                    choice = CHOICES[(i + k) % 4] if rule.body is Body.VILLAGERS_MEETING else Choice.APPROVE
                    receipt, code = (f"{vote}-{i}", f"code-{i}") if secret else (None, None)
                    do(c.CastBallot(sitting, vote, p, choice, receipt=receipt, change_code=code))
                    if i % 20 == 0:  # changed their mind
                        do(c.CastBallot(sitting, vote, p, Choice.APPROVE, receipt=receipt, change_code=code))
                do(c.CloseVote(sitting, vote))
            do(c.CloseSitting(sitting))
        raise RuntimeError(f"the scenario ends at {len(entries)} entries; ask for fewer")
    except _Done:
        pass
    return entries[:n_entries], events


class _Done(Exception):
    pass
