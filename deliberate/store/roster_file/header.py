"""Finding the header of a roster table, and what each column is.

Villages' registers (户籍花名册) and voter lists are Excel templates: a title row or two above the
header ("XX村户籍花名册", "填报单位：……"), header cells merged over two rows, a group title over
some columns ("户主信息" over 姓名 and 身份证号码), column names padded with spaces ("姓  名") or
carrying a hint ("性别（男/女）"). The header is the first row, among the first 30, that names a
姓名 column and at least one other column this module knows; a row of group titles directly above
it, or of sub-headings directly below it, is read with it. Names are compared without spaces,
full-width forms, a trailing ``*`` or a bracketed hint, and through the synonyms in ``SYNONYMS``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["COLUMNS", "SYNONYMS", "Header", "HeaderProblem", "canonical", "column_letter", "locate_header"]

# The columns a roster file may have, by their names in docs/roster-file.md.
COLUMNS = ("编号", "姓名", "性别", "出生日期", "身份证号码", "户号", "户主", "户主姓名", "与户主关系",
           "村民小组", "网格", "政治面貌", "入党日期", "转正日期", "任职", "任职日期", "村民代表", "联系户",
           "代表起始日期", "集体经济组织成员", "迁出日期")

# Other names for them, as registers, voter lists (选民名单) and household books (户口簿) write them.
SYNONYMS = {
    "编号": ("村民编号", "人员编号", "个人编号"),
    "姓名": ("村民姓名", "成员姓名", "选民姓名", "人员姓名", "家庭成员姓名", "名字"),
    "性别": (),
    "出生日期": ("出生年月", "出生年月日", "出生时间", "生日"),
    "身份证号码": ("身份证号", "公民身份号码", "公民身份证号码", "居民身份证号码", "身份号码", "证件号码",
              "身份证", "身份证件号码"),
    "户号": ("户编号", "户口编号"),
    "户主姓名": ("户主名字",),
    "与户主关系": ("与户主的关系", "与户主关系称谓", "家庭关系", "户内关系", "关系", "称谓"),
    # A villager group is a 社 in Sichuan and Chongqing.
    "村民小组": ("小组", "组别", "村民组", "组", "所属小组", "所在小组", "所属村民小组", "社"),
    "网格": ("所属网格", "网格名称"),
    "入党日期": ("入党时间",),
    "转正日期": ("转正时间",),
    "任职日期": ("任职时间",),
    "村民代表": ("是否村民代表",),
    "代表起始日期": ("代表任期起始日期",),
    "集体经济组织成员": ("是否集体经济组织成员",),
    "迁出日期": ("迁出时间",),
}
_NAMES = {name: name for name in COLUMNS} | {s: name for name, syns in SYNONYMS.items() for s in syns}
# Columns registers have that a roster does not keep: recognised, so that a row of them is read as
# a header, and listed as not imported.
_OTHERS = frozenset({"序号", "联系电话", "电话", "手机", "手机号码", "联系方式", "备注", "民族", "文化程度",
                     "籍贯", "婚姻状况", "户籍地址", "家庭住址", "现住址", "住址", "职业", "工作单位", "户籍性质",
                     "户别", "年龄", "宗教信仰", "健康状况", "兵役状况", "服务处所", "是否外出", "外出地点"})
_SCAN = 30  # rows searched for the header
_HINT = re.compile(r"[(\[（【].*?[)\]）】]")


class HeaderProblem(ValueError):
    """No header, or a header that cannot be read; ``line`` is where it was looked for."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line, self.reason = line, reason


@dataclass(frozen=True)
class Header:
    """``columns``: canonical name → index of its column; ``ignored``: the names (as written)
    of the columns not read; ``named``: the indices of every column with a name; ``line``: the
    header's (last) row; ``above``: rows above the header (titles) passed over."""

    columns: dict[str, int]
    ignored: tuple[str, ...]
    named: frozenset[int]
    line: int
    above: tuple[int, ...]


def _clean(value: Any) -> str:
    text = unicodedata.normalize("NFKC", str(value or ""))
    return "".join(text.split()).strip("*※:：")


def canonical(value: Any) -> str | None:
    """The column ``value`` names (``"姓  名"`` → ``"姓名"``), or None."""
    text = _clean(value)
    return _NAMES.get(text) or _NAMES.get(_HINT.sub("", text))


def _known(value: Any) -> bool:
    text = _clean(value)
    return canonical(text) is not None or text in _OTHERS or _HINT.sub("", text) in _OTHERS


def _is_header(row: Sequence[Any]) -> bool:
    names = {canonical(v) for v in row} - {None}
    return "姓名" in names and len(names) >= 2


def _cell(row: Sequence[Any], i: int) -> Any:
    return row[i] if i < len(row) else None


def _groups_above(upper: Sequence[Any] | None) -> bool:
    """Whether ``upper`` is a row of group titles rather than a title or a line like
    "填报单位：……": at least two different values, none with a colon."""
    if upper is None:
        return False
    values = {_clean(v) for v in upper} - {""}
    return len(values) >= 2 and not any(":" in v or "：" in str(v) for v in upper if v)


def _below(header: Sequence[Any], lower: Sequence[Any] | None) -> bool:
    """Whether ``lower`` holds sub-headings: every cell in it either repeats the header cell above
    (a header cell merged over both rows) or is a known column name, and one is a new name."""
    if lower is None:
        return False
    new = False
    for i, value in enumerate(lower):
        text = _clean(value)
        if not text or text == _clean(_cell(header, i)):
            continue
        if not _known(text):
            return False
        new = True
    return new


def _name(sub: Any, group: Any) -> tuple[str | None, str]:
    """(canonical name, name as written) of a column headed ``sub`` under the group title
    ``group``: a 姓名 under a title about the household head (户主信息) is the head's name; the
    head's other details (户主身份证号码) are not read."""
    written, title = _clean(sub), _clean(group)
    name = canonical(written)
    if title and title != written and "户主" in title and name not in ("户主姓名", "与户主关系", "户号"):
        return ("户主姓名" if name == "姓名" else None), f"{title}/{written}"
    return name, written


def locate_header(rows: Sequence[tuple[int, Sequence[Any]]]) -> Header:
    """The header of ``rows``; HeaderProblem if there is none or two columns claim one name."""
    found = next((i for i, (_, row) in enumerate(rows[:_SCAN]) if _is_header(row)), None)
    if found is None:
        raise HeaderProblem(rows[0][0] if rows else 1,
                            f"找不到表头：前{_SCAN}行中没有一行同时有“姓名”和其他能识别的列"
                            "（如性别、出生日期、身份证号码、户主姓名、户号）")
    line, header = rows[found]
    start = found  # the first row of the header
    upper = rows[found - 1][1] if found and rows[found - 1][0] == line - 1 else None
    if _groups_above(upper):
        start -= 1
    else:
        upper = None
    lower = rows[found + 1][1] if found + 1 < len(rows) and rows[found + 1][0] == line + 1 else None
    if _below(header, lower):
        start, upper, header, line = found, header, lower, line + 1
    columns: dict[str, int] = {}
    ignored: list[str] = []
    named: set[int] = set()
    for i in range(max(len(header), len(upper or ()))):
        sub, group = _cell(header, i), _cell(upper, i) if upper is not None else None
        if not _clean(sub):
            sub, group = group, None
        name, written = _name(sub, group)
        if written:
            named.add(i)
        if name is None:
            if written:
                ignored.append(written)
            continue
        if name in columns:
            raise HeaderProblem(line, f"{column_letter(columns[name])}列和{column_letter(i)}列都是“{name}”："
                                      "请删去一列，或改成不同的列名")
        columns[name] = i
    above = tuple(n for n, row in rows[:start] if any(_clean(v) for v in row))
    return Header(columns, tuple(dict.fromkeys(ignored)), frozenset(named), line, above)


def column_letter(index: int) -> str:
    """Excel's name of the column at ``index`` (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
