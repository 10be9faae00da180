"""A village builds its own rule and its own procedure from the statutory parts.

Some provinces are stricter than the national law: one requires four fifths of the representatives
present and two thirds of ALL representatives for a decision of the representatives' meeting. Here
a village encodes that rule with its own citation, uses a procedure where the party secretary is
also the committee head (一肩挑, steps 1 and 2 held as one sitting) and the township reviews major
matters, and stores both as plain data for its settings.

Run: python examples/village_rule.py
"""

from __future__ import annotations

import json
from fractions import Fraction

from deliberate import Attendance, Stage, Tally, rules
from deliberate.procedure import Action, Procedure, procedure
from deliberate.rules import Citation, Comparison, Count, PassRule, QuorumClause, Rule, Threshold, Wording

strict = rules.preset("representatives_meeting").replace(
    name="province_representatives_strict",
    quorum=(QuorumClause(Count.PRESENT, Count.MEMBERS, Threshold(Fraction(4, 5), Comparison.AT_LEAST)),),
    passing=PassRule(Count.MEMBERS, Threshold(Fraction(2, 3), Comparison.AT_LEAST)),
    citation=Citation(Wording("某省实施《村民委员会组织法》办法（示例）", "某省實施《村民委員會組織法》辦法（示例）",
                              "a province's implementing measures (example)"), "2020"),
    notice_days=5,
)

print(strict.explain_text())
print(strict.explain_text("en"))
for present, approve in [(23, 20), (24, 19), (24, 20)]:
    out = strict.decide(Attendance(expected=30, present=present), Tally(approve, present - approve, 0))
    print(f"present {present}, approve {approve}: quorate={out.quorate} passed={out.passed}")
    print("  " + out.explain())

# The same rule, as the village's settings store it, and back.
data = json.dumps(strict.to_data(), ensure_ascii=False, sort_keys=True)
assert Rule.from_data(json.loads(data)) == strict
print(f"settings: {len(data)} characters of JSON; round trip ok")

ours = procedure("village_one_shoulder", Wording("本村四议两公开（一肩挑、乡镇审核）",
                                                 "本村四議兩公開（一肩挑、鄉鎮審核）",
                                                 "our procedure (one-shoulder, township review)"),
                 combined_proposal=True, township_review=True, resolution_rule="representatives_meeting")
print(" → ".join(f"{s.number} {s.title()}" if s.number else s.title() for s in ours.steps))
assert ours.next(Stage.PROPOSAL, Action.ADOPT) is Stage.REVIEW
assert ours.next(Stage.REVIEW, Action.ADOPT) is Stage.TOWNSHIP_REVIEW
assert Procedure.from_data(json.loads(json.dumps(ours.to_data()))) == ours
print("procedure round trip ok")
