"""Identity numbers (GB 11643-1999): the check character, read back, and every one-character slip caught."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deliberate.errors import InvalidInput
from deliberate.idnumber import (
    IdProblem,
    InvalidIdNumber,
    canonical_id_number,
    check_character,
    contains_id_number,
    normalize_id_number,
    read_id_number,
)
from deliberate.roster import Sex

PROVINCES = [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53,
             54, 61, 62, 63, 64, 65, 71, 81, 82, 83]


@st.composite
def numbers(draw):
    """(number, birth date, sex) for a valid 18-character number."""
    region = f"{draw(st.sampled_from(PROVINCES)):02d}{draw(st.integers(0, 9999)):04d}"
    born = draw(st.dates(date(1900, 1, 1), date(2026, 12, 31)))
    sequence = draw(st.integers(0, 999))
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17), born, Sex.MALE if sequence % 2 else Sex.FEMALE


def test_the_standards_example():
    # GB 11643-1999 prints 11010519491231002X: a woman born 1949-12-31 in 北京市朝阳区.
    number = read_id_number("11010519491231002X")
    assert (number.birth_date, number.sex, number.legacy) == (date(1949, 12, 31), Sex.FEMALE, False)
    assert read_id_number("11010519491231002x") == number  # the X typed lower-case


@given(numbers())
def test_a_valid_number_reads_back_its_birth_date_and_sex(case):
    number, born, sex = case
    read = read_id_number(number)
    assert (read.birth_date, read.sex, read.legacy) == (born, sex, False)
    assert canonical_id_number(number) == number
    assert contains_id_number(f"身份证：{number}。") and not contains_id_number(number[:-1])


@given(numbers(), st.integers(0, 17), st.sampled_from("0123456789X"))
def test_any_one_character_changed_is_caught(case, position, replacement):
    number = case[0]
    changed = number[:position] + replacement + number[position + 1:]
    if changed == number:
        return
    with pytest.raises(InvalidIdNumber) as caught:
        read_id_number(changed)
    # MOD 11-2 catches the slip wherever it is; a slip in the region or the date may be caught first.
    assert caught.value.problem in (IdProblem.CHECK, IdProblem.CHARACTERS, IdProblem.REGION, IdProblem.BIRTH_DATE)
    assert changed not in caught.value.message() and changed not in caught.value.message("en")


@given(numbers(), st.integers(0, 16))
def test_two_neighbours_swapped_are_caught(case, position):
    number = case[0]
    swapped = number[:position] + number[position + 1] + number[position] + number[position + 2:]
    if swapped != number:
        with pytest.raises(InvalidIdNumber):
            read_id_number(swapped)


@given(numbers())
def test_an_old_15_digit_number_reads_as_its_18_digit_form(case):
    number, born, sex = case
    if not 1900 <= born.year <= 1999:
        return
    old = number[:6] + number[8:17]
    read = read_id_number(old)
    assert (read.birth_date, read.sex, read.legacy) == (born, sex, True)
    assert canonical_id_number(old) == number  # the GB 11643-1999 upgrade: 19 and a check character


@pytest.mark.parametrize(("text", "problem"), [
    ("1101051949123100", IdProblem.LENGTH),
    ("11010519491231002XX", IdProblem.LENGTH),
    ("1101051949123100X2", IdProblem.CHARACTERS),
    ("9901051949123100 2X", IdProblem.REGION),
    ("110105194902300021", IdProblem.BIRTH_DATE),  # 30 February
    ("110105189912310021", IdProblem.BIRTH_DATE),  # before 1900
    ("110105491231002", None),
    ("110105490231002", IdProblem.BIRTH_DATE),
])
def test_what_is_wrong_is_named(text, problem):
    if problem is None:
        assert read_id_number(text).legacy
        return
    with pytest.raises(InvalidIdNumber) as caught:
        read_id_number(text)
    assert caught.value.problem is problem
    assert isinstance(caught.value, InvalidInput)
    for lang in ("zh_Hans", "zh_Hant", "en"):
        assert caught.value.message(lang) and "1101" not in caught.value.message(lang)


def test_a_birth_date_after_today_is_refused():
    first17 = f"110105{date(2026, 6, 2):%Y%m%d}002"
    number = first17 + check_character(first17)
    assert read_id_number(number, on=date(2026, 6, 2)).birth_date == date(2026, 6, 2)
    with pytest.raises(InvalidIdNumber) as caught:
        read_id_number(number, on=date(2026, 6, 1))
    assert caught.value.problem is IdProblem.BIRTH_DATE


def test_what_spreadsheets_do_to_a_number_is_undone():
    assert normalize_id_number("'11010519491231002x") == "11010519491231002X"
    assert normalize_id_number('="11010519491231002X"') == "11010519491231002X"
    assert normalize_id_number("１１０１０５ １９４９１２３１ ００２Ｘ") == "11010519491231002X"
    assert normalize_id_number("110105\u300019491231002X\t") == "11010519491231002X"


def test_contains_finds_a_number_among_other_text_and_not_other_digits():
    assert contains_id_number("王五 11010519491231002X")
    assert contains_id_number("110105491231002")  # an old one with a real date
    assert not contains_id_number("13912345678")  # a telephone number
    assert not contains_id_number("110105194912310021")  # fails its check
    assert not contains_id_number("JD001")
