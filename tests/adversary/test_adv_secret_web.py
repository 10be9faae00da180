"""Attacks on the secret ballot and the record through the web app: a villager with someone else's
receipt, a voter who lost the cookie, the public log during a secret card count, one login as two
tellers, and a database edited behind the app's back (docs/security.md)."""

from __future__ import annotations

import json
import re

import pytest
from helpers import demo_app
from sqlalchemy import text

from deliberate import Ledger
from deliberate import commands as c
from deliberate.errors import TellerError
from deliberate.store import open_store
from deliberate.tally import Tally
from webui import create_app
from webui.demo import DEMO_PASSWORD
from webui.services import voter_token

VILLAGE, SITTING = "demo", "live"
HALL = f"/v/{VILLAGE}/s/{SITTING}/hall"


def _csrf(client, path="/login"):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def _login(app, username):
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD,
                                           "csrf_token": _csrf(client)})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def _post(client, path, data=None):
    return client.post(path, data={**(data or {}), "csrf_token": _csrf(client, HALL)})


def _state(app):
    return Ledger(VILLAGE, app.extensions["deliberate"]).state


def _link(app, person):
    with app.app_context():
        return f"/b/{voter_token(VILLAGE, SITTING, person)}"


def _cookie(client, name):
    found = [ck for ck in client._cookies.values() if ck.key == name]
    return found[0].value if found else None


@pytest.fixture
def secret_vote(tmp_path):
    """The demo's live sitting with everyone checked in and a secret vote open."""
    app = demo_app(tmp_path / "web.sqlite3", WTF_CSRF_ENABLED=True)
    chair, clerk = _login(app, "chair"), _login(app, "clerk")
    voters = sorted(_state(app).sittings[SITTING].roster.voters)
    _post(chair, f"{HALL}/open")
    for person in voters[:40]:
        _post(clerk, f"{HALL}/check-in", {"who": person})
    _post(chair, f"{HALL}/vote/open", {"matter": "channel", "motion": "无记名表决：修建水渠", "secret": "1"})
    vote = _state(app).open_vote(SITTING)
    assert vote is not None and vote.secret
    return app, chair, voters, vote.id


def test_someone_elses_receipt_neither_shows_nor_changes_their_ballot(secret_vote):
    app, _, voters, vote = secret_vote
    alice, mallory = app.test_client(), app.test_client()
    alice.post(_link(app, voters[0]), data={"choice": "oppose", "vote": vote})
    mallory.post(_link(app, voters[1]), data={"choice": "approve", "vote": vote})
    held = _cookie(alice, f"ballot.{SITTING}.{vote}")
    receipt, _, code = held.partition("~")
    assert receipt and code and code not in receipt
    # Mallory learns Alice's receipt (seen on her phone, or published later) and plants it in her
    # own phone's cookies, under both the old and the new name, with a guessed change code.
    path = _link(app, voters[1])
    mallory.set_cookie(f"receipt.{SITTING}.{vote}", receipt, path=path)
    mallory.set_cookie(f"ballot.{SITTING}.{vote}", f"{receipt}~WRONG-CODE", path=path)
    page = mallory.get(path).get_data(as_text=True)
    assert "反对" not in page.split("<h1", 1)[1].split("choices", 1)[0]  # Alice's choice is not shown
    mallory.post(path, data={"choice": "approve", "vote": vote})
    mallory.post(path, data={"receipt": receipt, "code": "WRONG-CODE", "vote": vote, "recover": "1"})
    box = _state(app).open_vote(SITTING).box
    assert box[receipt].value == "oppose"  # Alice's ballot is as she cast it
    # Guessing the code through planted cookies counts against the same hourly limit as the form.
    for i in range(12):
        mallory.set_cookie(f"ballot.{SITTING}.{vote}", f"{receipt}~GUESS-{i:03d}", path=path)
        mallory.get(path)
    answer = mallory.post(path, data={"receipt": receipt, "code": "LAST-TRY", "vote": vote, "recover": "1"})
    assert answer.status_code == 429 and "输入次数太多" in answer.get_data(as_text=True)
    assert _state(app).open_vote(SITTING).box[receipt].value == "oppose"


def test_a_voter_without_the_cookie_is_told_how_to_change_the_ballot(secret_vote):
    app, _, voters, vote = secret_vote
    phone = app.test_client()
    url = _link(app, voters[2])
    phone.post(url, data={"choice": "approve", "vote": vote})
    receipt, _, code = _cookie(phone, f"ballot.{SITTING}.{vote}").partition("~")
    first = phone.get(f"{url}?new=1").get_data(as_text=True)  # where the first ballot leads
    assert receipt in first and code in first and "<details class=\"codes\" open>" in first
    later = phone.get(url).get_data(as_text=True)  # later, folded away until tapped
    assert "<details class=\"codes\">" in later
    other = app.test_client()  # another phone, or the cookie lost
    page = other.get(url).get_data(as_text=True)
    assert "您已经投过票了" in page and "您尚未投票" not in page and 'name="code"' in page
    before = _state(app).open_vote(SITTING)
    other.post(url, data={"choice": "oppose", "vote": vote})  # a tap without the codes changes nothing
    assert _state(app).open_vote(SITTING).box == before.box and len(before.voters) == 1
    # Typed as an elderly voter might: lower case, spaces, no dash.
    other.post(url, data={"receipt": receipt.lower().replace("-", " "), "code": code.replace("-", ""),
                          "vote": vote, "recover": "1"})
    assert "您的选择已记录：赞成" in other.get(url).get_data(as_text=True)
    other.post(url, data={"choice": "oppose", "vote": vote})
    assert _state(app).open_vote(SITTING).box[receipt].value == "oppose"
    # Guessing codes through the form is cut off after ten tries an hour.
    answers = [other.post(url, data={"receipt": receipt, "code": f"GUESS-{i:03d}", "vote": vote,
                                     "recover": "1"}).status_code for i in range(12)]
    assert answers.count(429) >= 2


def test_a_secret_card_count_stays_sealed_until_the_close(secret_vote):
    app, chair, voters, vote = secret_vote
    counter, scrutineer = _login(app, "counter"), _login(app, "scrutineer")
    for person in voters[:5]:
        app.test_client().post(_link(app, person), data={"choice": "approve", "vote": vote})
    assert _post(counter, f"{HALL}/vote/cards", {"approve": "23", "oppose": "11", "abstain": "1"}).status_code == 302
    public = app.test_client()
    log = public.get(f"/p/{VILLAGE}/log.jsonl").get_data(as_text=True)
    api_log = public.get(f"/api/v1/villages/{VILLAGE}/log").get_data(as_text=True)
    for text_ in (log, api_log):
        entry = json.loads([line for line in text_.splitlines() if "card_count_entered" in line][-1])
        assert entry["payload"]["tally"] is None and len(entry["payload"]["seal"]) == 64
        assert "approve" not in json.dumps(entry) and "oppose" not in json.dumps(entry)
    sealed = "11" not in chair.get(f"{HALL}/panel").get_data(as_text=True)
    assert sealed and "各项票数在表决结束时公布" in chair.get(HALL).get_data(as_text=True)
    assert "反对11" in counter.get(f"{HALL}/panel").get_data(as_text=True)  # the tellers see it
    assert "反对11" in scrutineer.get(f"{HALL}/panel").get_data(as_text=True)
    _post(scrutineer, f"{HALL}/vote/confirm")
    _post(chair, f"{HALL}/vote/close")
    result = _state(app).sittings[SITTING].results[-1]
    assert result.cards == Tally(23, 11, 1) and result.vote == vote
    closing = json.loads([line for line in public.get(f"/p/{VILLAGE}/log.jsonl").get_data(as_text=True)
                          .splitlines() if "vote_closed" in line][-1])["payload"]
    assert closing["cards"]["oppose"] == 11 and closing["cards_nonce"]  # published; the seal opens
    assert Ledger(VILLAGE, app.extensions["deliberate"]).verify().ok
    entered = [e for e in Ledger(VILLAGE, app.extensions["deliberate"]).entries()
               if e.type in ("card_count_entered", "card_count_confirmed")][-2:]
    assert [e.payload["account"] for e in entered] == ["counter", "scrutineer"]


def test_one_login_cannot_enter_and_confirm_a_count(tmp_path):
    from helpers import Village
    v = Village()
    v.raise_matter("m1")
    s = v.convene("m1")
    voters = sorted(v.state.sittings[s].roster.voters)
    for p in voters:
        v.do(c.CheckIn(s, p))
    v.do(c.AppointTellers(s, (voters[0],), (voters[1],)))
    v.do(c.OpenSitting(s, by="p0001"))
    v.do(c.OpenVote(s, "v1", "m1", "表决"))
    v.do(c.EnterCardCount(s, "v1", voters[0], Tally(3, 0, 0), account="shared-login"))
    with pytest.raises(TellerError, match="shared-login"):
        v.do(c.ConfirmCardCount(s, "v1", voters[1], account="shared-login"))
    v.do(c.ConfirmCardCount(s, "v1", voters[1], account="another-login"))


def _tamper(app, sql, **params):
    engine = app.extensions["deliberate"].engine
    with engine.begin() as conn:
        for trigger in ("log_entry_no_update", "log_entry_no_delete"):  # what an attacker drops
            conn.execute(text(f"DROP TRIGGER IF EXISTS {trigger}"))
        conn.execute(text(sql), params)


def _restart(app):
    return create_app({**{k: app.config[k] for k in ("DATABASE_URL", "SECRET_KEY")}, "TESTING": True,
                       "WTF_CSRF_ENABLED": True})


def test_a_log_row_edited_behind_the_apps_back_raises_the_alarm_everywhere(tmp_path):
    app = demo_app(tmp_path / "web.sqlite3", WTF_CSRF_ENABLED=True)
    entries = list(Ledger(VILLAGE, app.extensions["deliberate"]).entries())
    closed = next(e for e in entries if e.type == "vote_closed" and e.payload["passed"])
    forged = closed.payload | {"passed": False}
    _tamper(app, "UPDATE log_entry SET payload = :p WHERE village = 'demo' AND height = :h",
            p=json.dumps(forged, ensure_ascii=False, sort_keys=True, separators=(",", ":")), h=closed.height)
    app = _restart(app)
    public = app.test_client()
    for path in (f"/p/{VILLAGE}", f"/p/{VILLAGE}/verify", f"/v/{VILLAGE}/s/{SITTING}/screen"):
        answer = public.get(path)
        body = answer.get_data(as_text=True)
        assert answer.status_code == 503 and f"第{closed.height}条" in body and "记录完整性警报" in body, path
    api = public.get(f"/api/v1/villages/{VILLAGE}/matters")
    assert api.status_code == 503 and api.get_json()["error"]["height"] == closed.height
    chair = _login(app, "chair")
    console = chair.get(HALL)
    assert console.status_code == 503 and "记录完整性警报" in console.get_data(as_text=True)
    # Commands for the village are refused; nothing is appended to a broken record.
    store = open_store(app.config["DATABASE_URL"], migrate=False)
    with pytest.raises(Exception, match="记录"):
        Ledger(VILLAGE, store).handle(c.CheckIn(SITTING, "p0001"), entries[-1].event().at)
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT MAX(height) FROM log_entry")).scalar() == entries[-1].height


def test_an_out_of_range_value_in_the_log_is_an_alarm_not_a_500(tmp_path):
    """Even an attacker who recomputes every hash after the edit: the value cannot be read, and
    the app says so instead of failing."""
    from deliberate.record import GENESIS, entry_hash
    app = demo_app(tmp_path / "web.sqlite3")
    entries = list(Ledger(VILLAGE, app.extensions["deliberate"]).entries())
    target = next(e for e in entries if e.type == "ballot_cast")
    head = GENESIS
    for e in entries:
        payload = e.payload | {"choice": "maybe"} if e.height == target.height else e.payload
        digest = entry_hash(e.height, head.hash, e.type, payload, e.time)
        _tamper(app, "UPDATE log_entry SET payload = :p, parent_hash = :parent, hash = :h "
                "WHERE village = 'demo' AND height = :height",
                p=json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
                parent=head.hash, h=digest, height=e.height)
        head = type(head)(e.height, digest)
    _tamper(app, "UPDATE village SET head_hash = :h WHERE id = 'demo'", h=head.hash)
    app = _restart(app)
    answer = app.test_client().get(f"/p/{VILLAGE}")
    assert answer.status_code == 503 and f"第{target.height}条" in answer.get_data(as_text=True)


def test_the_verification_page_checks_the_record_and_a_printed_checkpoint(tmp_path):
    app = demo_app(tmp_path / "web.sqlite3")
    public = app.test_client()
    page = public.get(f"/p/{VILLAGE}/verify").get_data(as_text=True)
    assert "记录完整" in page
    entries = list(Ledger(VILLAGE, app.extensions["deliberate"]).entries())
    notice = next(e for e in entries if e.type == "notice_published")
    ok = public.get(f"/p/{VILLAGE}/verify?height=第{notice.height}条&hash={notice.hash[:16].upper()}…")
    assert "一致：" in ok.get_data(as_text=True)
    wrong = public.get(f"/p/{VILLAGE}/verify?height={notice.height}&hash={'0' * 16}")
    assert "不一致" in wrong.get_data(as_text=True)
    missing = public.get(f"/p/{VILLAGE}/verify?height=999999&hash=abcdef12abcdef12")
    assert "记录里没有第999999条" in missing.get_data(as_text=True)
    # Eight characters (32 bits) could be matched by a rewritten record tried over and over.
    for bad in ("height=x&hash=abcdef12abcdef12", f"height={notice.height}&hash={notice.hash[:8]}",
                "height=3&hash=zzzzzzzzzzzzzzzz", "height=²&hash=abcdef12abcdef12",
                "height=①&hash=abcdef12abcdef12"):
        answer = public.get(f"/p/{VILLAGE}/verify?{bad}")
        assert answer.status_code == 200 and "请输入条数" in answer.get_data(as_text=True)


def test_a_row_edited_while_the_app_runs_is_found_by_the_whole_record_check(tmp_path):
    """Catching up reads only new entries; the whole-record check (the verification page, and
    every few minutes in the background) finds an old row changed behind the running app's back,
    and from then on the village is served as broken."""
    app = demo_app(tmp_path / "web.sqlite3")
    public = app.test_client()
    assert public.get(f"/p/{VILLAGE}").status_code == 200  # the app has read the record
    entries = list(Ledger(VILLAGE, app.extensions["deliberate"]).entries())
    closed = next(e for e in entries if e.type == "vote_closed" and e.payload["passed"])
    _tamper(app, "UPDATE log_entry SET payload = :p WHERE village = 'demo' AND height = :h",
            p=json.dumps(closed.payload | {"passed": False}, ensure_ascii=False, sort_keys=True,
                         separators=(",", ":")), h=closed.height)
    check = public.get(f"/p/{VILLAGE}/verify")
    assert "记录有问题" in check.get_data(as_text=True) and f"第{closed.height}条" in check.get_data(as_text=True)
    for path in (f"/p/{VILLAGE}", f"/api/v1/villages/{VILLAGE}/matters"):
        assert public.get(path).status_code == 503, path
