"""Statutory rules: presets with citations, and the parts to build a village's own.

>>> from deliberate import rules, Tally, Attendance
>>> rule = rules.preset("villagers_meeting")
>>> out = rule.decide(Attendance(expected=1200, present=590, households=380, households_present=254),
...                   Tally(approve=296, oppose=100, abstain=0))
>>> out.quorate, out.passed
(True, True)
>>> rule.citation.edition
'2018'
"""

from .model import Citation, Comparison, Count, PassRule, QuorumClause, Rule, Threshold, Wording
from .outcome import Finding, Outcome, decide
from .presets import (
    AT_LEAST_FOUR_FIFTHS,
    AT_LEAST_HALF,
    AT_LEAST_TWO_THIRDS,
    MORE_THAN_HALF,
    PRESETS,
    names,
    preset,
)

__all__ = [
    "AT_LEAST_FOUR_FIFTHS",
    "AT_LEAST_HALF",
    "AT_LEAST_TWO_THIRDS",
    "MORE_THAN_HALF",
    "PRESETS",
    "Citation",
    "Comparison",
    "Count",
    "Finding",
    "Outcome",
    "PassRule",
    "QuorumClause",
    "Rule",
    "Threshold",
    "Wording",
    "decide",
    "names",
    "preset",
]
