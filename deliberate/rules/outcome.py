"""Deciding a vote under a rule, and saying why in words a chair can read aloud."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import InvalidNumbers
from ..i18n import DEFAULT_LANG, text
from ..tally import Attendance, Tally
from .model import Count, Threshold, _share_text

if TYPE_CHECKING:
    from .model import Rule

__all__ = ["Finding", "Outcome", "decide"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One comparison made: ``actual`` against ``threshold`` of ``base_value``."""

    counted: str  # a Count value, or "approve"
    base: Count
    threshold: Threshold
    actual: int
    base_value: int
    required: int
    met: bool


@dataclass(frozen=True, slots=True)
class Outcome:
    """The result of a vote under a rule. ``passed`` is False whenever the sitting is not quorate."""

    rule: Rule
    attendance: Attendance
    tally: Tally
    quorum: tuple[Finding, ...]
    approval: Finding
    quorate: bool
    passed: bool

    def explain(self, lang: str = DEFAULT_LANG) -> str:
        """The outcome with its numbers, in ``lang`` (zh_Hans by default, zh_Hant, en)."""
        en = lang == "en"
        stop, sep = (". ", "; ") if en else ("。", "；")
        a = self.attendance
        head = text("attendance", lang, expected=a.expected, present=a.present)
        if a.members != a.expected:
            head += text("attendance_members", lang, members=a.members)
        if a.households is not None:
            head += text("attendance_households", lang, households=a.households,
                         households_present=a.households_present)
        clauses = sep.join(self._quorum_text(f, lang) for f in self.quorum)
        quorum = text("quorum_word", lang) + (text("quorum_any", lang)
                                              if len(self.quorum) > 1 else "")
        parts = [head, f"{quorum}{': ' if en else '：'}{clauses}"]
        silent = a.present - self.tally.cast
        counts = text("tally", lang, approve=self.tally.approve, oppose=self.tally.oppose,
                      abstain=self.tally.abstain, silent=silent)
        if not self.quorate:
            parts += [text("not_quorate_no_vote", lang), counts]
        else:
            p = self.approval
            rule = text("pass_clause", lang, comparison=p.threshold.comparison.label(lang),
                        base=p.base.label(lang), share=_share_text(p.threshold.share, lang),
                        required=p.required)
            verdict = text("passed" if self.passed else "failed", lang)
            parts += [text("quorate", lang), counts,
                      f"{rule}{': ' if en else '：'}{verdict}"]
        parts.append(text("basis", lang, citation=self.rule.citation.cited(lang)))
        if en:
            parts = [p[:1].upper() + p[1:] for p in parts]
        return stop.join(parts) + stop.strip()

    def shortfall(self) -> tuple[int, str] | None:
        """How many more must come for the nearest quorum clause to be met, and of what (a Count
        value: people or households); None when quorate. A chair told "还差3人" knows what to do."""
        if self.quorate:
            return None
        nearest = min(self.quorum, key=lambda f: f.required - f.actual)
        return nearest.required - nearest.actual, nearest.counted

    def quorum_lines(self, lang: str = DEFAULT_LANG) -> list[str]:
        """Each quorum clause as a sentence with its numbers (for a live quorum meter)."""
        return [self._quorum_text(f, lang) for f in self.quorum]

    @staticmethod
    def _quorum_text(f: Finding, lang: str) -> str:
        unit = text(Count(f.counted).unit_key, lang)
        return text("quorum_clause", lang, counted=Count(f.counted).label(lang),
                    comparison=f.threshold.comparison.label(lang), base=f.base.label(lang),
                    share=_share_text(f.threshold.share, lang), required=f.required,
                    actual=f.actual, unit=unit, verdict=text("met" if f.met else "not_met", lang))


def decide(rule: Rule, attendance: Attendance, tally: Tally) -> Outcome:
    """Apply ``rule``; impossible numbers raise :class:`~deliberate.errors.InvalidNumbers`."""
    if not isinstance(attendance, Attendance) or not isinstance(tally, Tally):
        raise InvalidNumbers("err_bad_value", field="attendance/tally",
                             detail="pass an Attendance and a Tally")
    attendance.check_tally(tally)
    if rule.needs_households and attendance.households is None:
        raise InvalidNumbers("err_rule_needs_households", rule=rule.name)
    findings = []
    for clause in rule.quorum:
        actual = clause.counted.of(attendance)
        base = clause.base.of(attendance)
        findings.append(Finding(clause.counted.value, clause.base, clause.threshold, actual, base,
                                clause.threshold.required(base),
                                clause.threshold.met(actual, base)))
    quorate = any(f.met for f in findings)
    base = rule.passing.base.of(attendance)
    approval = Finding("approve", rule.passing.base, rule.passing.threshold, tally.approve, base,
                       rule.passing.threshold.required(base),
                       rule.passing.threshold.met(tally.approve, base))
    return Outcome(rule, attendance, tally, tuple(findings), approval, quorate,
                   quorate and approval.met)
