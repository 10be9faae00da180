"""The voter's page through a vote's close, and a tap sent again (issue 11 §5), through the HTTP
app: the polled part answers 304 until something this voter sees changes; after the close the
page (and a reload) shows the result and what was counted, never an offer to change the vote; a
first secret ballot sent again after its answer was lost finds its own codes, once."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from helpers import demo_app

from deliberate import Ledger
from deliberate import commands as c
from webui.services import voter_token

VILLAGE, SITTING = "demo", "live"


def _now():
    return datetime.now(ZoneInfo("Asia/Shanghai"))


@pytest.fixture(params=[False, True], ids=["open", "secret"])
def voting(request, tmp_path):
    app = demo_app(tmp_path / "web.sqlite3")
    ledger = Ledger(VILLAGE, app.extensions["deliberate"])
    voters = sorted(ledger.state.sittings[SITTING].roster.voters)
    for person in voters[:40]:
        ledger.handle(c.CheckIn(SITTING, person), _now())
    ledger.handle(c.OpenSitting(SITTING, by="p0001"), _now())
    ledger.handle(c.OpenVote(SITTING, "v1", "channel", "审议修建水渠", secret=request.param), _now())
    with app.app_context():
        links = {p: f"/b/{voter_token(VILLAGE, SITTING, p)}" for p in voters[:3]}
    return app, ledger, voters, links


def _close(ledger):
    ledger.handle(c.CloseVote(SITTING, "v1"), _now())


def _text(response):
    return response.get_data(as_text=True)


def _attempt(client, link):
    return re.search(r'name="attempt" value="([0-9a-f]+)"', _text(client.get(link))).group(1)


def test_the_polled_part_is_304_until_this_voters_page_changes(voting):
    app, ledger, voters, links = voting
    phone, other = app.test_client(), app.test_client()
    first = phone.get(f"{links[voters[0]]}/now?lang=zh_Hans")
    assert first.status_code == 200 and first.headers["ETag"]
    tag = first.headers["ETag"]
    assert phone.get(f"{links[voters[0]]}/now", headers={"If-None-Match": tag}).status_code == 304
    # Someone else's ballot moves the record, not this voter's page.
    other.post(links[voters[1]], data={"choice": "oppose", "vote": "v1"})
    assert phone.get(f"{links[voters[0]]}/now", headers={"If-None-Match": tag}).status_code == 304
    # This voter's own tap (say, from the page's form) does change it.
    phone.post(links[voters[0]], data={"choice": "approve", "vote": "v1", "attempt": _attempt(phone, links[voters[0]])})
    mine = phone.get(f"{links[voters[0]]}/now?lang=zh_Hans", headers={"If-None-Match": tag})
    assert mine.status_code == 200 and "您的选择已记录：赞成" in _text(mine)
    # The close: the part comes afresh with the result and what was counted, no buttons.
    _close(ledger)
    closed = phone.get(f"{links[voters[0]]}/now?lang=zh_Hans", headers={"If-None-Match": mine.headers["ETag"]})
    assert closed.status_code == 200, closed.status_code
    body = _text(closed)
    assert "您的选择已计入：赞成" in body and 'class="choices"' not in body and "表决已结束" in body
    assert "no-store" in closed.headers["Cache-Control"]


def test_after_the_close_a_reload_still_shows_what_was_counted(voting):
    app, ledger, voters, links = voting
    phone, absent = app.test_client(), app.test_client()
    phone.post(links[voters[0]], data={"choice": "oppose", "vote": "v1", "attempt": _attempt(phone, links[voters[0]])})
    _close(ledger)
    page = _text(phone.get(f"{links[voters[0]]}?lang=zh_Hans"))
    assert "您的选择已计入：反对" in page and 'name="choice"' not in page
    secret = ledger.state.sittings[SITTING].results[-1].secret
    if secret:  # the receipt this phone holds, with the way to check it in the published list
        receipt = ledger.state.sittings[SITTING].results[-1].ballots[0].receipt
        assert receipt in page and "receipt=" + receipt in page
    # A voter who did not vote is told so, not offered buttons.
    other = _text(absent.get(f"{links[voters[2]]}?lang=zh_Hans"))
    assert "这次表决您没有投票" in other and 'name="choice"' not in other


@pytest.mark.parametrize("voting", [True], indirect=True, ids=["secret"])  # only a secret vote has codes to lose
def test_a_secret_first_ballot_sent_again_after_its_answer_was_lost_finds_its_codes(voting):
    app, ledger, voters, links = voting
    assert ledger.state.votes[SITTING].secret
    phone = app.test_client()
    link = links[voters[0]]
    form = {"choice": "approve", "vote": "v1", "attempt": _attempt(phone, link)}
    # The ballot is recorded but its answer (and the cookie with the codes) never reaches the
    # phone: the same form sent again from a phone that holds nothing.
    app.test_client().post(link, data=form)
    again = phone.post(link, data=form)
    assert again.status_code == 302 and "new=1" in again.headers["Location"], again.headers.get("Location")
    page = _text(phone.get(f"{link}?lang=zh_Hans&new=1"))
    assert "您的选择已记录：赞成" in page and "您已经投过票了" not in page
    vote = ledger.state.votes[SITTING]
    assert len(vote.box) == 1 and len(vote.voters) == 1  # once, not twice
    # Another attempt (another page, another phone) opens nothing: the phone must type its codes.
    stranger = app.test_client()
    lost = stranger.post(link, data={**form, "attempt": "0123456789abcdef0123456789abcdef"})
    assert "您已经投过票了" in _text(stranger.get(lost.headers["Location"].split("#")[0] + "?lang=zh_Hans"))
