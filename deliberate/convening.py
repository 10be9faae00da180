"""Convening: when a meeting must be called on request, and how much notice it needs.

Requisitions (组织法 第21、26条) are thresholds like any other rule: ``signers`` against a share of
those who could sign, compared exactly.

>>> requisition("villagers_meeting_by_villagers").met(signers=120, of=1200)
True
>>> requisition("representatives_meeting_by_representatives").met(signers=5, of=26)
False
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum
from fractions import Fraction
from types import MappingProxyType

from .bodies import Body
from .citations import organic_law
from .errors import DateOrderError, InvalidRule, NoticeTooShort
from .periods import HolidayCalendar, advance_notice_earliest
from .rules.model import Citation, Comparison, Threshold, Wording
from .tally import check_count

__all__ = ["REQUISITIONS", "Requisition", "SignerPool", "check_notice", "requisition"]


class SignerPool(Enum):
    """Who may sign a requisition, and so whom its share is counted against."""

    ADULT_VILLAGERS = "adult_villagers"  # 本村十八周岁以上村民
    REPRESENTATIVES = "representatives"  # 村民代表


@dataclass(frozen=True, slots=True)
class Requisition:
    """A share of signers that obliges the committee to convene ``body``."""

    name: str
    body: Body
    signers: Wording  # who signs, in words
    pool: SignerPool  # who signs, as the roster counts them
    threshold: Threshold
    citation: Citation

    def met(self, signers: int, of: int) -> bool:
        """Whether ``signers`` out of ``of`` who could sign are enough."""
        check_count("signers", signers)
        check_count("of", of)
        if signers > of:
            from .errors import InvalidNumbers

            raise InvalidNumbers("err_exceeds", field="signers", value=signers, limit_field="of",
                                 limit=of)
        return self.threshold.met(signers, of)

    def required(self, of: int) -> int:
        return self.threshold.required(check_count("of", of))


_TENTH = Threshold(Fraction(1, 10), Comparison.AT_LEAST)
_THIRD = Threshold(Fraction(1, 3), Comparison.AT_LEAST)
_FIFTH = Threshold(Fraction(1, 5), Comparison.AT_LEAST)

REQUISITIONS: Mapping[str, Requisition] = MappingProxyType({r.name: r for r in (
    Requisition("villagers_meeting_by_villagers", Body.VILLAGERS_MEETING,
                Wording("本村十八周岁以上村民", "本村十八週歲以上村民", "villagers aged 18 or over"),
                SignerPool.ADULT_VILLAGERS, _TENTH, organic_law(21)),
    Requisition("villagers_meeting_by_representatives", Body.VILLAGERS_MEETING,
                Wording("村民代表", "村民代表", "villagers' representatives"),
                SignerPool.REPRESENTATIVES, _THIRD, organic_law(21)),
    Requisition("representatives_meeting_by_representatives", Body.REPRESENTATIVES_MEETING,
                Wording("村民代表", "村民代表", "villagers' representatives"),
                SignerPool.REPRESENTATIVES, _FIFTH, organic_law(26)),
)})


def requisition(name: str) -> Requisition:
    try:
        return REQUISITIONS[name]
    except KeyError:
        raise InvalidRule("err_unknown_preset", name=name,
                          choices=", ".join(REQUISITIONS)) from None


def check_notice(rule: object, notice_date: date, meeting_date: date,
                 extended_by: HolidayCalendar | None = None) -> None:
    """Raise :class:`NoticeTooShort`, naming the statute, if ``rule`` needs more notice; and
    refuse a notice dated after the meeting whatever the rule (a body with no statutory notice
    period still cannot be told of a meeting after it was held)."""
    if notice_date > meeting_date:
        raise DateOrderError("err_notice_after_meeting", notice_date=notice_date.isoformat(),
                             meeting_date=meeting_date.isoformat())
    days = getattr(rule, "notice_days", None)
    if days is None:
        return
    earliest = advance_notice_earliest(notice_date, days, extended_by)
    if meeting_date < earliest:
        raise NoticeTooShort("err_notice_too_short", body=rule.body,  # type: ignore[attr-defined]
                             days=days,
                             citation=rule.notice_citation or rule.citation,  # type: ignore[attr-defined]
                             notice_date=notice_date.isoformat(), earliest=earliest.isoformat(),
                             meeting_date=meeting_date.isoformat())
