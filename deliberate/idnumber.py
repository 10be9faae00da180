"""Citizen identity numbers (公民身份号码, GB 11643-1999): the check character, and what a roster
needs from a number — the birth date and the sex — without keeping the number.

An 18-character number is six digits of the region where it was first issued, eight of the birth
date (YYYYMMDD), a three-digit sequence number whose last digit is odd for a man and even for a
woman, and a check character computed over the other seventeen by ISO 7064 MOD 11-2 (``X`` for
ten). The check catches every single wrong character and every swap of two neighbours — the
mistakes of copying a number by hand. Numbers of fifteen digits were issued before 1999: region,
birth date as YYMMDD (always in the 1900s), sequence; they carry no check character, so only their
date and region can be checked (:attr:`IdNumber.legacy`).

The number is sensitive personal information (个人信息保护法 第28条): nothing here stores it,
and neither an :class:`IdNumber` nor an :class:`InvalidIdNumber` carries or prints it.

>>> n = read_id_number("11010519491231002X")   # the example printed in GB 11643-1999
>>> n.birth_date, n.sex, n.legacy
(datetime.date(1949, 12, 31), <Sex.FEMALE: 'female'>, False)
>>> check_character("11010519491231002")
'X'
>>> read_id_number("110105194912310021")
Traceback (most recent call last):
...
deliberate.idnumber.InvalidIdNumber: 身份证号码的校验位不符（多半是抄错了一位）
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import Enum

from .errors import InvalidInput
from .i18n import DEFAULT_LANG, LANGS, check_lang
from .roster import Sex

__all__ = [
    "IdNumber",
    "IdProblem",
    "InvalidIdNumber",
    "canonical_id_number",
    "check_character",
    "contains_id_number",
    "normalize_id_number",
    "read_id_number",
]

# ISO 7064 MOD 11-2: the weight of position i (from the left) is 2**(17 - i) mod 11.
_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
# The province-level codes (GB/T 2260) a number's first two digits can be; 83 is the code of the
# residence permits of Taiwan residents, which use the same numbering (国务院令 第574号 and 2018 rules).
_PROVINCES = frozenset({11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44,
                        45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83})
_EARLIEST = date(1900, 1, 1)  # no one alive holds a number dated earlier
_ANY = re.compile(r"(?<![0-9])(?:[0-9]{17}[0-9X]|[0-9]{15})(?![0-9X])")


class IdProblem(Enum):
    """Why a text is not an identity number."""

    LENGTH = "length"
    CHARACTERS = "characters"
    REGION = "region"
    BIRTH_DATE = "birth_date"
    CHECK = "check"

    def label(self, lang: str = DEFAULT_LANG) -> str:
        return _PROBLEMS[self][LANGS.index(check_lang(lang))]


_PROBLEMS = {
    IdProblem.LENGTH: ("应为18位（旧证15位）", "應為18位（舊證15位）", "must have 18 characters (15 for an old card)"),
    IdProblem.CHARACTERS: ("只能是数字，最后一位可以是X", "只能是數字，最後一位可以是X",
                           "must be digits, the last one possibly X"),
    IdProblem.REGION: ("的前两位不是省级行政区代码", "的前兩位不是省級行政區代碼",
                       "does not start with a province code"),
    IdProblem.BIRTH_DATE: ("中的出生日期不存在或晚于今天", "中的出生日期不存在或晚於今天",
                           "holds a birth date that does not exist or is after today"),
    IdProblem.CHECK: ("的校验位不符（多半是抄错了一位）", "的校驗位不符（多半是抄錯了一位）",
                      "fails its check character (most likely one character was copied wrong)"),
}


class InvalidIdNumber(InvalidInput):
    """Not an identity number; ``problem`` says why. The message never repeats the number."""

    def __init__(self, problem: IdProblem) -> None:
        super().__init__("err_id_number", problem=problem)
        self.problem = problem


@dataclass(frozen=True, slots=True)
class IdNumber:
    """What a roster takes from a valid number. ``legacy``: a 15-digit number (no check character)."""

    birth_date: date
    sex: Sex
    legacy: bool = False


def check_character(first17: str) -> str:
    """The check character (``0``–``9`` or ``X``) of the 17 digits ``first17``."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise InvalidIdNumber(IdProblem.CHARACTERS)
    value = (12 - sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11) % 11
    return "X" if value == 10 else str(value)


def normalize_id_number(text: str) -> str:
    """``text`` as it is meant: full-width digits made ASCII, spaces and the marks that keep a
    spreadsheet from reading it as a number (a leading ``'``, ``="…"``) removed, ``x`` made ``X``.
    Nothing is checked.

    >>> normalize_id_number(" ＝\\"１１０１０５ 19491231002x\\" ")
    '11010519491231002X'
    """
    value = "".join(unicodedata.normalize("NFKC", text).split()).upper()
    if value.startswith('="') and value.endswith('"'):
        value = value[2:-1]
    return value.lstrip("'")


def _date(year: int, month: int, day: int, on: date | None) -> date:
    try:
        born = date(year, month, day)
    except ValueError:
        raise InvalidIdNumber(IdProblem.BIRTH_DATE) from None
    if born < _EARLIEST or (on is not None and born > on):
        raise InvalidIdNumber(IdProblem.BIRTH_DATE)
    return born


def read_id_number(text: str, *, on: date | None = None) -> IdNumber:
    """The birth date and sex ``text`` carries, once it is shown to be an identity number (and,
    given ``on``, one of a person born by then); else :class:`InvalidIdNumber`."""
    value = normalize_id_number(text)
    if len(value) not in (15, 18):
        raise InvalidIdNumber(IdProblem.LENGTH)
    legacy = len(value) == 15
    body = value if legacy else value[:17]
    if not body.isascii() or not body.isdigit() or not (legacy or value[17].isdigit() or value[17] == "X"):
        raise InvalidIdNumber(IdProblem.CHARACTERS)
    if int(value[:2]) not in _PROVINCES:
        raise InvalidIdNumber(IdProblem.REGION)
    if legacy:
        born = _date(1900 + int(value[6:8]), int(value[8:10]), int(value[10:12]), on)
    else:
        born = _date(int(value[6:10]), int(value[10:12]), int(value[12:14]), on)
        if check_character(body) != value[17]:
            raise InvalidIdNumber(IdProblem.CHECK)
    return IdNumber(born, Sex.MALE if int(body[-1]) % 2 else Sex.FEMALE, legacy)


def canonical_id_number(text: str) -> str:
    """The 18-character form of a valid number: a 15-digit one gains ``19`` and its check
    character (the conversion of GB 11643-1999), so both forms of one person's number compare equal.

    >>> canonical_id_number("110105491231002")
    '11010519491231002X'
    """
    read_id_number(text)
    value = normalize_id_number(text)
    if len(value) == 18:
        return value
    first17 = value[:6] + "19" + value[6:]
    return first17 + check_character(first17)


def contains_id_number(text: str) -> bool:
    """Whether ``text`` holds, among other characters, something read as an identity number: a
    run of 18 characters that passes the check, or of 15 digits with a real date. For refusing a
    number typed into a column that is kept (a name, an id that goes into the public record)."""
    for found in _ANY.finditer(normalize_id_number(text)):
        try:
            read_id_number(found.group())
        except InvalidIdNumber:
            continue
        return True
    return False
