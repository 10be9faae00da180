"""Generate docs/rules.md from the presets: python docs/make_rules.py

Every preset with its citation, edition and note, and worked boundary examples computed by the
rule itself (the hand-worked boundary tests are in tests/test_rules.py).
"""

from __future__ import annotations

from pathlib import Path

from deliberate import Attendance, Tally, rules
from deliberate.convening import REQUISITIONS
from deliberate.holidays import STATE_COUNCIL
from deliberate.procedure import PARTY_DISCUSSES_FIRST
from deliberate.rules import Count

HEADER = """# The rules, with their citations

Written by `python docs/make_rules.py` from `deliberate/rules/presets.py`; a test fails when it is
stale. How to read them: 以上/以下/以内/届满 include the number itself (`>=`), 不满/超过/以外 exclude
it (`>`) — 民法典 第1259条; 过半数 is more than half, 半数以上 at least half. Counts are integers and
shares are fractions compared by cross-multiplication; no float is ever involved. Abstentions and
people present who do not vote count against: the denominator is never the votes cast.

Village law is cited in its 2018 edition; the 2025-10-28 amendment (in force 2026-01-01) renumbers
the articles, and each preset says so in its note. Every preset can be overridden
(`rule.replace(...)`), because provinces implement these laws differently.
"""

SIZES = {Count.EXPECTED: 30, Count.MEMBERS: 30, Count.HOUSEHOLDS: 12, Count.PRESENT: 24}


def _example(rule: rules.Rule) -> list[str]:
    """Quorum and pass lines at their thresholds for a body of 30 (12 households)."""
    lines = []
    base_att = dict(expected=30, present=24, members=30)
    if rule.needs_households:
        base_att.update(households=12, households_present=12)
    for clause in rule.quorum:
        base = SIZES[clause.base]
        need = clause.threshold.required(base)
        lines.append(f"  - {clause.counted.label()}: {need - 1} → 不足, {need} → 足够 "
                     f"(base {clause.base.value} = {base})")
    att = Attendance(**base_att)
    need = rule.passing.threshold.required(rule.passing.base.of(att))
    below = rule.decide(att, Tally(need - 1)).passed
    at = rule.decide(att, Tally(need)).passed
    lines.append(f"  - 应到30人、实到24人时：赞成{need - 1}票 → {'通过' if below else '未通过'}；"
                 f"赞成{need}票 → {'通过' if at else '未通过'}")
    return lines


def render() -> str:
    out = [HEADER]
    for rule in rules.PRESETS.values():
        out += [f"\n## `{rule.name}` — {rule.title.zh_Hans}\n",
                f"- body: {rule.body.label()} (`{rule.body.value}`)",
                f"- rule: {rule.explain_text()}",
                f"- in English: {rule.explain_text('en')}",
                f"- citation: {rule.citation} ({rule.citation.text('en')}); edition {rule.citation.edition}"]
        if rule.notice_days is not None:
            out.append(f"- notice: at least {rule.notice_days} days before the meeting "
                       f"({rule.notice_citation}); the notice day is not counted and the period "
                       "runs to 24:00 of its last day (民法典 第201、203条)")
        if rule.excusable:
            out.append("- members may be excused from the expected count (应到会); an excused "
                       "member who comes counts again")
        if rule.note:
            out.append(f"- note: {rule.note.zh_Hans} — {rule.note.en}")
        out.append("- at the thresholds:")
        out += _example(rule)
    out.append("\n## Convening on request\n")
    out.append("| requisition | body | signers | share | citation |\n|---|---|---|---|---|")
    for r in REQUISITIONS.values():
        out.append(f"| `{r.name}` | {r.body.label()} | {r.signers} | "
                   f"{r.threshold.comparison.label()} {r.threshold.share} | {r.citation} |")
    years = "\n".join(f"- {a.year}: {a.source.text()}; {len(a.rest)} rest days, make-up working days "
                      f"{', '.join(d.isoformat() for d in a.working)}" for a in STATE_COUNCIL.values())
    out.append("""
## Composition findings

- Representatives' meeting (组织法 第25条): representatives at least four fifths of the members
  (`reps*5 >= members*4`); women representatives at least one third (`women*3 >= members`); each
  representative for 5 to 15 households (or several per villager group). `composition.representatives_findings`.
- Supervisory committee (组织法 第32条): no member of the villagers' committee, nor a close relative
  of one (民法典 第1045条: spouse, parents, children, siblings, grandparents, grandchildren).
  `composition.supervisory_findings`.

Findings are reported, not raised: the record must still hold what happened. The roster page
lists every finding after each upload; the console of a representatives' meeting lists, for its
minutes, each rule its composition breaks on the sitting's day.

## The step's own rule

A sitting is convened under the rule its matter's procedure names for the step and under no other
(`WrongRule`; `WrongBody` for another body). Land contracting (农村土地承包法 第19、28、52条) is decided
by the villagers' meeting (`land_contracting`) or by the representatives' meeting it authorises
with two thirds of all representatives (`land_contracting_representatives`, procedure
`land_contracting_representatives`). A notice dated after the meeting is refused for every body,
and the roster is the one of the meeting's own day.

## Citations of the village law

The village law was amended on 2025-10-28 (in force 2026-01-01) and its articles renumbered; its
consolidated text is not at hand, so the presets cite the 2018 numbering and every explanation
says so ("2018年文本条号", `Citation.numbering`). A jurisdiction profile loaded from data may carry
corrected citations (a rule's `citation` with its own `numbering`, or none), with no code change.
The amendment also requires that what the villagers' or representatives' meeting decides be first
discussed by the village party organisation: every procedure starts with the branch committee (or
the two committees it leads) — `Procedure.party_discusses_first`, cited as
{party}.

## Periods and holidays (民法典 第二百零一至二百零三条)

A period starts the day after its event and ends at 24:00 of its last day; a last day that is a
statutory rest day moves to the next working day. The rest days are the State Council's yearly
arrangement, shipped as data with its source, plus a village's own (its profile's `own_days`,
set on the admin page):

{years}

A year not listed counts weekends and the village's own days only; the admin page says so. A
meeting's advance notice is not extended over rest days (nothing is due on its last day:
`periods.advance_notice_earliest`) unless the village's profile chooses the stricter reading
(`notice_extends_over_rest_days`); the scheduling page says which reading applies.

## Mutation testing

Each comparison, share, constant and refusal of these modules is changed in turn and the module's
tests are run against the change (`python scripts/mutation.py`); the scores, the command and every
surviving change with why it cannot be noticed are in [mutation.md](mutation.md).
""".replace("{party}", PARTY_DISCUSSES_FIRST.text()).replace("{years}", years))
    return "\n".join(out)


if __name__ == "__main__":
    path = Path(__file__).with_name("rules.md")
    path.write_text(render(), encoding="utf-8")
    print(f"wrote {path}")
