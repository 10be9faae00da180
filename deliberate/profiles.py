"""Jurisdiction profiles: the rules and periods a village lives under, as data.

Provinces implement the village law with measures of their own — stricter majorities, notice
periods, bodies that may not decide some matters — so a village picks a profile (the national one
by default) and a profile is data: every rule preset, overridden where the jurisdiction differs,
each with its own citation, and the periods the law leaves to local rules.

>>> from deliberate import rules
>>> strict = NATIONAL.with_rule(rules.preset("representatives_meeting").replace(notice_days=5),
...                             name="shandong_example", title=Wording("示例省", "示例省", "example"))
>>> strict.rule("representatives_meeting").notice_days, NATIONAL.rule("representatives_meeting").notice_days
(5, None)
>>> Profile.from_data(strict.to_data()) == strict
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from .errors import InvalidRule
from .holidays import national
from .periods import HolidayCalendar
from .procedure import Procedure
from .rules.model import Rule, Wording
from .rules.presets import PRESETS

__all__ = ["NATIONAL", "Profile"]


@dataclass(frozen=True)
class Profile:
    """A jurisdiction: its rules by preset name, and the periods local rules fix.

    ``notice_period_days``: how long a 公示 stays up (no national length; 7 days is common).
    ``objection_answer_days``: within how many days the supervisory committee answers an objection
    (Chongqing's 2013 rule says 3). ``major_matter_threshold``: the amount, in fen, above which a
    matter is major and goes to township review (one county uses 50,000 yuan); None: no threshold.
    ``own_days``: the jurisdiction's or village's own rest days (a provincial holiday) and working
    days, added to the State Council's arrangements (:mod:`deliberate.holidays`) to make
    :attr:`calendar`, which every period is counted with. ``notice_extends_over_rest_days``: the
    stricter reading of a meeting's advance notice (民法典 第二百零三条 applied to it; see
    :func:`deliberate.periods.advance_notice_earliest`); False, the default reading, extends nothing.
    """

    name: str
    title: Wording
    rules: Mapping[str, Rule] = field(default_factory=lambda: PRESETS)
    notice_period_days: int = 7
    objection_answer_days: int = 3
    major_matter_threshold: int | None = None
    own_days: HolidayCalendar = field(default_factory=HolidayCalendar)
    notice_extends_over_rest_days: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.own_days, HolidayCalendar):
            raise InvalidRule("err_bad_rule", detail="own_days is a HolidayCalendar")
        if type(self.notice_extends_over_rest_days) is not bool:
            raise InvalidRule("err_bad_rule", detail="notice_extends_over_rest_days is true or false")
        object.__setattr__(self, "rules", MappingProxyType(dict(self.rules)))
        missing = set(PRESETS) - set(self.rules)
        if missing:
            raise InvalidRule("err_bad_rule", detail=f"profile lacks {sorted(missing)}")
        for name, rule in self.rules.items():
            if not isinstance(rule, Rule) or rule.name != name:
                raise InvalidRule("err_bad_rule", detail=f"profile rule {name!r} is misnamed")
        for key in ("notice_period_days", "objection_answer_days"):
            value = getattr(self, key)
            if type(value) is not int or value < 1:
                raise InvalidRule("err_bad_rule", detail=f"{key} must be a whole number ≥ 1")
        threshold = self.major_matter_threshold
        if threshold is not None and (type(threshold) is not int or threshold < 0):
            raise InvalidRule("err_bad_rule", detail="major_matter_threshold is fen ≥ 0")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Profile):
            return NotImplemented
        return self.to_data() == other.to_data()

    def __hash__(self) -> int:
        return hash(self.name)

    def rule(self, name: str) -> Rule:
        """The rule this jurisdiction applies under the preset ``name``."""
        try:
            return self.rules[name]
        except KeyError:
            raise InvalidRule("err_unknown_preset", name=name,
                              choices=", ".join(self.rules)) from None

    @property
    def calendar(self) -> HolidayCalendar:
        """The calendar periods are counted with here: the State Council's arrangements for the
        years at hand, with this profile's own days."""
        return national().merged(self.own_days)

    @property
    def notice_extended_by(self) -> HolidayCalendar | None:
        """What a sitting's advance notice is extended by under this profile's reading."""
        return self.calendar if self.notice_extends_over_rest_days else None

    def procedure(self, procedure: Procedure) -> Procedure:
        """``procedure`` as this jurisdiction runs it: each step that names a preset decides by
        this profile's rule of that name (Procedure.under). Raise matters under this, so their
        sittings are convened under the jurisdiction's rules and refused under any other."""
        return procedure.under(self.rules)

    def is_major(self, amount: int | None) -> bool:
        """Whether a matter involving ``amount`` fen is a major matter here."""
        return (self.major_matter_threshold is not None and amount is not None
                and amount > self.major_matter_threshold)

    def with_rule(self, rule: Rule, **changes: Any) -> Profile:
        """This profile with ``rule`` in place of the preset of the same name."""
        if rule.name not in self.rules:
            raise InvalidRule("err_unknown_preset", name=rule.name, choices=", ".join(self.rules))
        return replace(self, rules={**self.rules, rule.name: rule}, **changes)

    def to_data(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title.to_data(),
                "rules": {k: v.to_data() for k, v in self.rules.items()},
                "notice_period_days": self.notice_period_days,
                "objection_answer_days": self.objection_answer_days,
                "major_matter_threshold": self.major_matter_threshold,
                "own_days": self.own_days.to_data(),
                "notice_extends_over_rest_days": self.notice_extends_over_rest_days}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Profile:
        try:
            return cls(data["name"], Wording.from_data(data["title"]),
                       {k: Rule.from_data(v) for k, v in data["rules"].items()},
                       data.get("notice_period_days", 7), data.get("objection_answer_days", 3),
                       data.get("major_matter_threshold"),
                       HolidayCalendar.from_data(data.get("own_days") or {}),
                       data.get("notice_extends_over_rest_days", False))
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            if isinstance(exc, InvalidRule):
                raise
            raise InvalidRule("err_bad_rule", detail=f"profile: {exc}") from exc


NATIONAL = Profile("national", Wording("全国通用", "全國通用", "national"))
