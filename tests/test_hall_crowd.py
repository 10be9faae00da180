"""The chair's console with 1,500 people present (issue 11 §3), through Flask's test client: the
attendance counted by villager group, a search that lists a few people and says how many more, a
check-in posted by the console's script answered with the counts and the message only, teller
dropdowns that no longer carry 1,500 names each — and a console whose size does not grow with the
crowd."""

from __future__ import annotations

import re

import pytest
from crowd import ACCOUNTS, PASSWORD, SITTING, VILLAGE, check_in_all, crowd_app, install_crowd

from deliberate import Ledger
from deliberate.store.people import person_groups
from deliberate.usecases import attendance

HALL = f"/v/{VILLAGE}/s/{SITTING}/hall"
HX = {"HX-Request": "true"}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    # CSRF is tested in test_hall_chair.py and test_webui.py; here the forms post without it.
    app = crowd_app(tmp_path_factory.mktemp("crowd") / "crowd.sqlite3", WTF_CSRF_ENABLED=False)
    check_in_all(app.extensions["deliberate"])
    return app


def login(app, username):
    client = app.test_client()
    assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
    return client


@pytest.fixture
def clerk(app):
    return login(app, ACCOUNTS[1][0])


@pytest.fixture
def chair(app):
    return login(app, ACCOUNTS[0][0])


def sitting(app):
    return Ledger(VILLAGE, app.extensions["deliberate"]).state.sittings[SITTING]


def test_the_crowd_is_1500_in_ten_villager_groups(app):
    found = attendance.attendance(app.extensions["deliberate"], VILLAGE, SITTING)
    assert (found.expected, found.present) == (1500, len(sitting(app).present))
    assert [g.group for g in found.groups] == [f"g{n}" for n in range(1, 11)]  # 2 before 10
    assert sum(g.expected for g in found.groups) == 1500
    assert sum(g.present for g in found.groups) == found.present
    assert found.found == () and not found.listed  # no search: no list


def test_counts_by_group_agree_with_the_roster(app):
    store = app.extensions["deliberate"]
    groups = person_groups(store.engine, VILLAGE)
    here = sitting(app).present
    found = attendance.attendance(store, VILLAGE, SITTING)
    for g in found.groups:
        members = [p for p in sitting(app).roster.attendees if groups[p][1] == g.group]
        assert g.expected == len(members)
        assert g.present == sum(p in here for p in members)


def test_the_console_with_1500_present_is_small_and_lists_nobody_unasked(clerk):
    page = clerk.get(HALL).get_data(as_text=True)
    assert len(page.encode()) < 40_000, len(page.encode())  # it was 629 KB listing everyone
    assert "按村民小组统计" in page
    assert page.count('class="group-link"') == 10
    assert "<li id=\"a-" not in page
    assert "1500" in page  # the counts


def test_a_search_by_name_or_number_lists_at_most_30_and_says_how_many_more(app, clerk):
    names = person_groups(app.extensions["deliberate"].engine, VILLAGE)
    page = clerk.get(f"{HALL}/attendees?q=P0150").get_data(as_text=True)  # a number in any case
    assert re.findall(r'<li id="a-([^"]+)"', page) == ["p0150"]
    assert names["p0150"][0] in page and "找到1人" in page
    surname = names["p0001"][0][0]  # a surname many share
    page = clerk.get(f"{HALL}/attendees", query_string={"q": surname}).get_data(as_text=True)
    rows = re.findall(r'<li id="a-([^"]+)"', page)
    sharing = sum(1 for p in sitting(app).roster.attendees if surname in names[p][0])
    assert len(rows) == min(30, sharing) and sharing > 30
    assert f"找到{sharing}人" in page and f"另有{sharing - 30}人未列出" in page


def test_a_group_lists_its_own_people_absent_first(app, clerk):
    names = person_groups(app.extensions["deliberate"].engine, VILLAGE)
    page = clerk.get(f"{HALL}/attendees?group=g3").get_data(as_text=True)
    rows = re.findall(r'<li id="a-([^"]+)" class="(here|away)"', page)
    assert rows and all(names[p][1] == "g3" for p, _ in rows)
    states = [s for _, s in rows]
    assert states == sorted(states, key=lambda s: s == "here")  # the missing first
    # Without the console's script: the console itself, with the group's rows in place.
    page = clerk.get(f"{HALL}?group=g3").get_data(as_text=True)
    assert re.findall(r'<li id="a-([^"]+)"', page) == [p for p, _ in rows]
    assert '<option value="g3" selected>' in page


def test_a_search_that_finds_nobody_says_so_even_a_long_one(clerk):
    page = clerk.get(f"{HALL}/attendees", query_string={"q": "无此人"}).get_data(as_text=True)
    assert "找到0人" in page and "<li" not in page
    # A query longer than any name is not cut short to match something: it finds nobody.
    response = clerk.get(f"{HALL}/attendees", query_string={"q": "p0001" + "x" * 5000})
    assert response.status_code == 200 and "找到0人" in response.get_data(as_text=True)


def test_check_in_by_the_consoles_script_answers_the_counts_and_the_message_only(app, clerk):
    person = sorted(sitting(app).roster.attendees)[-1]
    clerk.post(f"{HALL}/check-out", data={"person": person}, headers=HX)
    before = len(sitting(app).present)
    response = clerk.post(f"{HALL}/check-in", data={"who": person}, headers=HX)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert len(sitting(app).present) == before + 1
    assert "签到成功" in page and 'id="counts" hx-swap-oob="true"' in page
    assert f'<li id="a-{person}" hx-swap-oob="true" class="here">' in page
    assert "<html" not in page and len(page.encode()) < 8_000
    # The same card again: told apart in words, and nothing recorded twice.
    again = clerk.post(f"{HALL}/check-in", data={"who": person}, headers=HX).get_data(as_text=True)
    assert "重复签到" in again and 'class="flash error"' in again
    assert len(sitting(app).present) == before + 1
    # Without the script the same form still posts and lands on the console.
    assert clerk.post(f"{HALL}/check-in", data={"who": "nobody-such"}).status_code == 302


def test_check_out_from_a_search_row_swaps_that_row(app, clerk):
    person = sorted(sitting(app).present)[0]
    page = clerk.post(f"{HALL}/check-out", data={"person": person}, headers=HX).get_data(as_text=True)
    assert "已离场" in page and f'<li id="a-{person}" hx-swap-oob="true" class="away">' in page
    assert person not in sitting(app).present
    clerk.post(f"{HALL}/check-in", data={"who": person}, headers=HX)


def test_teller_dropdowns_offer_the_appointed_and_what_a_search_finds(app, chair):
    found = sitting(app)
    page = chair.get(HALL).get_data(as_text=True)
    section = page[page.index('id="tellers"'):]
    section = section[:section.index("</section>")]
    # No 1,500 names in each: the two appointed (the demo appoints p0009 and p0010), and the blank.
    assert section.count("<option") == 2 * (1 + 2)
    assert section.count(" selected") == 2  # the appointed, named; nobody else is chosen
    names = person_groups(app.extensions["deliberate"].engine, VILLAGE)
    for person in found.counters + found.scrutineers:
        assert names[person][0] in section
    assert 'id="teller_q"' in section
    # A search narrows; what the chair had chosen in the form stays chosen.
    surname = names["p0001"][0][0]
    part = chair.get(f"{HALL}/tellers/choices", query_string={"teller_q": surname, "counter": "p0150",
                                                              "scrutineer": found.scrutineers[0]},
                     headers=HX).get_data(as_text=True)
    values = re.findall(r'<option value="(p\d+)"', part)
    assert len(values) // 2 <= 30 + 3 and "p0150" in values
    assert '<option value="p0150" selected>' in part
    assert all(surname in names[p][0] for p in set(values) - {"p0150", *found.counters, *found.scrutineers})
    # Without the script: the console with ?teller_q= offers the same names.
    page = chair.get(HALL, query_string={"teller_q": surname}).get_data(as_text=True)
    assert page.count("<option") > 2 * (1 + 2)


def test_tellers_can_still_be_changed_to_anyone_present_until_a_card_count(app, chair):
    page = chair.post(f"{HALL}/tellers", data={"counter": "p1234", "scrutineer": "p0010"})
    assert page.status_code == 302
    assert sitting(app).counters == ("p1234",)
    chair.post(f"{HALL}/tellers", data={"counter": "p0009", "scrutineer": "p0010"})
    assert sitting(app).counters == ("p0009",)


def test_a_chair_of_another_village_cannot_search_this_ones_attendees(app):
    """An official of village B on the same server asks for village A's names: refused, by a 403
    that lists nobody (the search reads names and groups, which stay within the village)."""
    from webui.auth import add_account

    store = app.extensions["deliberate"]
    if "other" not in dict(store.villages()):
        store.create_village("other", "别村")
        add_account(store, "otherchair", PASSWORD, {"chair"}, "别村主持人", village="other")
    rival = login(app, "otherchair")
    for path in (f"{HALL}/attendees?q=p0001", f"{HALL}/attendees?group=g1", f"{HALL}/tellers/choices?teller_q=p",
                 f"{HALL}?q=p0001"):
        response = rival.get(path)
        assert response.status_code == 403, path
        assert "p0001" not in response.get_data(as_text=True).replace(path, "")


def test_the_teller_dropdowns_name_nobody_outside_the_sitting(app, chair):
    """Ids passed as "chosen" that are not attendees (made up, or of someone not summoned) are
    not looked up and not offered."""
    store = app.extensions["deliberate"]
    part = chair.get(f"{HALL}/tellers/choices", query_string={"counter": ["p9999", "../x"], "scrutineer": "<b>"},
                     headers=HX).get_data(as_text=True)
    assert "p9999" not in part and "../x" not in part and "<b>" not in part
    assert set(re.findall(r'<option value="([^"]*)"', part)) <= {"", *sitting(app).roster.attendees}
    assert attendance.teller_choices(store, VILLAGE, SITTING, keep=["p9999"]) == \
        attendance.teller_choices(store, VILLAGE, SITTING)


def test_who_may_not_check_people_in_sees_no_buttons(app):
    counter = login(app, ACCOUNTS[2][0])  # a teller sees the console, but checks nobody in
    page = counter.get(f"{HALL}/attendees?q=p0001").get_data(as_text=True)
    assert '<li id="a-p0001"' in page and "<form" not in page


def test_a_stranger_to_the_village_cannot_search_it(app):
    client = app.test_client()
    assert client.get(f"{HALL}/attendees?q=p0001").status_code in (302, 401, 403)
    assert client.get(f"{HALL}/tellers/choices?teller_q=p").status_code in (302, 401, 403)
    clerk = login(app, ACCOUNTS[1][0])  # a clerk checks people in but appoints no tellers
    assert clerk.get(f"{HALL}/tellers/choices?teller_q=p").status_code == 403


def test_counts_and_search_on_each_database(store_url):
    """The same counts and search on SQLite and PostgreSQL ("group" is a reserved word in SQL)."""
    from deliberate.store import open_store

    store = open_store(store_url)
    try:
        install_crowd(store, adults=120, households=40, groups=4)
        check_in_all(store, [f"p{n:04d}" for n in range(1, 61)])
        found = attendance.attendance(store, VILLAGE, SITTING, query="p000")
        assert [(g.group, g.expected) for g in found.groups] == [(f"g{n}", 30) for n in range(1, 5)]
        assert found.present == 60 and sum(g.present for g in found.groups) == 60
        assert {a.person for a in found.found} == {f"p{n:04d}" for n in range(1, 10)}
        offered = [p for p, _ in attendance.teller_choices(store, VILLAGE, SITTING, "p011")]
        assert offered[:2] == sorted(["p0009", "p0010"], key=lambda p: person_groups(store.engine, VILLAGE)[p][0])
        assert set(offered[2:]) == {f"p{n:04d}" for n in range(110, 120)}
    finally:
        store.engine.dispose()


def test_the_group_counts_add_up_to_the_panels_expected_and_present(tmp_path):
    """At a party members' meeting probationary members attend without counting in 应到: the table
    by group counts as the panel does, and those who attend without counting are said apart."""
    from helpers import demo_app, demo_driver

    from deliberate.usecases import attendance, hall

    app = demo_app(tmp_path / "g.sqlite3")
    ledger, _ = demo_driver(app)
    store = app.extensions["deliberate"]
    live = ledger.state.sittings["live"]
    for person in sorted(live.roster.attendees):
        hall.check_in(store, "demo", "live", person, ledger.state.last_at)
    live = ledger.__class__("demo", store).state.sittings["live"]
    counted = attendance.attendance(store, "demo", "live")
    assert (counted.expected, counted.present) == (live.attendance().expected, live.attendance().present)
    assert sum(g.expected for g in counted.groups) == counted.expected
    assert sum(g.present for g in counted.groups) == counted.present
    apart = len(live.roster.attendees - live.roster.voters)
    assert apart > 0 and counted.attending == counted.attending_present == apart
