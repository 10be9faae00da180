"""Reading the roster a village already has: a household register or a voter list, in Excel or CSV.

The files are made here (tests/registers.py): 1,500 people in 450 households, a title row and a
"填报单位" line above a two-row header with merged cells, the head's name merged down each
household, a footer; the same register as CSV in GBK and in UTF-8 with and without a byte order
mark. Rows are numbered as the spreadsheet shows them.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest
from registers import first_data_row, id_number, make_register, with_legacy_numbers, write_csv, write_xlsx

from deliberate.roster import Roster, Sex
from deliberate.store.roster_file import FileProblem, ParsedRoster, parse_rows, read_roster_file

KEY = bytes(range(32))
ON = date(2026, 3, 1)
REGISTER = make_register()


def _read(path: Path, key: bytes = KEY) -> ParsedRoster:
    return read_roster_file(path, key=key, on=ON)


def _rows(header: list[str], *rows: list[object]) -> ParsedRoster:
    return parse_rows(header, ((n, r) for n, r in enumerate(rows, start=2)), key=KEY, on=ON)


@pytest.fixture(scope="module")
def workbook(tmp_path_factory) -> Path:
    return write_xlsx(REGISTER, tmp_path_factory.mktemp("register") / "花名册.xlsx")


def test_a_register_workbook_of_1500_people_in_450_households(workbook):
    parsed = _read(workbook)
    assert parsed.errors == [] and parsed.rows == 1500
    assert len(parsed.people) == 1500 and len(parsed.households) == 450
    assert (parsed.sheet, parsed.header_line, parsed.above) == ("花名册", 4, (1, 2))
    assert parsed.ignored == ("序号", "联系电话", "备注")
    assert [str(s) for s in parsed.skipped] == ["第1505行：不是村民（“制表人：李文书        审核人：王书记”），已略过"]
    assert (parsed.id_numbers, parsed.legacy_id_numbers, parsed.derived_ids, parsed.households_inferred) == \
        (1500, 0, True, True)
    roster = Roster(parsed.people, parsed.households.values())
    assert len(roster.adults(ON)) == REGISTER.adults(ON)
    # Each household is the register's: its head's name, its size, its members' group.
    by_household: dict[str, list] = {}
    for person in parsed.people:
        by_household.setdefault(person.household, []).append(person)
    expected: dict[str, int] = {}
    for v in REGISTER.people:
        expected[v.head] = expected.get(v.head, 0) + 1
    assert sorted((parsed.households[h].name, len(p)) for h, p in by_household.items()) == \
        sorted((f"{head}户", n) for head, n in expected.items())
    # Birth date and sex come from the identity number and agree with the columns.
    truth = {v.name: v for v in REGISTER.people}
    for person in parsed.people:
        v = truth[person.name]
        assert (person.birth_date, person.sex is Sex.MALE, person.group) == (v.born, v.male, v.group)


def test_the_same_register_as_csv_in_gbk_and_utf8_reads_the_same(workbook, tmp_path):
    base = _read(workbook)
    ids = sorted((p.id, p.household) for p in base.people)
    for encoding, heads in (("gbk", "first"), ("utf-8-sig", "all"), ("utf-8", "first"), ("gb18030", "all")):
        path = write_csv(REGISTER, tmp_path / f"r-{encoding}.csv", encoding=encoding, heads=heads)
        parsed = _read(path)
        assert parsed.errors == [], (encoding, parsed.errors[:3])
        assert (parsed.header_line, parsed.above) == (2, (1,))
        # Stable ids: the same people and households, whatever the file's format.
        assert sorted((p.id, p.household) for p in parsed.people) == ids, encoding


def test_ids_do_not_depend_on_the_order_of_rows_or_on_the_key_being_shown(tmp_path):
    small = make_register(households=12, people=40, seed=3)
    first = _read(write_csv(small, tmp_path / "a.csv", heads="all"))
    shuffled = list(small.people)
    random.Random(1).shuffle(shuffled)
    moved = _read(write_csv(type(small)(tuple(shuffled), 12), tmp_path / "b.csv", heads="all"))
    assert moved.errors == []
    assert {(p.name, p.id, p.household) for p in moved.people} == {(p.name, p.id, p.household) for p in first.people}
    other_key = _read(tmp_path / "a.csv", key=b"another key of 32 bytes........")
    assert not {p.id for p in other_key.people} & {p.id for p in first.people}  # keyed: unguessable without it
    for person in first.people:
        assert person.id.startswith("R") and len(person.id) == 11 and person.name not in person.id


def test_a_title_row_and_merged_header_cells_without_the_template(tmp_path):
    small = make_register(households=5, people=15, seed=5)
    plain = _read(write_xlsx(small, tmp_path / "plain.xlsx", title=False, merged=False))
    merged = _read(write_xlsx(small, tmp_path / "merged.xlsx", title=False, merged=True))
    titled = _read(write_xlsx(small, tmp_path / "titled.xlsx", title=True, merged=False))
    for parsed, line in ((plain, 1), (merged, 2), (titled, 3)):
        assert parsed.errors == [] and len(parsed.people) == 15 and len(parsed.households) == 5
        assert parsed.header_line == line
    assert {p.id for p in plain.people} == {p.id for p in merged.people} == {p.id for p in titled.people}


def _one_wrong(tmp_path: Path, index: int, **change: object) -> tuple[ParsedRoster, int]:
    from dataclasses import replace

    people = list(REGISTER.people[:30])
    people[index] = replace(people[index], **change)
    small = type(REGISTER)(tuple(people), 0)
    return _read(write_xlsx(small, tmp_path / "one.xlsx")), first_data_row() + index


def test_a_wrong_birth_date_or_sex_is_reported_on_its_excel_row(tmp_path):
    v = REGISTER.people[7]
    parsed, row = _one_wrong(tmp_path, 7, number=id_number(date(v.born.year, 1, 1) if v.born.month != 1 else
                                                           date(v.born.year, 2, 1), v.male, random.Random(0)))
    assert [e.line for e in parsed.errors] == [row]
    assert "出生日期" in parsed.errors[0].reason and "与身份证号码不符" in parsed.errors[0].reason
    parsed, row = _one_wrong(tmp_path, 11, male=not REGISTER.people[11].male)
    assert [e.line for e in parsed.errors] == [row]
    assert parsed.errors[0].reason.startswith("性别")
    assert "与身份证号码不符（身份证号码表明是" in parsed.errors[0].reason
    assert REGISTER.people[11].number not in str(parsed.errors[0])


def test_a_slip_in_a_number_is_reported_without_repeating_the_number(tmp_path):
    number = REGISTER.people[4].number
    slip = number[:15] + str((int(number[15]) + 1) % 10) + number[16:]  # a sequence digit
    parsed, row = _one_wrong(tmp_path, 4, number=slip)
    assert [str(e) for e in parsed.errors] == [f"第{row}行：身份证号码的校验位不符（多半是抄错了一位）"]
    assert len(parsed.people) == 29


def test_numbers_excel_has_damaged_are_named_as_such(tmp_path):
    v = REGISTER.people[0]
    header = ["户主姓名", "姓名", "与户主关系", "身份证号码"]
    as_number = _rows(header, [v.name, v.name, "户主", float(v.number[:17] + "0")])
    assert "被存成了数字" in as_number.errors[0].reason
    as_text = _rows(header, [v.name, v.name, "户主", "3.30782E+17"])
    assert "科学计数法" in as_text.errors[0].reason
    old = v.number[:6] + v.number[8:17]
    if v.born.year < 2000:
        legacy = _rows(header, [v.name, v.name, "户主", int(old)])  # 15 digits survive a number cell
        assert legacy.errors == [] and legacy.legacy_id_numbers == 1


def test_old_15_digit_numbers_are_read_and_counted(tmp_path):
    parsed = _read(write_csv(with_legacy_numbers(make_register(households=20, people=60, seed=9), 4),
                             tmp_path / "old.csv"))
    assert parsed.errors == [] and (parsed.id_numbers, parsed.legacy_id_numbers) == (60, 4)


def test_the_same_number_twice_and_the_same_person_twice_are_refused():
    a, b = REGISTER.people[0], REGISTER.people[1]
    header = ["户主姓名", "姓名", "与户主关系", "性别", "出生日期", "身份证号码"]
    row_a = [a.name, a.name, "户主", a.sex, a.born.isoformat(), a.number]
    twice = _rows(header, row_a, [a.name, b.name, "妻", b.sex, b.born.isoformat(), a.number])
    assert [(e.line, "身份证号码与第2行相同" in e.reason) for e in twice.errors] == [(3, True)]
    again = _rows(header, row_a, [a.name, a.name, "子", a.sex, a.born.isoformat(), ""])
    assert [e.line for e in again.errors] == [3] and "姓名、性别、出生日期都相同" in again.errors[0].reason


@pytest.mark.parametrize("column", ["姓名", "编号", "户主姓名", "村民小组"])
def test_a_number_in_a_column_that_is_kept_is_refused_and_not_repeated(column):
    a = REGISTER.people[0]
    header = ["编号", "户主姓名", "姓名", "与户主关系", "性别", "出生日期", "村民小组"]
    row: dict[str, object] = {"编号": "JD1", "户主姓名": a.name, "姓名": a.name, "与户主关系": "户主", "性别": a.sex,
                              "出生日期": a.born.isoformat(), "村民小组": "一组"}
    row[column] = f"{row[column]}{a.number}" if column != "编号" else a.number
    parsed = _rows(header, [row[h] for h in header])
    assert len(parsed.errors) == 1 and f"{column}中有身份证号码" in parsed.errors[0].reason
    assert a.number not in str(parsed.errors[0]) and not parsed.people


def test_extra_columns_are_listed_and_do_not_stop_the_import():
    parsed = _rows(["编号", "姓名", "性别", "出生日期", "户号", "身高", "民族", ""],
                   ["JD1", "王五", "男", "1960-01-01", "H1", "180", "汉", "无名列的内容"])
    assert parsed.errors == [] and parsed.ignored == ("身高", "民族", "H列（无列名）")


def test_a_templates_numbered_blank_rows_and_notes_are_passed_over_quietly():
    a = REGISTER.people[0]
    parsed = _rows(["序号", "户主姓名", "姓名", "与户主关系", "身份证号码", "备注"],
                   [1, a.name, a.name, "户主", a.number, ""], [2, "", "", "", "", ""], [3, "", "", "", "", "已核"],
                   ["制表人：李文书", "", "", "", "", ""], ["一组", "一组", "一组", "一组", "一组", "一组"])
    assert parsed.errors == [] and len(parsed.people) == 1 and parsed.rows == 1
    assert [str(s) for s in parsed.skipped] == ["第6行：不是村民（“一组”），已略过"]  # a banner is listed


def test_headers_are_read_through_spaces_hints_and_synonyms():
    a = REGISTER.people[0]
    parsed = _rows(["序 号", "户 主", "姓  名", "与户主的关系", "性别（男/女）", "公民身份号码*", "出生年月", "社"],
                   [1, a.name, a.name, "本人", a.sex, a.number, f"{a.born:%Y.%m}", "一社"])
    assert parsed.errors == [], parsed.errors
    assert parsed.people[0].group == "一社" and parsed.ignored == ("序号",)
    wrong_month = _rows(["户主姓名", "姓名", "与户主关系", "身份证号码", "出生年月"],
                        [a.name, a.name, "户主", a.number, f"{a.born.year}.{a.born.month % 12 + 1:02d}"])
    assert "出生日期" in wrong_month.errors[0].reason
    no_day = _rows(["户主姓名", "姓名", "与户主关系", "性别", "出生年月"], [a.name, a.name, "户主", a.sex, "1968.03"])
    assert "只有年月" in no_day.errors[0].reason


def test_the_current_roster_format_reads_as_before():
    sample = Path(__file__).resolve().parent.parent / "examples" / "roster.csv"
    parsed = read_roster_file(sample)  # no key needed: the file numbers people and households
    assert parsed.errors == [] and len(parsed.people) == 14 and not parsed.derived_ids
    assert [p.id for p in parsed.people][:2] == ["JD001", "JD002"] and parsed.ignored == ()
    assert len(parsed.memberships) and len(parsed.seats) and len(parsed.representations)


def _households(parsed: ParsedRoster) -> list[list[str]]:
    members: dict[str, list[str]] = {}
    for p in parsed.people:
        members.setdefault(p.household, []).append(p.name)
    return sorted(members.values())


def test_households_from_the_relation_column_alone():
    header = ["姓名", "与户主关系", "性别", "出生日期"]
    parsed = _rows(header, ["王一", "户主", "男", "1960-01-01"], ["李二", "妻", "女", "1962-01-01"],
                   ["王三", "户主", "男", "1970-01-01"], ["王四", "子", "男", "2000-01-01"])
    assert _households(parsed) == [["王一", "李二"], ["王三", "王四"]]
    before = _rows(header, ["李二", "妻", "女", "1962-01-01"], ["王一", "户主", "男", "1960-01-01"])
    assert [(e.line, "前面没有户主行" in e.reason) for e in before.errors] == [(2, True)]
    blank = _rows(header, ["王一", "户主", "男", "1960-01-01"], ["李二", "", "女", "1962-01-01"])
    assert "与户主关系是空的" in blank.errors[0].reason


def test_households_from_the_heads_name_in_any_order():
    header = ["户主姓名", "姓名", "性别", "出生日期", "村民小组"]
    parsed = _rows(header, ["王一", "李二", "女", "1962-01-01", "一组"], ["王三", "王三", "男", "1970-01-01", "一组"],
                   ["王一", "王一", "男", "1960-01-01", "一组"], ["赵五", "赵六", "男", "2001-01-01", "二组"])
    assert parsed.errors == []
    assert _households(parsed) == [["李二", "王一"], ["王三"], ["赵六"]]  # 赵五 is not in the file
    assert {h.name for h in parsed.households.values()} == {"王一户", "王三户", "赵五户"}


def test_two_heads_of_one_name_are_told_apart_by_order_or_refused():
    header = ["户主姓名", "姓名", "与户主关系", "性别", "出生日期", "村民小组"]
    rows = [["王一", "王一", "户主", "男", "1960-01-01", "一组"], ["", "李二", "妻", "女", "1962-01-01", ""],
            ["王一", "王一", "户主", "男", "1971-05-05", "一组"], ["", "王小", "子", "男", "2001-01-01", ""]]
    parsed = _rows(header, *rows)
    assert parsed.errors == [] and _households(parsed) == [["王一", "李二"], ["王一", "王小"]]
    assert len(parsed.households) == 2
    stray = _rows(header, *rows, ["刘七", "刘七", "户主", "男", "1950-01-01", "一组"],
                  ["王一", "王大", "子", "男", "1999-01-01", "一组"])
    assert [e.line for e in stray.errors] == [7] and "无法判断属于哪一户" in stray.errors[0].reason


def test_a_bad_head_row_takes_its_household_with_it():
    header = ["户主姓名", "姓名", "与户主关系", "性别", "出生日期"]
    parsed = _rows(header, ["王一", "王一", "户主", "男", "1960-01-01"],
                   ["张三", "李二", "户主", "女", "1962-01-01"], ["", "李小", "子", "男", "1990-01-01"])
    assert [e.line for e in parsed.errors] == [3, 4]
    assert "所在户的户主行（第3行）有误" in parsed.errors[1].reason
    assert [p.name for p in parsed.people] == ["王一"]


@pytest.mark.parametrize(("rows", "message"), [
    ([], "文件是空的"),
    ([["金町村户籍花名册"], ["序号", "备注"]], "找不到表头"),
    ([["姓名", "性别"], ["张三", "男"]],
     "缺少必需的列：出生日期（或身份证号码）、户号（或户主姓名、与户主关系，用来分户）"),
    ([["姓名", "姓名", "性别"], ["张三", "张三", "男"]], "A列和B列都是“姓名”"),
])
def test_a_file_that_cannot_be_read_says_why_in_chinese(tmp_path, rows, message):
    import csv

    path = tmp_path / "bad.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    parsed = _read(path)
    assert not parsed.people and parsed.header_refused
    assert message in str(parsed.errors[0]) and str(parsed.errors[0]).startswith("第")


def test_files_that_are_not_tables_are_refused_plainly(tmp_path):
    for name, content, words in (("r.xls", b"\xd0\xcf\x11\xe0", "Excel 97-2003"), ("r.txt", b"x", "不支持的文件类型"),
                                 ("r.xlsx", b"not a workbook", "不是有效的Excel工作簿")):
        with pytest.raises(FileProblem, match=words):
            _read(_write(tmp_path, name, content))


def _write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path
