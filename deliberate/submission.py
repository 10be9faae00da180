"""Villagers' submissions (民情 / 意见建议): how they arrive and where they stand.

A submission is a need or an opinion — a street light, a blocked channel — raised by a villager
online, or told to a clerk at a bench meeting (板凳议事会) and taken down for them. It is either
taken up as a matter, and then followed as that matter, or answered directly. Both outcomes are
public; the name and contact of whoever raised it are not (see :class:`deliberate.commands.LodgeSubmission`).
"""

from __future__ import annotations

from enum import Enum

from .i18n import DEFAULT_LANG, LANGS, check_lang

__all__ = ["Channel", "SubmissionStatus"]


class Channel(Enum):
    """How a submission reached the village."""

    ONLINE = "online"  # the public form, on the villager's own phone
    CLERK = "clerk"  # told to a clerk, who took it down (代为登记)

    def label(self, lang: str = DEFAULT_LANG) -> str:
        return _LABELS[self][LANGS.index(check_lang(lang))]


class SubmissionStatus(Enum):
    """Where a submission stands: received, taken up as a matter, or answered."""

    RECEIVED = "received"
    TAKEN_UP = "taken_up"
    ANSWERED = "answered"

    def label(self, lang: str = DEFAULT_LANG) -> str:
        return _LABELS[self][LANGS.index(check_lang(lang))]


_LABELS: dict[Enum, tuple[str, str, str]] = {
    Channel.ONLINE: ("网上提交", "網上提交", "online"),
    Channel.CLERK: ("代为登记", "代為登記", "taken down by a clerk"),
    SubmissionStatus.RECEIVED: ("已受理", "已受理", "received"),
    SubmissionStatus.TAKEN_UP: ("已转为议题", "已轉為議題", "taken up as a matter"),
    SubmissionStatus.ANSWERED: ("已答复", "已答覆", "answered"),
}
