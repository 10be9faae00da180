"""The order of dated facts: a date on the record is never before the facts it follows, and never
after the record's own clock.

Theory of operation
-------------------
A matter's record carries two kinds of day. Some are typed by a clerk: the day a notice was posted
on the board, the day it closed, the day of a progress entry, of completion, of an objection and its
answer. The others come from the record's clock: the time ``now`` an event was recorded at, read as
a day in China Standard Time (北京时间, UTC+8, the one legal time of every village) by
:func:`local_date`, whatever offset the caller's clock carried.

Typed days are what a clerk could bend to skip the public's say: a resolution notice "posted" the
week before the vote, and closed the day after it is recorded, would leave no day for an objection.
So the core keeps, for each matter, the dated fact that brought it to its current step
(:class:`Dated`, ``Matter.since``), and refuses with :class:`~deliberate.errors.DateOrderError`

- a dated fact before the one it follows (:func:`not_before`)::

      decision ≤ notice posted ≤ notice closed ≤ progress ≤ completion ≤ next notice posted

  and a township review on or after the day of the sitting it reviews;
- a typed day after the record's day (:func:`not_after_today`): nothing is recorded in advance.

The same day is allowed wherever the order is ``≤``: a notice posted on the day of the vote, a
progress entry on the day the notice closed. Both messages name both days.

>>> from datetime import datetime, timezone
>>> local_date(datetime(2026, 3, 1, 17, 30, tzinfo=timezone.utc))  # 01:30 on 2 March in Beijing
datetime.date(2026, 3, 2)
>>> not_before(Fact.NOTICE_POSTED, date(2026, 3, 1), Dated(Fact.DECISION, date(2026, 3, 5)))
Traceback (most recent call last):
  ...
deliberate.errors.DateOrderError: 公示张贴的日期2026-03-01早于会议决定的日期2026-03-05：日期须按事情发生的先后顺序
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from enum import Enum

from .errors import DateOrderError, InvalidInput
from .i18n import DEFAULT_LANG, LANGS, check_lang

__all__ = ["CHINA_TIME", "Dated", "Fact", "check_day", "local_date", "not_after_today", "not_before"]

CHINA_TIME = timezone(timedelta(hours=8), "CST")


def local_date(at: datetime) -> date:
    """The day ``at`` falls on in China Standard Time: the record's date of an event."""
    return at.astimezone(CHINA_TIME).date()


class Fact(Enum):
    """What a day on the record is the day of; named in the errors."""

    RAISED = ("提出议题", "提出議題", "raising the matter")
    DECISION = ("会议决定", "會議決定", "the sitting's decision")
    TOWNSHIP_REVIEW = ("乡镇审核", "鄉鎮審核", "the township's review")
    RETURN = ("退回", "退回", "the return to an earlier step")
    WITHDRAWAL = ("撤回", "撤回", "the withdrawal")
    NOTICE_POSTED = ("公示张贴", "公示張貼", "posting the notice")
    NOTICE_CLOSED = ("公示结束", "公示結束", "closing the notice")
    OBJECTION = ("异议提出", "異議提出", "the objection")
    ANSWER = ("异议答复", "異議答覆", "the answer to the objection")
    PROGRESS = ("实施进展", "實施進展", "the progress entry")
    COMPLETION = ("实施完成", "實施完成", "completion")
    REQUISITION = ("联名提议收到", "聯名提議收到", "receiving the requisition")

    def label(self, lang: str = DEFAULT_LANG) -> str:
        return self.value[LANGS.index(check_lang(lang))]


@dataclass(frozen=True, slots=True)
class Dated:
    """A fact and its day."""

    fact: Fact
    on: date


def check_day(field: str, value: object) -> date:
    """``value`` if it is a day; a datetime is refused rather than guessed at (and cannot be
    compared with a day)."""
    if type(value) is not date:
        raise InvalidInput("err_bad_value", field=field, detail=f"{value!r} is not a date")
    return value


def not_before(fact: Fact, on: date, earlier: Dated | None) -> None:
    """Refuse ``fact`` on ``on`` if that is before the ``earlier`` fact it follows."""
    if earlier is not None and on < earlier.on:
        raise DateOrderError("err_date_order", fact=fact, on=on.isoformat(), earlier=earlier.fact,
                             earlier_on=earlier.on.isoformat())


def not_after_today(fact: Fact, on: date, now: datetime) -> None:
    """Refuse ``fact`` on ``on`` if that is after the record's day ``now`` (China Standard Time)."""
    today = local_date(now)
    if on > today:
        raise DateOrderError("err_date_future", fact=fact, on=on.isoformat(), today=today.isoformat())
