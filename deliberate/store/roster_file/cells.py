"""Reading one cell: text, dates, yes/no, sex, names — and what of a cell a message may repeat.

Messages about a row quote the cell at fault, but never a run of nine or more digits: such a run is
an identity number or a telephone number typed into a column, and a message is shown on pages and
printed by the command line (个人信息保护法 第28条; docs/security.md).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Any

from deliberate.idnumber import contains_id_number
from deliberate.roster import Sex

__all__ = ["birth_date", "flag", "full_date", "is_flag", "name_text", "sex", "shown", "text"]

_SEX = {"男": Sex.MALE, "女": Sex.FEMALE, "男性": Sex.MALE, "女性": Sex.FEMALE, "male": Sex.MALE,
        "female": Sex.FEMALE, "m": Sex.MALE, "f": Sex.FEMALE}
_YES = {"是": True, "否": False, "": None, "y": True, "n": False, "yes": True, "no": False, "√": True,
        "✓": True, "×": False}
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"
_FULL = (re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?" + _TIME), re.compile(r"(\d{4})(\d{2})(\d{2})"))
_PARTIAL = (re.compile(r"(\d{4})[-/.年](\d{1,2})月?"), re.compile(r"(\d{4})(\d{2})"))
_DIGITS = re.compile(r"\d{9,}")
_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")


def text(value: Any) -> str:
    """The cell as text: a number without a trailing ``.0``, a date in ISO form, stripped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def shown(value: Any) -> str:
    """``value`` as a message may quote it: long digit runs and identity numbers hidden, cut short."""
    quoted = text(value)
    if contains_id_number(quoted):
        return "（疑似身份证号码，已隐去）"
    quoted = _DIGITS.sub("（数字已隐去）", quoted)
    return quoted if len(quoted) <= 30 else quoted[:29] + "…"


def name_text(value: Any) -> str:
    """A name as registers align them — ``王  五``, with a full-width space — read as ``王五``."""
    return _CJK_GAP.sub("", unicodedata.normalize("NFC", text(value)))


def _match(patterns: tuple[re.Pattern[str], ...], value: str) -> re.Match[str] | None:
    return next((m for p in patterns if (m := p.fullmatch(value))), None)


def full_date(value: Any, column: str, required: bool, problems: list[str]) -> date | None:
    """A date cell, or text such as 2026-05-01, 2026/5/1, 2026.5.1, 2026年5月1日 or 20260501."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value)
    if not raw:
        if required:
            problems.append(f"缺少{column}")
        return None
    m = _match(_FULL, raw)
    try:
        if m is None:
            raise ValueError
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        problems.append(f"{column}“{shown(raw)}”不是有效日期（如2026-05-01）")
        return None


def birth_date(value: Any, problems: list[str]) -> tuple[date | None, tuple[int, int] | None]:
    """(full date, None), or (None, (year, month)) for a register's 出生年月 such as 1968.03 or
    1968年3月 (a number cell 1968.1 is October), or (None, None) when the cell is empty or bad."""
    if isinstance(value, float) and not value.is_integer():
        year, month = int(value), round((value - int(value)) * 100)
        if 1 <= month <= 12:
            return None, (year, month)
    raw = text(value)
    if raw and not isinstance(value, date) and (m := _match(_PARTIAL, raw)) and 1 <= int(m[2]) <= 12:
        return None, (int(m[1]), int(m[2]))
    return full_date(value, "出生日期", False, problems), None


def flag(value: Any, column: str, problems: list[str]) -> bool | None:
    raw = text(value).lower()
    if raw not in _YES:
        problems.append(f"{column}应填“是”或“否”，收到“{shown(value)}”")
        return None
    return _YES[raw]


def is_flag(value: Any) -> bool:
    return text(value).lower() in _YES


def sex(value: Any) -> Sex | None:
    return _SEX.get(text(value).lower())
