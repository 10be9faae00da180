"""Reading a roster table row by row into roster records.

Every row is checked and every reason it fails is reported with its row number; a row that fails
becomes no record. The identity number (身份证号码) of a row is read, checked (GB 11643 check
character) and used for the birth date and sex — cross-checked with the 出生日期 and 性别 columns
when the file has them — and for finding the same number twice in the file; then it is dropped:
no record carries it, and no message repeats it (:func:`.cells.shown`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from deliberate.idnumber import IdNumber, InvalidIdNumber, canonical_id_number, contains_id_number, read_id_number
from deliberate.roster import Committee, Household, PartyMembership, Person, Representation, Seat, Sex
from deliberate.values import unprintable

from . import cells
from .header import HeaderProblem, column_letter, locate_header
from .households import HEAD_WORDS, Draft, Member, assign_households
from .ids import household_id, person_id
from .result import ParsedRoster, RowError
from .table import Table

__all__ = ["parse_rows", "parse_table"]

_PARTY = {"中共党员": "full", "正式党员": "full", "党员": "full", "中共预备党员": "probationary",
          "预备党员": "probationary", "群众": None, "": None}
_COMMITTEES = {"支部委员会": Committee.BRANCH, "党支部": Committee.BRANCH, "支委": Committee.BRANCH,
               "支委会": Committee.BRANCH, "村党组织": Committee.BRANCH,
               "村民委员会": Committee.VILLAGE, "村委会": Committee.VILLAGE, "村委": Committee.VILLAGE,
               "村务监督委员会": Committee.SUPERVISORY, "监委会": Committee.SUPERVISORY,
               "监委": Committee.SUPERVISORY}
_SPLIT = re.compile(r"[、,，;；\s]+")
# Columns whose text is kept, and (ids) written into the public record: never an identity number.
_KEPT = ("编号", "姓名", "户号", "户主姓名", "村民小组", "网格", "任职", "联系户")
_FOOTER = re.compile(r"(制表|填表|填报|审核|审批|负责人|联系人|合计|小计|共计|总计|说明|注[:：])")
_E_NOTATION = re.compile(r"\d(\.\d+)?E\+?\d+", re.IGNORECASE)


@dataclass
class _Row:
    line: int
    get: dict[str, Any]
    problems: list[str] = field(default_factory=list)
    pid: str = ""
    name: str = ""
    sex: Sex | None = None
    birth: date | None = None
    group: str | None = None
    id_number: str | None = None  # canonical, for finding duplicates; dropped with the row


def _missing(cols: dict[str, int]) -> list[str]:
    missing = []
    if "性别" not in cols and "身份证号码" not in cols:
        missing.append("性别（或身份证号码）")
    if "出生日期" not in cols and "身份证号码" not in cols:
        missing.append("出生日期（或身份证号码）")
    if not {"户号", "户主姓名", "与户主关系"} & cols.keys():
        missing.append("户号（或户主姓名、与户主关系，用来分户）")
    return missing


def _not_a_person(values: Sequence[Any], name: str) -> bool:
    """A banner (one value merged across the row, "一组" or a title) or a footer ("制表人：……")."""
    texts = [cells.text(v) for v in values if cells.text(v)]
    if len(set(texts)) == 1 and (len(texts) > 1 or not name):
        return True
    return bool(texts) and _FOOTER.match(texts[0]) is not None and ("：" in texts[0] or ":" in texts[0]
                                                                    or len(set(texts)) == 1)


def _id_number(value: Any, on: date | None, row: _Row) -> IdNumber | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        # A number cell keeps 15 significant digits: an 18-digit number has lost its last ones.
        if float(value).is_integer() and len(str(int(value))) == 15:
            value = str(int(value))
        else:
            row.problems.append("身份证号码被存成了数字，后几位已丢失：请把这一列设为“文本”格式后重新填写")
            return None
    raw = cells.text(value)
    if not raw:
        return None
    if _E_NOTATION.fullmatch(raw.replace(" ", "")):
        row.problems.append("身份证号码被显示成了科学计数法（如1.10105E+17），后几位已丢失：请把这一列设为“文本”格式后重新填写")
        return None
    try:
        found = read_id_number(raw, on=on)
    except InvalidIdNumber as bad:
        row.problems.append(bad.message())
        return None
    row.id_number = canonical_id_number(raw)
    return found


def _identity(row: _Row, cols: dict[str, int], on: date | None, out: ParsedRoster) -> None:
    """Sex and birth date: from the identity number if the row has one (the columns must agree),
    else from the 性别 and 出生日期 columns."""
    number = _id_number(row.get.get("身份证号码"), on, row) if "身份证号码" in cols else None
    given = row.get.get("性别")
    sex = cells.sex(given)
    full, partial = cells.birth_date(row.get.get("出生日期"), row.problems) if "出生日期" in cols else (None, None)
    if number is not None:
        out.id_numbers += 1
        out.legacy_id_numbers += number.legacy
        if sex is not None and sex is not number.sex:
            row.problems.append(f"性别“{cells.shown(given)}”与身份证号码不符（身份证号码表明是{_SEX_WORD[number.sex]}）")
        born = number.birth_date
        if (full is not None and full != born) or (partial is not None and partial != (born.year, born.month)):
            row.problems.append(f"出生日期“{cells.shown(row.get.get('出生日期'))}”与身份证号码不符"
                                f"（身份证号码中是{born.year}年{born.month}月{born.day}日）")
        row.sex, row.birth = number.sex, born
        return
    bad_number = "身份证号码" in cols and cells.text(row.get.get("身份证号码"))
    if "性别" in cols and sex is None and (cells.text(given) or not bad_number):
        row.problems.append(f"性别应填“男”或“女”，收到“{cells.shown(given)}”")
    elif "性别" not in cols and not bad_number:
        row.problems.append("缺少身份证号码（本文件没有性别列）")
    row.sex = sex
    if partial is not None:
        row.problems.append(f"出生日期“{cells.shown(row.get.get('出生日期'))}”只有年月，又没有身份证号码可以补全")
    elif full is None and "出生日期" in cols and not cells.text(row.get.get("出生日期")) and not bad_number:
        row.problems.append("缺少出生日期")
    elif "出生日期" not in cols and not bad_number and "性别" in cols:
        row.problems.append("缺少身份证号码（本文件没有出生日期列）")
    if full is not None and on is not None and full > on:
        row.problems.append("出生日期晚于今天")
    row.birth = full


_SEX_WORD = {Sex.MALE: "男", Sex.FEMALE: "女"}


def _read_row(line: int, values: Sequence[Any], cols: dict[str, int], on: date | None,
              out: ParsedRoster) -> _Row:
    row = _Row(line, {c: values[i] if i < len(values) else None for c, i in cols.items()})
    for column, value in row.get.items():
        if isinstance(value, str) and unprintable(value.strip(), one_line=True):
            row.problems.append(f"{column}含有控制字符、换行或改变文字方向的字符（如U+202E）")
    for column in _KEPT:
        if column in cols and contains_id_number(cells.text(row.get[column])):
            row.problems.append(f"{column}中有身份证号码：这一列会保存下来（编号还会写进公开记录），"
                                "身份证号码只能放在“身份证号码”列")
    row.pid = cells.text(row.get.get("编号"))
    row.name = cells.name_text(row.get.get("姓名"))
    for column, value in (("编号", row.pid), ("姓名", row.name), ("户号", cells.text(row.get.get("户号")))):
        if column in cols and not value:
            row.problems.append(f"缺少{column}")
    _identity(row, cols, on, out)
    row.group = cells.text(row.get.get("村民小组")) or None
    return row


def _records(row: _Row, cols: dict[str, int], household: str, out: ParsedRoster,
             served: list[tuple[int, Representation, frozenset[str]]]) -> Person | None:
    """The row's person, membership, seats and representation; None (and its problems reported)
    if any of them is bad."""
    get, problems = row.get, row.problems
    left = cells.full_date(get.get("迁出日期"), "迁出日期", False, problems)
    party_text = cells.text(get.get("政治面貌"))
    if party_text not in _PARTY:
        problems.append(f"政治面貌“{cells.shown(party_text)}”无法识别（中共党员、中共预备党员或群众）")
    party = _PARTY.get(party_text)
    admitted = cells.full_date(get.get("入党日期"), "入党日期", party is not None, problems)
    full_on = cells.full_date(get.get("转正日期"), "转正日期", party == "full", problems)
    if party == "probationary" and full_on is not None:
        problems.append("预备党员不应有转正日期")
    if admitted and full_on and full_on < admitted:
        problems.append("转正日期早于入党日期")
    seats_text = cells.text(get.get("任职"))
    seat_start = cells.full_date(get.get("任职日期"), "任职日期", bool(seats_text), problems)
    seats = []
    for item in filter(None, _SPLIT.split(seats_text)):
        committee_name, _, role = item.partition(":") if ":" in item else item.partition("：")
        committee = _COMMITTEES.get(committee_name)
        if committee is None:
            problems.append(f"任职“{cells.shown(item)}”中的机构无法识别（支部委员会、村民委员会或村务监督委员会）")
        elif seat_start:
            seats.append(Seat(row.pid, committee, seat_start, role=role or "委员"))
    is_rep = cells.flag(get.get("村民代表"), "村民代表", problems)
    rep_start = cells.full_date(get.get("代表起始日期"), "代表起始日期", bool(is_rep), problems)
    collective = cells.flag(get.get("集体经济组织成员"), "集体经济组织成员", problems)
    if "户号" in cols:
        cells.flag(get.get("户主"), "户主", problems)
    if problems:
        return None
    person = Person(row.pid, row.name, row.birth, row.sex, household, row.group,
                    cells.text(get.get("网格")) or None, collective_member=collective is not False, left_on=left)
    if party is not None:
        out.memberships.append(PartyMembership(row.pid, admitted, full_on if party == "full" else None))
    out.seats += seats
    if is_rep:
        served_by = frozenset(filter(None, _SPLIT.split(cells.text(get.get("联系户")))))
        served.append((row.line, Representation(row.pid, rep_start, group=row.group), served_by))
    return person


def _person_ids(rows: list[_Row], key: bytes | None) -> None:
    """Each row's id (its 编号, or derived), and the rows that repeat an id or an identity number."""
    seen: dict[str, int] = {}
    numbers: dict[str, int] = {}
    for row in rows:
        if row.id_number is not None:
            if row.id_number in numbers:
                row.problems.append(f"身份证号码与第{numbers[row.id_number]}行相同")
            numbers.setdefault(row.id_number, row.line)
        if not row.pid and row.name and row.sex and row.birth and key is not None:
            row.pid = person_id(key, row.name, row.sex, row.birth)
            if row.pid in seen:
                row.problems.append(f"与第{seen[row.pid]}行的姓名、性别、出生日期都相同：若是同一人，请删去一行；"
                                    "若是两个人，请加“编号”列，为每人填一个编号")
                continue
        elif row.pid in seen:
            row.problems.append(f"编号“{cells.shown(row.pid)}”与第{seen[row.pid]}行重复")
            continue
        if row.pid and not row.problems:
            seen[row.pid] = row.line


def _is_head(row: _Row) -> bool:
    if cells.name_text(row.get.get("与户主关系")) in HEAD_WORDS:
        return True
    return cells.is_flag(row.get.get("户主")) and cells.flag(row.get.get("户主"), "户主", []) is True


def _name_numbered_households(rows: list[_Row], people: dict[str, Person], out: ParsedRoster) -> None:
    """Households by 户号, named after the row marked 户主 (是, or 与户主关系 户主), else the first."""
    for row in rows:
        person = people.get(row.pid)
        if person is None or (person.household in out.households and not _is_head(row)):
            continue
        out.households[person.household] = Household(person.household, f"{row.name}户", row.group)


def _inferred_households(rows: list[_Row], cols: dict[str, int], key: bytes, out: ParsedRoster
                         ) -> tuple[dict[int, str], dict[str, list[str]]]:
    """Households from 户主姓名 and 与户主关系 (see :mod:`.households`); and household ids by
    the head's name, for a representative's 联系户."""
    _fill_groups(rows)
    members = [Member(r.line, r.name, r.group, cells.name_text(r.get.get("与户主关系")) or None,
                      cells.name_text(r.get.get("户主姓名")) or None) for r in rows]
    placed, refused = assign_households(members, "户主姓名" in cols, "与户主关系" in cols)
    groups = {r.line: r.group for r in rows}
    ids: dict[int, str] = {}
    by_head: dict[str, list[str]] = {}
    made: dict[int, str] = {}
    for row in rows:
        if row.line in refused:
            row.problems.append(refused[row.line])
            continue
        draft: Draft = placed[row.line]
        if id(draft) not in made:
            made[id(draft)] = household_id(key, draft.group, draft.head_name, draft.ordinal)
            by_head.setdefault(draft.head_name, []).append(made[id(draft)])
            group = groups[draft.head_line] if draft.head_line is not None else draft.group
            out.households[made[id(draft)]] = Household(made[id(draft)], f"{draft.head_name}户", group)
        ids[row.line] = made[id(draft)]
    return ids, by_head


def _fill_groups(rows: list[_Row]) -> None:
    """In a register, a blank 村民小组 is the one above (a cell merged down the group's rows)."""
    above = None
    for row in rows:
        row.group = row.group or above
        above = row.group


def _header(table: Table, out: ParsedRoster) -> tuple[dict[str, int], list[tuple[int, Sequence[Any]]]] | None:
    """The columns and the rows under the header; None (the reason in ``out.errors``) if the file
    has no header that can be read."""
    rows = [(n, r) for n, r in table.rows if any(cells.text(v) for v in r)]
    if not rows:
        out.errors.append(RowError(1, "文件是空的"))
        return None
    try:
        header = locate_header(rows)
    except HeaderProblem as problem:
        out.errors.append(RowError(problem.line, problem.reason))
        return None
    data = [(n, r) for n, r in rows if n > header.line]
    cols = dict(header.columns)
    if "户主" in cols and "户主姓名" not in cols and not all(
            cells.is_flag(r[cols["户主"]]) for _, r in data if cols["户主"] < len(r)):
        cols["户主姓名"] = cols.pop("户主")  # a register's 户主 column holds the head's name
    width = max((len(r) for _, r in data), default=0)
    unnamed = tuple(f"{column_letter(i)}列（无列名）" for i in range(width) if i not in header.named
                    and any(i < len(r) and cells.text(r[i]) for _, r in data))
    out.header_line, out.above = header.line, header.above
    out.ignored = tuple(cells.shown(name) for name in header.ignored) + unnamed
    missing = _missing(cols)
    if missing:
        out.errors.append(RowError(header.line, f"缺少必需的列：{'、'.join(missing)}"))
        return None
    return cols, data


def parse_table(table: Table, *, key: bytes | None = None, on: date | None = None) -> ParsedRoster:
    """Read ``table`` (see :mod:`deliberate.store.roster_file`). ``key``: the village's roster
    key, needed when the file has no 编号 or no 户号 (ids are derived under it); ``on``: today,
    after which no one can be born."""
    out = ParsedRoster(sheet=table.sheet)
    found = _header(table, out)
    if found is None:
        return out
    cols, data = found
    out.derived_ids, out.households_inferred = "编号" not in cols, "户号" not in cols
    if (out.derived_ids or out.households_inferred) and key is None:
        raise ValueError("this file has no 编号 or no 户号: reading it needs the village's roster key")
    read: list[_Row] = []
    for line, values in data:
        if not any(i < len(values) and cells.text(values[i]) for i in cols.values()):
            continue  # nothing in any column read: a template's numbered blank row, a note in 备注
        name = cells.text(values[cols["姓名"]]) if cols["姓名"] < len(values) else ""
        if _not_a_person(values, name):
            first = next(cells.text(v) for v in values if cells.text(v))
            out.skipped.append(RowError(line, f"不是村民（“{cells.shown(first)}”），已略过"))
            continue
        read.append(_read_row(line, values, cols, on, out))
    out.rows = len(read)
    if out.households_inferred:
        households, by_head = _inferred_households(read, cols, key, out)  # type: ignore[arg-type]
    else:
        households, by_head = {r.line: cells.text(r.get.get("户号")) for r in read}, {}
    _person_ids(read, key)
    served: list[tuple[int, Representation, frozenset[str]]] = []
    people: dict[str, Person] = {}
    for row in read:
        person = None if row.problems else _records(row, cols, households.get(row.line, ""), out, served)
        if person is None:
            out.errors.append(RowError(row.line, "；".join(row.problems)))
        else:
            out.people.append(person)
            people[person.id] = person
    if not out.households_inferred:
        _name_numbered_households(read, people, out)
    _served(served, by_head, out)
    _drop_empty_households(out)
    return out


def _served(served: list[tuple[int, Representation, frozenset[str]]], by_head: dict[str, list[str]],
            out: ParsedRoster) -> None:
    """Representatives and the households they stand for: 户号s, or in a file without 户号 the
    names of the households' heads."""
    for line, rep, named in served:
        households, unknown = set(), []
        for item in sorted(named):
            if not out.households_inferred and item in out.households:
                households.add(item)
            elif out.households_inferred and len(by_head.get(item, ())) == 1:
                households.add(by_head[item][0])
            else:
                unknown.append(cells.shown(item))
        if unknown and out.households_inferred:
            out.errors.append(RowError(line, f"联系户中的户主不在名册中，或有同名的户主：{'、'.join(unknown)}"))
        elif unknown:
            out.errors.append(RowError(line, f"联系户中的户号不在名册中：{'、'.join(unknown)}"))
        out.representations.append(Representation(rep.person, rep.start, households=frozenset(households),
                                                  group=rep.group))


def _drop_empty_households(out: ParsedRoster) -> None:
    """A household all of whose rows were refused is not imported."""
    used = {p.household for p in out.people}
    for household in [h for h in out.households if h not in used]:
        del out.households[household]


def parse_rows(header: Sequence[Any], rows: Iterable[tuple[int, Sequence[Any]]], *, key: bytes | None = None,
               on: date | None = None) -> ParsedRoster:
    """Read a header (line 1) and ``rows`` numbered from 2, as :func:`parse_table` reads a table."""
    return parse_table(Table(((1, tuple(header)), *((n, tuple(r)) for n, r in rows))), key=key, on=on)
