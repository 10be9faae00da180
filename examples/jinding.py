"""SCENARIOS.md 1 — a public-welfare columbarium for Jinding village (金町村, 马宫街道, 汕尾市城区).

The matter goes through all six steps of 四议两公开 in memory: the party branch proposes, the two
committees consult, the party members' meeting reviews, and the villagers' representatives' meeting
decides by raised cards (counted by a counter, confirmed by a scrutineer) and a few phones, with
the sitting video-recorded. The resolution is posted for seven days, an objection is answered, the
columbarium is built and its spending posted. The script prints the resolution notice, the
implementation notice and the record's checkpoint, and verifies the chain.

Run: python examples/jinding.py [zh_Hans|zh_Hant|en]
"""

from __future__ import annotations

import hashlib
import sys
from datetime import date, datetime, time, timedelta, timezone

from deliberate import (
    HolidayCalendar,
    Ledger,
    Tally,
    implementation_notice,
    procedure,
    resolution_notice,
    rules,
)
from deliberate import (
    commands as c,
)
from deliberate.bodies import Body
from deliberate.tally import Choice
from deliberate.testing import person_id, sample_roster

CST = timezone(timedelta(hours=8), "CST")
VILLAGE = "金町村"
MATTER = "jinding-columbarium"


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), CST)


def run_sitting(ledger: Ledger, sitting: str, rule: rules.Rule, on: date, notice: date,
                place: str, people: list[str], motion: str, *, phones: dict[str, Choice],
                cards: Tally | None = None, tellers: tuple[str, str] | None = None) -> None:
    """Convene, check in, open, vote, count cards, close — one sitting on the matter."""
    roster = ROSTER.body(rule.body, on)
    ledger.handle(c.ConveneSitting(sitting, rule, roster, (MATTER,), at(on, 9), notice, place,
                                   by="村党支部"), at(notice, 17))
    clock = at(on, 8, 30)
    for person in people:
        ledger.handle(c.CheckIn(sitting, person), clock)
    if tellers:
        ledger.handle(c.AppointTellers(sitting, (tellers[0],), (tellers[1],)), at(on, 9))
    ledger.handle(c.OpenSitting(sitting, by="主持人"), at(on, 9))
    vote = f"{sitting}-v1"
    ledger.handle(c.OpenVote(sitting, vote, MATTER, motion), at(on, 9, 40))
    for voter, choice in phones.items():
        ledger.handle(c.CastBallot(sitting, vote, voter, choice), at(on, 9, 42))
    if cards is not None and tellers:
        ledger.handle(c.EnterCardCount(sitting, vote, tellers[0], cards), at(on, 9, 45))
        ledger.handle(c.ConfirmCardCount(sitting, vote, tellers[1]), at(on, 9, 46))
    ledger.handle(c.CloseVote(sitting, vote), at(on, 9, 50))
    if not tellers:
        ledger.handle(c.CloseSitting(sitting), at(on, 10))


ON = date(2026, 3, 2)
# 金町村 in this example: 1,460 adults in 420 households, 46 party members (3 probationary),
# a branch committee of 5, a villagers' committee of 5 (2 on both), a supervisory committee of 3
# and 35 villagers' representatives.
ROSTER = sample_roster(adults=1460, households=420, on=ON, party_full=43, party_probationary=3,
                       branch=5, village_committee=5, overlap=2, supervisory=3,
                       representatives=35)


def main(lang: str = "zh_Hans") -> int:
    ledger = Ledger(VILLAGE)
    proc = procedure.REPRESENTATIVES  # the villagers' meeting authorised its representatives
    ledger.handle(c.RaiseMatter(
        MATTER, "建设金町村公益性骨灰楼", proc, by=person_id(1),
        description="按照马宫街道殡葬设施规划，在村东山地建设公益性骨灰楼一座。",
        plan="骨灰楼三层，约1,200格位，预算人民币180万元，由村集体收入和街道补助共同承担。",
        amount=180_000_000), at(ON, 8))

    # 1 提议: the branch committee (5) proposes.
    branch = [person_id(n) for n in range(1, 6)]
    run_sitting(ledger, "s1-branch", rules.preset("branch_committee"), ON + timedelta(days=2),
                ON, "村党群议事厅", branch, "提议建设公益性骨灰楼",
                phones={p: Choice.APPROVE for p in branch})
    # 2 商议: the two committees (8 people, two of them on both).
    two = [person_id(n) for n in range(1, 9)]
    run_sitting(ledger, "s2-two", rules.preset("two_committees"), ON + timedelta(days=5),
                ON + timedelta(days=3), "村党群议事厅", two, "商议骨灰楼建设方案",
                phones={p: (Choice.APPROVE if i < 7 else Choice.ABSTAIN)
                        for i, p in enumerate(two)})
    # 3 审议: party members' meeting; probationary members attend without a vote.
    members = [person_id(n) for n in range(1, 47)]
    present = members[:38] + members[43:]  # 38 full members and the 3 probationary ones
    run_sitting(ledger, "s3-party", rules.preset("party_members_meeting"),
                ON + timedelta(days=9), ON + timedelta(days=6), "村党群议事厅", present,
                "审议骨灰楼建设方案", phones={p: Choice.APPROVE for p in members[:35]}
                | {members[35]: Choice.OPPOSE})
    # 4 决议: the representatives' meeting in the party-and-people hall, by raised cards.
    rep_roster = ROSTER.body(Body.REPRESENTATIVES_MEETING, ON + timedelta(days=16))
    reps = sorted(rep_roster.expected)
    supervisors = [person_id(n) for n in range(9, 12)]
    came = reps[:34] + supervisors  # 34 of the 40 members; the supervisory committee attends
    run_sitting(ledger, "s4-reps", rules.preset("representatives_meeting"),
                ON + timedelta(days=16), ON + timedelta(days=10), "金町村党群议事厅", came,
                "表决《金町村公益性骨灰楼建设方案》",
                phones={reps[0]: Choice.APPROVE, reps[1]: Choice.APPROVE},
                cards=Tally(approve=29, oppose=2, abstain=1), tellers=(supervisors[0], supervisors[1]))
    video = hashlib.sha256(b"jinding s4 recording").hexdigest()
    day4 = ON + timedelta(days=16)
    ledger.handle(c.RecordMinutes("s4-reps", "村委文书", "与会代表举牌表决骨灰楼建设方案，全程录像。",
                                  speakers=("主持人", "村委会主任", "村民代表"),
                                  recording_ref="nas://jinding/2026/s4-reps.mp4",
                                  recording_sha256=video), at(day4, 10, 30))
    ledger.handle(c.CloseSitting("s4-reps"), at(day4, 10, 35))

    # 5 决议公开: seven days' notice; one objection, answered.
    posted = day4 + timedelta(days=1)
    contacts = "村务监督委员会（0660-3300000），马宫街道党政办（0660-3311111）"
    ledger.handle(c.PublishNotice(MATTER, posted, 7, contacts, "中共金町村支部委员会、金町村民委员会",
                                  HolidayCalendar()), at(posted, 9))
    ledger.handle(c.LodgeObjection(MATTER, "o1", posted + timedelta(days=2),
                                   "骨灰楼离三组水源地是否太近？"), at(posted + timedelta(days=2), 15))
    ledger.handle(c.AnswerObjection(MATTER, "o1", posted + timedelta(days=3),
                                    "选址距水源地800米，符合街道规划与环保要求，异议不成立。",
                                    upheld=False, by=person_id(9)), at(posted + timedelta(days=3), 10))
    state = ledger.state
    notice = state.matters[MATTER].notice
    assert notice is not None
    print(resolution_notice(state, MATTER, village=VILLAGE, checkpoint=ledger.checkpoint,
                            url=f"https://example.invalid/v/jinding/m/{MATTER}").text(lang))
    ledger.handle(c.CloseNotice(MATTER, notice.period.last + timedelta(days=1)),
                  at(notice.period.last + timedelta(days=1), 9))

    # Implementation, then 6 实施结果公开.
    steps = [("e1", date(2026, 5, 10), "完成地基与主体结构", 95_000_000),
             ("e2", date(2026, 8, 20), "完成内部装修与格位安装", 70_500_000),
             ("e3", date(2026, 9, 30), "竣工验收", 12_300_000)]
    for entry, on, what, spent in steps:
        doc = hashlib.sha256(f"{entry} 发票与验收单".encode()).hexdigest()
        ledger.handle(c.RecordProgress(MATTER, entry, on, what, spent,
                                       (c.Attachment(f"{entry}-发票.pdf", doc),)), at(on, 16))
    done = date(2026, 10, 8)
    ledger.handle(c.CompleteImplementation(MATTER, done, "骨灰楼建成并投入使用"), at(done, 9))
    ledger.handle(c.PublishNotice(MATTER, done + timedelta(days=1), 7, contacts, "金町村民委员会"),
                  at(done + timedelta(days=1), 9))
    state = ledger.state
    impl = implementation_notice(state, MATTER, village=VILLAGE, checkpoint=ledger.checkpoint)
    print(impl.text(lang))
    close_on = impl.notice.period.last + timedelta(days=1)
    ledger.handle(c.CloseNotice(MATTER, close_on), at(close_on, 9))

    check = ledger.verify()
    matter = ledger.state.matters[MATTER]
    print(f"stage: {matter.stage.label(lang)}; checkpoint: {ledger.checkpoint}; "
          f"chain verifies: {check.ok}")
    assert ledger.rebuild() == ledger.state
    return 0 if check.ok else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2]))
