"""The chair's console in a real room (issue 11 §3), through Flask's test client: tellers named and
changeable until a card count, the scrutineer's button without a reload, 散会 confirmed apart from
休会, the minutes form that keeps what was typed, a failed vote explained, check-in told in words."""

from __future__ import annotations

import re

import pytest
from helpers import demo_app, demo_driver

from deliberate import Ledger
from webui.demo import DEMO_PASSWORD

VILLAGE, SITTING = "demo", "live"
HALL = f"/v/{VILLAGE}/s/{SITTING}/hall"


def csrf(client, path=HALL):
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def login(app, username):
    client = app.test_client()
    token = csrf(client, "/login")
    assert client.post("/login", data={"username": username, "password": DEMO_PASSWORD,
                                       "csrf_token": token}).status_code == 302
    return client


def post(client, path, data=None, *, page=HALL):
    """POST and follow to the page it lands on; returns that page's text."""
    response = client.post(path, data={**(data or {}), "csrf_token": csrf(client, page)})
    if response.status_code == 302:
        return client.get(response.headers["Location"]).get_data(as_text=True)
    return response.get_data(as_text=True)


def state(app):
    return Ledger(VILLAGE, app.extensions["deliberate"]).state


def flashes(page):
    return re.findall(r'<p class="flash [a-z]+" role="(?:alert|status)">([^<]*)</p>', page)


@pytest.fixture
def app(tmp_path):
    return demo_app(tmp_path / "chair.sqlite3", WTF_CSRF_ENABLED=True)


def _names(app):
    from deliberate.store.people import person_names
    return person_names(app.extensions["deliberate"].engine, VILLAGE)


def test_a_new_sittings_tellers_start_unappointed(app):
    _, driver = demo_driver(app)
    fresh = driver.convene("pavilion")
    chair = login(app, "chair")
    page = chair.get(f"/v/{VILLAGE}/s/{fresh}/hall").get_data(as_text=True)
    assert "尚未指定计票人和监票人" in page
    section = page[page.index('id="tellers"'):]
    section = section[:section.index("</section>")]
    assert " selected" not in section  # nobody is appointed by default
    assert section.count('<option value="">— 请选择 —</option>') == 2
    # Saving with a choice missing says so and appoints nobody.
    said = post(chair, f"/v/{VILLAGE}/s/{fresh}/hall/tellers", {"counter": "p0003", "scrutineer": ""},
                page=f"/v/{VILLAGE}/s/{fresh}/hall")
    assert "请选定计票人和监票人各一人" in flashes(said)
    assert state(app).sittings[fresh].counters == ()


def test_saving_tellers_confirms_by_name_and_the_console_says_who_must_log_in(app):
    names = _names(app)
    chair = login(app, "chair")
    page = post(chair, f"{HALL}/tellers", {"counter": "p0003", "scrutineer": "p0010"})
    assert f"已保存：计票人{names['p0003']}，监票人{names['p0010']}" in flashes(page)
    assert f"现任计票人：{names['p0003']}；监票人：{names['p0010']}" in page
    assert re.search(r'<option value="p0003" selected>', page)  # the form shows what was saved
    # The counter's login acts for p0009, who is no longer the counter: the console says who must
    # log in, by name.
    assert (f"计票人账号“counter”绑定的是{names['p0009']}，{names['p0009']}不是本次会议的计票人。"
            f"请{names['p0003']}用自己的账号登录，或把计票人改任为{names['p0009']}。") in page
    assert f"计票人{names['p0003']}还没有计票人账号" in page
    assert not re.search(r"p\d{4}", " ".join(flashes(page)) + page[page.index('id="tellers"'):page.index(
        '<select name="counter"')])


def test_tellers_can_be_changed_while_a_vote_is_open_until_a_card_count(app):
    names = _names(app)
    chair, clerk, counter = login(app, "chair"), login(app, "clerk"), login(app, "counter")
    post(chair, f"{HALL}/open")
    for person in sorted(state(app).sittings[SITTING].roster.voters)[:30]:
        post(clerk, f"{HALL}/check-in", {"who": person})
    post(chair, f"{HALL}/tellers", {"counter": "p0003", "scrutineer": "p0010"})
    post(chair, f"{HALL}/vote/open", {"matter": "channel", "motion": "审议"})
    # The counter's login is refused by name, never by id...
    refused = post(counter, f"{HALL}/vote/cards", {"approve": "3", "oppose": "0", "abstain": "0"})
    assert f"{names['p0009']}不是本次会议的计票人" in flashes(refused)
    assert not any("p0009" in f for f in flashes(refused))
    # ...and the chair fixes it with the vote open.
    fixed = post(chair, f"{HALL}/tellers", {"counter": "p0009", "scrutineer": "p0010"})
    assert f"已保存：计票人{names['p0009']}，监票人{names['p0010']}" in flashes(fixed)
    post(counter, f"{HALL}/vote/cards", {"approve": "3", "oppose": "0", "abstain": "0"})
    assert state(app).open_vote(SITTING).cards is not None
    locked = chair.get(HALL).get_data(as_text=True)
    assert "计票人、监票人在本次表决结束前不能再更换" in locked and 'name="counter"' not in locked
    late = post(chair, f"{HALL}/tellers", {"counter": "p0003", "scrutineer": "p0010"})
    assert "已录入举牌计票，计票人、监票人不能再更换" in flashes(late)
    assert state(app).sittings[SITTING].counters == ("p0009",)


def test_the_scrutineers_button_appears_by_polling_without_a_reload(app):
    chair, clerk = login(app, "chair"), login(app, "clerk")
    counter, scrutineer = login(app, "counter"), login(app, "scrutineer")
    post(chair, f"{HALL}/open")
    for person in sorted(state(app).sittings[SITTING].roster.voters)[:30]:
        post(clerk, f"{HALL}/check-in", {"who": person})
    post(chair, f"{HALL}/vote/open", {"matter": "channel", "motion": "审议"})
    page = scrutineer.get(HALL).get_data(as_text=True)
    assert f'hx-get="{HALL}/cards"' in page and "/vote/confirm" not in page
    first = scrutineer.get(f"{HALL}/cards")
    assert first.status_code == 200 and "还没有录入举牌计票" in first.get_data(as_text=True)
    again = scrutineer.get(f"{HALL}/cards", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304  # nothing moved: the poll is cheap
    post(counter, f"{HALL}/vote/cards", {"approve": "3", "oppose": "1", "abstain": "0"})
    waiting = scrutineer.get(f"{HALL}/cards", headers={"If-None-Match": first.headers["ETag"]})
    body = waiting.get_data(as_text=True)
    assert waiting.status_code == 200 and "/vote/confirm" in body and "请监票人核对后确认" in body
    token = re.search(r'name="csrf_token" value="([^"]+)"', body).group(1)
    assert scrutineer.post(f"{HALL}/vote/confirm", data={"csrf_token": token}).status_code == 302
    assert state(app).open_vote(SITTING).scrutineer == "p0010"


def test_closing_the_sitting_needs_its_confirmation_and_stands_apart_from_adjourning(app):
    chair = login(app, "chair")
    post(chair, f"{HALL}/open")
    page = chair.get(HALL).get_data(as_text=True)
    closing = page[page.index('<details class="close-sitting">'):]
    assert "所有投票链接失效" in closing and 'name="confirm" value="1"' in closing
    assert f'action="{HALL}/adjourn"' not in closing  # 休会 is its own form, outside
    said = post(chair, f"{HALL}/close")  # a bare request (no confirmation) closes nothing
    assert "确认散会？" in " ".join(flashes(said))
    assert state(app).sittings[SITTING].state.value == "in_session"
    post(chair, f"{HALL}/close", {"confirm": "1"})
    assert state(app).sittings[SITTING].state.value == "closed"


def test_adjourning_shows_its_reason_on_the_console_and_the_public_page(app):
    chair = login(app, "chair")
    post(chair, f"{HALL}/open")
    page = post(chair, f"{HALL}/adjourn", {"reason": "暴雨，村民无法到会"})
    assert "已休会，原因：暴雨，村民无法到会" in page
    public = app.test_client().get(f"/p/{VILLAGE}/m/channel").get_data(as_text=True)
    assert "暴雨，村民无法到会" in public


def test_the_minutes_form_keeps_what_was_typed_and_says_what_is_wrong_in_chinese(app):
    clerk = login(app, "clerk")
    post(login(app, "chair"), f"{HALL}/open")
    typed = {"summary": "讨论了修建水渠的选址和预算，多数村民同意。", "speakers": "陈秀英，黄志强",
             "recording_ref": "村委档案柜U盘 2026-12-03", "recording_sha256": ""}
    response = clerk.post(f"{HALL}/minutes", data={**typed, "csrf_token": csrf(clerk)})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    said = " ".join(flashes(page))
    assert "录像位置和录像指纹（SHA-256）要么都填，要么都不填" in said and "您填写的内容已保留" in said
    assert not re.search(r"[A-Za-z]{4,}", said)  # no English in a Chinese clerk's message
    assert typed["summary"] in page and 'value="陈秀英，黄志强"' in page and 'value="村委档案柜U盘 2026-12-03"' in page
    bad_hash = clerk.post(f"{HALL}/minutes", data={**typed, "recording_sha256": "abc", "csrf_token": csrf(clerk)})
    assert "录像指纹应是64位" in bad_hash.get_data(as_text=True) and 'value="abc"' in bad_hash.get_data(as_text=True)
    assert "certutil -hashfile" in page  # how to compute the fingerprint, in plain words
    assert state(app).sittings[SITTING].minutes == ()
    good = post(clerk, f"{HALL}/minutes", {**typed, "recording_sha256": "ab" * 32})
    assert "操作已完成" in flashes(good) and len(state(app).sittings[SITTING].minutes) == 1


def test_after_a_failed_vote_the_console_says_why_the_vote_section_is_gone_and_what_next(app):
    chair, clerk = login(app, "chair"), login(app, "clerk")
    counter, scrutineer = login(app, "counter"), login(app, "scrutineer")
    post(chair, f"{HALL}/open")
    for person in sorted(state(app).sittings[SITTING].roster.voters)[:30]:
        post(clerk, f"{HALL}/check-in", {"who": person})
    post(chair, f"{HALL}/vote/open", {"matter": "channel", "motion": "修建水渠"})
    post(counter, f"{HALL}/vote/cards", {"approve": "2", "oppose": "28", "abstain": "0"})
    post(scrutineer, f"{HALL}/vote/confirm")
    page = post(chair, f"{HALL}/vote/close")
    assert not state(app).sittings[SITTING].results[-1].passed
    assert f'action="{HALL}/vote/open"' not in page
    assert "“修建水渠”未通过" in page and "不再显示“开始表决”" in page and "接下来可以" in page


def test_check_in_tells_a_duplicate_another_sittings_card_and_how_many_more_are_needed(app):
    from webui.services import voter_token

    names = _names(app)
    chair, clerk = login(app, "chair"), login(app, "clerk")
    post(chair, f"{HALL}/open")
    voters = sorted(state(app).sittings[SITTING].roster.voters)
    first = post(clerk, f"{HALL}/check-in", {"who": voters[0]})
    assert f"签到成功：{names[voters[0]]}已签到" in flashes(first)
    again = post(clerk, f"{HALL}/check-in", {"who": voters[0]})
    said = " ".join(flashes(again))
    assert f"重复签到：{names[voters[0]]}之前已经签到" in said and "签到成功" not in said
    assert voters[0] not in said  # named, not numbered
    with app.app_context():
        other = f"http://192.168.1.5:8000/b/{voter_token(VILLAGE, 's1', voters[1])}"
    card = post(clerk, f"{HALL}/check-in", {"who": other})
    assert f"这是{names[voters[1]]}另一次会议的投票卡" in " ".join(flashes(card))
    assert voters[1] not in state(app).sittings[SITTING].present
    s = state(app).sittings[SITTING]
    outcome = s.rule.decide(s.attendance(), __import__("deliberate").Tally())
    more = min(f.required - f.actual for f in outcome.quorum)
    refused = post(chair, f"{HALL}/vote/open", {"matter": "channel", "motion": "审议"})
    assert f"还差{more}人签到" in " ".join(flashes(refused)) and more > 1
