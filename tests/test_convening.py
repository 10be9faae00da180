"""Requisitions (组织法 第21、26条) and the notice a sitting needs."""

from __future__ import annotations

from datetime import date

import pytest

from deliberate import InvalidNumbers, InvalidRule, NoticeTooShort, rules
from deliberate.convening import check_notice, requisition


@pytest.mark.parametrize(("name", "of", "below", "at"), [
    ("villagers_meeting_by_villagers", 1200, 119, 120),  # 1/10 以上
    ("villagers_meeting_by_villagers", 1201, 120, 121),
    ("villagers_meeting_by_representatives", 30, 9, 10),  # 1/3 以上
    ("villagers_meeting_by_representatives", 31, 10, 11),
    ("representatives_meeting_by_representatives", 30, 5, 6),  # 1/5 以上
    ("representatives_meeting_by_representatives", 26, 5, 6),
])
def test_requisition_boundaries(name, of, below, at):
    r = requisition(name)
    assert not r.met(below, of)
    assert r.met(at, of) and r.met(at + 1, of)
    assert r.required(of) == at
    assert "第二十" in str(r.citation)


def test_requisition_refuses_impossible_numbers():
    with pytest.raises(InvalidNumbers):
        requisition("villagers_meeting_by_villagers").met(11, 10)
    with pytest.raises(InvalidNumbers):
        requisition("villagers_meeting_by_villagers").met(-1, 10)
    with pytest.raises(InvalidRule):
        requisition("by_petition")


def test_villagers_meeting_needs_ten_days_and_the_error_names_the_statute():
    rule = rules.preset("villagers_meeting")
    check_notice(rule, date(2026, 11, 1), date(2026, 11, 12))
    with pytest.raises(NoticeTooShort) as info:
        check_notice(rule, date(2026, 11, 1), date(2026, 11, 11))
    assert "第二十一条" in str(info.value) and "2026-11-12" in str(info.value)
    assert "art. 21" in info.value.message("en")
    assert "villagers' meeting" in info.value.message("en")


def test_bodies_without_a_national_notice_rule_are_not_checked_unless_configured():
    rule = rules.preset("representatives_meeting")
    check_notice(rule, date(2026, 11, 1), date(2026, 11, 1))
    shandong = rule.replace(notice_days=5)
    with pytest.raises(NoticeTooShort):
        check_notice(shandong, date(2026, 11, 1), date(2026, 11, 6))
    check_notice(shandong, date(2026, 11, 1), date(2026, 11, 7))
