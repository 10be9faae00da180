"""Requisitions (组织法 第21、26条) and the notice a sitting needs."""

from __future__ import annotations

from datetime import date

import pytest

from deliberate import InvalidNumbers, InvalidRule, NoticeTooShort, rules
from deliberate.convening import check_notice, requisition
from deliberate.errors import DateOrderError


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


@pytest.mark.parametrize(("name", "article", "en"), [
    ("villagers_meeting_by_villagers", "第二十一条", "art. 21"),
    ("villagers_meeting_by_representatives", "第二十一条", "art. 21"),
    ("representatives_meeting_by_representatives", "第二十六条", "art. 26"),
])
def test_requisitions_cite_their_articles(name, article, en):
    r = requisition(name)
    assert article in r.citation.text() and r.citation.text("en").endswith(en)


def test_a_requisition_signed_by_everyone_who_could_sign_is_met():
    for name in ("villagers_meeting_by_villagers", "villagers_meeting_by_representatives",
                 "representatives_meeting_by_representatives"):
        assert requisition(name).met(26, 26)
        assert requisition(name).met(1, 1)
    assert not requisition("representatives_meeting_by_representatives").met(0, 26)


def test_requisition_refusals_name_the_field():
    r = requisition("villagers_meeting_by_villagers")
    with pytest.raises(InvalidNumbers) as info:
        r.met(27, 26)
    assert info.value.key == "err_exceeds" and info.value.fields["field"] == "signers"
    assert info.value.fields["limit"] == 26
    with pytest.raises(InvalidNumbers) as info:
        r.met(1, -1)
    assert info.value.fields["field"] == "of"
    with pytest.raises(InvalidNumbers) as info:
        r.required(-1)
    assert info.value.fields["field"] == "of"
    with pytest.raises(InvalidRule) as info:
        requisition("by_petition")
    assert info.value.key == "err_unknown_preset" and "villagers_meeting_by_villagers" in str(info.value)


def test_zero_days_notice_needs_the_meeting_after_the_notice_day():
    rule = rules.preset("representatives_meeting").replace(notice_days=0)
    check_notice(rule, date(2026, 11, 1), date(2026, 11, 2))
    with pytest.raises(NoticeTooShort):
        check_notice(rule, date(2026, 11, 1), date(2026, 11, 1))


def test_a_notice_error_cites_the_rule_when_it_has_no_notice_citation():
    rule = rules.preset("representatives_meeting").replace(notice_days=5)
    assert rule.notice_citation is None
    with pytest.raises(NoticeTooShort) as info:
        check_notice(rule, date(2026, 11, 1), date(2026, 11, 6))
    assert info.value.key == "err_notice_too_short"
    assert info.value.fields["citation"] == rule.citation and "第二十六条" in str(info.value)
    assert info.value.fields["days"] == 5 and info.value.fields["earliest"] == "2026-11-07"
    villagers = rules.preset("villagers_meeting")
    with pytest.raises(NoticeTooShort) as info:
        check_notice(villagers, date(2026, 11, 1), date(2026, 11, 2))
    assert info.value.fields["citation"] == villagers.notice_citation
    assert info.value.fields["body"] is villagers.body


def test_a_rule_without_notice_days_is_never_checked_for_length_but_never_after_the_meeting():
    check_notice(object(), date(2026, 11, 1), date(2026, 11, 1))  # told the same day: allowed
    check_notice(rules.preset("branch_committee"), date(2026, 10, 31), date(2026, 11, 1))
    for rule in (object(), rules.preset("branch_committee"), rules.preset("villagers_meeting")):
        with pytest.raises(DateOrderError, match="晚于会议日期"):
            check_notice(rule, date(2026, 11, 5), date(2026, 11, 1))
