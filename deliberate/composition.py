"""Composition findings: is the representatives' meeting and the supervisory committee lawfully made up?

A finding is reported, not raised: an unlawful composition is a fact for the roster page and the
minutes (组织法 第25条, 第32–33条), and the village must still be able to record what happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from .citations import organic_law
from .i18n import DEFAULT_LANG, text
from .roster import Committee, Roster, Sex
from .rules.model import Citation, Comparison, Threshold

__all__ = [
    "HOUSEHOLDS_PER_REPRESENTATIVE",
    "ComplianceFinding",
    "representatives_findings",
    "supervisory_findings",
]

HOUSEHOLDS_PER_REPRESENTATIVE = (5, 15)  # 每五户至十五户推选一人 (第25条)
_FOUR_FIFTHS = Threshold(Fraction(4, 5), Comparison.AT_LEAST)
_ONE_THIRD = Threshold(Fraction(1, 3), Comparison.AT_LEAST)


ART_25 = organic_law(25)
ART_32 = organic_law(32)


@dataclass(frozen=True)
class ComplianceFinding:
    """One check of a composition rule; ``ok`` False means the rule is broken."""

    code: str
    ok: bool
    citation: Citation
    fields: tuple[tuple[str, object], ...]

    def text(self, lang: str = DEFAULT_LANG) -> str:
        fields = {k: (v.label(lang) if hasattr(v, "label") else v) for k, v in self.fields}
        verdict = text("met" if self.ok else "not_met", lang)
        return text(f"find_{self.code}", lang, verdict=verdict, **fields)


def representatives_findings(roster: Roster, on: date) -> tuple[ComplianceFinding, ...]:
    """第25条: representatives ≥ 4/5 of the members; women ≥ 1/3; 5–15 households each."""
    reps = roster.representatives(on)
    rep_ids = {r.person for r in reps}
    members = len(roster.seated(Committee.VILLAGE, on) | rep_ids)
    women = sum(1 for p in rep_ids if roster.people[p].sex is Sex.FEMALE)
    found = [
        ComplianceFinding("reps_share", _FOUR_FIFTHS.met(len(rep_ids), members), ART_25,
                          (("reps", len(rep_ids)), ("members", members),
                           ("required", _FOUR_FIFTHS.required(members)))),
        ComplianceFinding("women_share", _ONE_THIRD.met(women, members), ART_25,
                          (("women", women), ("members", members),
                           ("required", _ONE_THIRD.required(members)))),
    ]
    low, high = HOUSEHOLDS_PER_REPRESENTATIVE
    for r in sorted(reps, key=lambda r: r.person):
        # Representatives chosen per villager group instead of per households carry no households.
        if r.households:
            n = len(r.households)
            found.append(ComplianceFinding(
                "households_per_rep", low <= n <= high, ART_25,
                (("person", roster.people[r.person].name), ("households", n))))
    return tuple(found)


def supervisory_findings(roster: Roster, on: date) -> tuple[ComplianceFinding, ...]:
    """第32条: no village committee member, nor a close relative of one, sits on the supervisory committee."""
    village = roster.seated(Committee.VILLAGE, on)
    found = []
    for person in sorted(roster.seated(Committee.SUPERVISORY, on)):
        name = roster.people[person].name
        if person in village:
            found.append(ComplianceFinding("sup_on_vc", False, ART_32, (("person", name),)))
        for other, relation in sorted(roster.close_relatives(person).items()):
            if other in village:
                found.append(ComplianceFinding(
                    "sup_relative", False, ART_32,
                    (("person", name), ("other", roster.people[other].name),
                     ("relation", relation))))
    return tuple(found)
