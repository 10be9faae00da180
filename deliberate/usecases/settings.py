"""A village's settings, as the :class:`~deliberate.profiles.Profile` it lives under: the national
rules, and the periods and the threshold local rules fix (the notice period, the days to answer an
objection, the amount above which a matter is major)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from deliberate.errors import InvalidRule
from deliberate.profiles import NATIONAL, Profile
from deliberate.rules.model import Wording
from deliberate.store import SqlRepository

from .common import village_name

__all__ = ["LIMITS", "save_settings", "village_profile"]

# What the admin page may set, and within which bounds (days; yuan).
LIMITS = {"notice_period_days": (1, 90), "objection_answer_days": (1, 60),
          "major_matter_threshold_yuan": (0, 10**10)}
_NAMES = {"notice_period_days": Wording("公示期（天）", "公示期（天）", "the notice period (days)"),
          "objection_answer_days": Wording("异议答复期限（天）", "異議答覆期限（天）",
                                           "the days to answer an objection"),
          "major_matter_threshold_yuan": Wording("重大事项金额（元）", "重大事項金額（元）",
                                                 "the amount of a major matter (yuan)")}


def _profile(saved: dict[str, Any]) -> Profile:
    # Saved before settings were a profile: the threshold in yuan, and a "procedure" never read.
    yuan = saved.get("major_matter_threshold_yuan")
    threshold = saved.get("major_matter_threshold", yuan * 100 if isinstance(yuan, int) else None)
    return replace(NATIONAL, notice_period_days=saved.get("notice_period_days", 7),
                   objection_answer_days=saved.get("objection_answer_days", 3),
                   major_matter_threshold=threshold)


def village_profile(store: SqlRepository, village: str) -> Profile:
    """The profile ``village`` lives under (the national one, with its saved periods)."""
    return _profile(store.settings(village))


def save_settings(store: SqlRepository, village: str, *, notice_period_days: int,
                  objection_answer_days: int, major_matter_threshold_yuan: int | None) -> Profile:
    """Save the village's periods and threshold; InvalidRule (naming the setting and its bounds)
    for a value out of bounds, and nothing is saved."""
    village_name(store, village)
    given = {"notice_period_days": notice_period_days, "objection_answer_days": objection_answer_days,
             "major_matter_threshold_yuan": major_matter_threshold_yuan}
    for name, value in given.items():
        low, high = LIMITS[name]
        if value is None and name == "major_matter_threshold_yuan":
            continue
        if type(value) is not int or not low <= value <= high:
            raise InvalidRule("err_setting", name=_NAMES[name], low=low, high=high)
    profile = replace(NATIONAL, notice_period_days=notice_period_days,
                      objection_answer_days=objection_answer_days,
                      major_matter_threshold=None if major_matter_threshold_yuan is None
                      else major_matter_threshold_yuan * 100)
    store.save_settings(village, {"profile": profile.name,
                                  "notice_period_days": profile.notice_period_days,
                                  "objection_answer_days": profile.objection_answer_days,
                                  "major_matter_threshold": profile.major_matter_threshold})
    return profile
