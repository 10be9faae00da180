"""Realistic village registers, made in the tests: a household register (户籍花名册) as a township's
Excel template has it — a title row, a line "填报单位：……", header cells merged over two rows under
a group title, the head's name merged down each household, a footer — and the same register as
CSV in GBK or UTF-8. People get valid identity numbers (GB 11643 check character) whose birth
date and sex agree with the 出生日期 and 性别 columns.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from deliberate.idnumber import check_character
from deliberate.periods import add_years

__all__ = ["COLUMNS", "Register", "Villager", "first_data_row", "id_number", "make_register", "with_legacy_numbers",
           "write_csv", "write_xlsx"]

COLUMNS = ("序号", "户主姓名", "姓名", "与户主关系", "性别", "身份证号码", "出生日期", "村民小组", "联系电话", "备注")
GROUPS = ("一组", "二组", "三组", "四组", "五组", "六组")
REGION = "330782"  # a county in Zhejiang
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
_GIVEN = "建国秀英志强丽娟文斌春梅德明海燕永红国华玉兰明辉桂芳立新淑珍振华小平晓东金凤宏伟美玲家豪子涵浩然雨欣梓轩欣怡"


def id_number(born: date, male: bool, rng: random.Random, region: str = REGION) -> str:
    """A valid 18-character number for someone born ``born``."""
    sequence = rng.randrange(0, 100) * 10 + rng.choice((1, 3, 5, 7, 9) if male else (0, 2, 4, 6, 8))
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


@dataclass(frozen=True)
class Villager:
    head: str
    name: str
    relation: str
    male: bool
    born: date
    number: str
    group: str
    phone: str
    note: str = ""

    @property
    def sex(self) -> str:
        return "男" if self.male else "女"


@dataclass(frozen=True)
class Register:
    people: tuple[Villager, ...]
    households: int

    def adults(self, on: date) -> int:
        return sum(add_years(p.born, 18) <= on for p in self.people)


def _day(rng: random.Random, first: int, last: int) -> date:
    start = date(first, 1, 1)
    return start + timedelta(days=rng.randrange((date(last, 12, 31) - start).days))


def make_register(households: int = 450, people: int = 1500, seed: int = 11) -> Register:
    """``people`` villagers in ``households`` households, spread over six villager groups."""
    rng = random.Random(seed)
    sizes = [1] * households
    for _ in range(people - households):
        sizes[rng.randrange(households)] += 1
    used: set[str] = set()
    out: list[Villager] = []

    def name(surname: str) -> str:
        while True:
            made = surname + "".join(rng.sample(_GIVEN, rng.choice((1, 2))))
            if made not in used:
                used.add(made)
                return made

    for h, size in enumerate(sizes):
        group = GROUPS[h * len(GROUPS) // households]
        surname = rng.choice(_SURNAMES)
        head_male = rng.random() < 0.85
        head_born = _day(rng, 1940, 1985)
        head = name(surname)
        members = [("户主", head, head_male, head_born)]
        if size > 1:
            members.append(("妻" if head_male else "夫", name(rng.choice(_SURNAMES)), not head_male,
                            _day(rng, head_born.year - 3, min(head_born.year + 3, 1990))))
        for _ in range(size - len(members)):
            male = rng.random() < 0.5
            members.append(("子" if male else "女", name(surname), male,
                            _day(rng, min(head_born.year + 20, 2024), min(head_born.year + 40, 2025))))
        for relation, who, male, born in members:
            out.append(Villager(head, who, relation, male, born, id_number(born, male, rng), group,
                                f"1{rng.randrange(30, 90)}{rng.randrange(10**8):08d}"))
    return Register(tuple(out), households)


def with_legacy_numbers(register: Register, count: int) -> Register:
    """The register with the first ``count`` people born before 2000 holding old 15-digit numbers."""
    people = list(register.people)
    changed = 0
    for i, p in enumerate(people):
        if changed < count and p.born.year < 2000:
            people[i] = replace(p, number=p.number[:6] + p.number[8:17])
            changed += 1
    return Register(tuple(people), register.households)


def _cells(p: Villager, n: int, head_row: bool, dates: str) -> list[object]:
    born: object = p.born if dates == "cell" else f"{p.born:%Y.%m.%d}"
    return [n, p.head if head_row else None, p.name, p.relation, p.sex, p.number, born, p.group, p.phone, p.note]


def write_xlsx(register: Register, path: Path, *, title: bool = True, merged: bool = True) -> Path:
    """The township's template: title (row 1), 填报单位 (row 2), a two-row header (rows 3–4) with
    序号/户主姓名/村民小组/联系电话/备注 merged over both rows and 家庭成员信息 over the five columns
    of a member, the data from row 5, the head's name merged down its household, and a footer."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "花名册"
    top = 1
    if title:
        sheet.append(["金町村户籍花名册（2026年）"])
        sheet.merge_cells("A1:J1")
        sheet.append(["填报单位：金町村村民委员会"] + [None] * 4 + ["填报日期：2026年3月1日"])
        sheet.merge_cells("A2:E2")
        sheet.merge_cells("F2:J2")
        top = 3
    if merged:
        sheet.append(["序号", "户主姓名", "家庭成员信息", None, None, None, None, "村民小组", "联系电话", "备注"])
        sheet.append([None, None, "姓  名", "与户主关系", "性别", "身份证号码", "出生日期", None, None, None])
        for column in "ABHIJ":
            sheet.merge_cells(f"{column}{top}:{column}{top + 1}")
        sheet.merge_cells(f"C{top}:G{top}")
        first = top + 2
    else:
        sheet.append(list(COLUMNS))
        first = top + 1
    row, start = first, first
    for n, p in enumerate(register.people, start=1):
        if p.relation == "户主" and row > start:
            if merged and row - 1 > start:
                sheet.merge_cells(f"B{start}:B{row - 1}")
            start = row
        sheet.append(_cells(p, n, head_row=p.relation == "户主" or not merged, dates="cell"))
        sheet.cell(row, 6).number_format = "@"  # the identity number is text
        row += 1
    if merged and row - 1 > start:
        sheet.merge_cells(f"B{start}:B{row - 1}")
    sheet.append(["制表人：李文书        审核人：王书记"])
    sheet.merge_cells(f"A{row}:J{row}")
    book.save(path)
    return path


def first_data_row(title: bool = True, merged: bool = True) -> int:
    """The spreadsheet row of the first person in :func:`write_xlsx`'s file."""
    return (3 if title else 1) + (2 if merged else 1)


def write_csv(register: Register, path: Path, *, encoding: str = "utf-8", title: bool = True,
              heads: str = "first") -> Path:
    """The register as CSV (GBK as Excel in China saves it, ``utf-8-sig`` with a byte order mark,
    or ``utf-8``): a title line, the header, a row per person — the head's name on the head's
    row only (``heads="first"``, as a merged cell exports) or on every row (``"all"``)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if title:
        writer.writerow(["金町村户籍花名册（2026年）"])
    writer.writerow(COLUMNS)
    for n, p in enumerate(register.people, start=1):
        writer.writerow(_cells(p, n, head_row=heads == "all" or p.relation == "户主", dates="text"))
    path.write_bytes(out.getvalue().encode(encoding))
    return path
