"""Roster files: CSV or XLSX with Chinese column headers, checked row by row.

The columns (docs/roster-file.md has the full reference and examples/roster.csv a sample):

=============== ======== ==========================================================
列名             必填      内容
=============== ======== ==========================================================
编号             是        the person's id in the village (unique)
姓名             是
性别             是        男 / 女
出生日期         是        2026-05-01 (also 2026/5/1, or a date cell in Excel)
户号             是        the household's id
户主             否        是 / 否 — the household takes the head's name
村民小组         否
网格             否
政治面貌         否        中共党员 (正式党员) / 中共预备党员 (预备党员) / 群众
入党日期         党员必填
转正日期         正式党员必填
任职             否        支部委员会:书记、村民委员会:委员、村务监督委员会:主任 …
任职日期         有任职必填
村民代表         否        是 / 否
联系户           否        household ids the representative stands for, 、 or , separated
代表起始日期     代表必填
集体经济组织成员 否        是 (default) / 否
迁出日期         否        the day they ceased to be a villager
=============== ======== ==========================================================

Every bad row is reported with its line number (the header is line 1) and its reason; nothing is
written while any row is bad unless the caller skips them. A cell with a control character, a line
break or a bidirectional control (U+202E and the like, which make a name or an id display as
something else) is such a reason: the same check event text passes (:func:`deliberate.values.printable`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from deliberate.roster import (
    Committee,
    Household,
    PartyMembership,
    Person,
    Representation,
    Seat,
    Sex,
)
from deliberate.values import unprintable

__all__ = ["COLUMNS", "ParsedRoster", "RowError", "parse_rows", "read_roster_file"]

COLUMNS = ("编号", "姓名", "性别", "出生日期", "户号", "户主", "村民小组", "网格", "政治面貌",
           "入党日期", "转正日期", "任职", "任职日期", "村民代表", "联系户", "代表起始日期",
           "集体经济组织成员", "迁出日期")
REQUIRED = ("编号", "姓名", "性别", "出生日期", "户号")

_SEX = {"男": Sex.MALE, "女": Sex.FEMALE, "male": Sex.MALE, "female": Sex.FEMALE}
_PARTY = {"中共党员": "full", "正式党员": "full", "党员": "full", "中共预备党员": "probationary",
          "预备党员": "probationary", "群众": None, "": None}
_COMMITTEES = {"支部委员会": Committee.BRANCH, "党支部": Committee.BRANCH, "支委": Committee.BRANCH,
               "支委会": Committee.BRANCH, "村党组织": Committee.BRANCH,
               "村民委员会": Committee.VILLAGE, "村委会": Committee.VILLAGE, "村委": Committee.VILLAGE,
               "村务监督委员会": Committee.SUPERVISORY, "监委会": Committee.SUPERVISORY,
               "监委": Committee.SUPERVISORY}
_YES = {"是": True, "否": False, "": None, "y": True, "n": False, "yes": True, "no": False}
_SPLIT = re.compile(r"[、,，;；\s]+")


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"第{self.line}行：{self.reason}"


@dataclass
class ParsedRoster:
    people: list[Person] = field(default_factory=list)
    households: dict[str, Household] = field(default_factory=dict)
    memberships: list[PartyMembership] = field(default_factory=list)
    seats: list[Seat] = field(default_factory=list)
    representations: list[Representation] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0


def _date(value: Any, column: str, required: bool, problems: list[str]) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    if not text:
        if required:
            problems.append(f"缺少{column}")
        return None
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
    try:
        if m is None:
            raise ValueError
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        problems.append(f"{column}“{text}”不是有效日期（如2026-05-01）")
        return None


def _flag(value: Any, column: str, problems: list[str]) -> bool | None:
    text = str(value or "").strip().lower()
    if text not in _YES:
        problems.append(f"{column}应填“是”或“否”，收到“{value}”")
        return None
    return _YES[text]


def parse_rows(header: list[str], rows: Iterable[tuple[int, list[Any]]]) -> ParsedRoster:
    """Check every row; good ones become roster records, bad ones :class:`RowError`s."""
    out = ParsedRoster()
    header = [str(h or "").strip() for h in header]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        out.errors.append(RowError(1, f"缺少必需的列：{'、'.join(missing)}"))
        return out
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        out.errors.append(RowError(1, f"无法识别的列：{'、'.join(unknown)}（可用的列见文档）"))
        return out
    seen: dict[str, int] = {}
    heads: dict[str, str] = {}
    served: list[tuple[int, Representation]] = []
    for line, values in rows:
        if not any(str(v or "").strip() for v in values):
            continue  # blank line
        out.rows += 1
        row = {h: values[i] if i < len(values) else None for i, h in enumerate(header) if h}
        problems: list[str] = []
        text = {k: str(v).strip() if v is not None and not isinstance(v, date) else v
                for k, v in row.items()}
        for column, value in text.items():
            if isinstance(value, str) and unprintable(value, one_line=True):
                problems.append(f"{column}含有控制字符、换行或改变文字方向的字符（如U+202E）")
        pid, name, household = text.get("编号") or "", text.get("姓名") or "", text.get("户号") or ""
        for column, value in (("编号", pid), ("姓名", name), ("户号", household)):
            if not value:
                problems.append(f"缺少{column}")
        if pid in seen:
            problems.append(f"编号“{pid}”与第{seen[pid]}行重复")
        sex = _SEX.get((text.get("性别") or "").lower())
        if sex is None:
            problems.append(f"性别应填“男”或“女”，收到“{text.get('性别') or ''}”")
        birth = _date(row.get("出生日期"), "出生日期", True, problems)
        left = _date(row.get("迁出日期"), "迁出日期", False, problems)
        party_text = text.get("政治面貌") or ""
        if party_text not in _PARTY:
            problems.append(f"政治面貌“{party_text}”无法识别（中共党员、中共预备党员或群众）")
        party = _PARTY.get(party_text)
        admitted = _date(row.get("入党日期"), "入党日期", party is not None, problems)
        full_on = _date(row.get("转正日期"), "转正日期", party == "full", problems)
        if party == "probationary" and full_on is not None:
            problems.append("预备党员不应有转正日期")
        if admitted and full_on and full_on < admitted:
            problems.append("转正日期早于入党日期")
        seats_text = text.get("任职") or ""
        seat_start = _date(row.get("任职日期"), "任职日期", bool(seats_text), problems)
        seats = []
        for item in filter(None, _SPLIT.split(seats_text)):
            committee_name, _, role = item.partition(":") if ":" in item else item.partition("：")
            committee = _COMMITTEES.get(committee_name)
            if committee is None:
                problems.append(f"任职“{item}”中的机构无法识别（支部委员会、村民委员会或村务监督委员会）")
            elif seat_start:
                seats.append(Seat(pid, committee, seat_start, role=role or "委员"))
        is_rep = _flag(row.get("村民代表"), "村民代表", problems)
        rep_start = _date(row.get("代表起始日期"), "代表起始日期", bool(is_rep), problems)
        households = frozenset(filter(None, _SPLIT.split(text.get("联系户") or "")))
        collective = _flag(row.get("集体经济组织成员"), "集体经济组织成员", problems)
        head = _flag(row.get("户主"), "户主", problems)
        if problems:
            out.errors.append(RowError(line, "；".join(problems)))
            continue
        seen[pid] = line
        out.people.append(Person(pid, name, birth, sex, household, text.get("村民小组") or None,
                                 text.get("网格") or None,
                                 collective_member=collective is not False, left_on=left))
        if head or household not in heads:
            heads[household] = name if head else heads.get(household, name)
        group = text.get("村民小组") or None
        if household not in out.households or head:
            out.households[household] = Household(household, f"{heads[household]}户", group)
        if party is not None:
            out.memberships.append(PartyMembership(pid, admitted, full_on if party == "full" else None))
        out.seats += seats
        if is_rep:
            rep = Representation(pid, rep_start, households=households, group=group)
            out.representations.append(rep)
            served.append((line, rep))
    for line, rep in served:
        unknown_households = sorted(rep.households - out.households.keys())
        if unknown_households:
            out.errors.append(RowError(line, f"联系户中的户号不在名册中：{'、'.join(unknown_households)}"))
    return out


def _csv_rows(raw: bytes) -> Iterator[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte sequence
        raise ValueError("无法识别文件编码（请保存为UTF-8）")
    yield from csv.reader(io.StringIO(text))


def read_roster_file(path: str | Path) -> ParsedRoster:
    """Parse a .csv or .xlsx roster file (the first sheet of a workbook)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = list(_csv_rows(path.read_bytes()))
    elif suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        try:
            rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
        finally:
            book.close()
    else:
        raise ValueError(f"不支持的文件类型“{path.suffix}”：请使用 .csv 或 .xlsx")
    if not any(any(str(v or "").strip() for v in r) for r in rows):
        return ParsedRoster(errors=[RowError(1, "文件是空的")])
    return parse_rows([str(h or "") for h in rows[0]],
                      ((i, list(r)) for i, r in enumerate(rows[1:], start=2)))
