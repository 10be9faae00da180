"""The public pages: no login, the village's matters, a matter's steps and results, its printable
notices with their QR code and checkpoint, the verification page and the receipt check."""

from __future__ import annotations

import re

import pytest

from deliberate import Ledger, from_jsonl, verify
from deliberate.record import Checkpoint
from webui import create_app
from webui.demo import ensure_demo


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    path = tmp_path_factory.mktemp("public") / "p.sqlite3"
    app = create_app({"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "p", "TESTING": True})
    ensure_demo(app.extensions["deliberate"])
    client = app.test_client()
    client.ledger = Ledger("demo", app.extensions["deliberate"])
    return client


def test_the_village_page_groups_matters_by_step(client):
    page = client.get("/p/demo?lang=zh_Hans").get_data(as_text=True)
    for stage in ("办结", "决议公开", "审议", "提议", "未通过", "组织实施"):
        assert stage in page
    assert str(client.ledger.checkpoint) in page
    assert client.get("/p/nowhere").status_code == 404


def test_a_matter_page_shows_its_steps_results_notices_and_spending(client):
    page = client.get("/p/demo/m/lights").get_data(as_text=True)
    assert "修缮村道路灯" in page and "实施结果公开" in page
    assert "村民会议" in page and "%" in page and "依据" in page  # a result with its rule
    assert "路灯选址是否覆盖三组" in page and "异议不成立" in page  # the objection and its answer
    assert "83,000.00" in page  # 52,000 + 31,000 yuan spent
    assert client.get("/p/demo/m/nothing").status_code == 404


def test_the_resolution_notice_is_printable_with_qr_and_checkpoint(client):
    page = client.get("/p/demo/m/lights/notice/1").get_data(as_text=True)
    assert "关于修缮村道路灯的公示" in page
    for field in ("会议", "应到", "赞成", "表决规则", "公示期", "异议渠道", "发布单位", "发布日期", "记录校验点"):
        assert field in page, field
    assert "<svg" in page and "http://localhost/p/demo/m/lights" in page
    assert "@page" in client.get("/static/style.css").get_data(as_text=True)
    height, digest = re.search(r"第(\d+)条 ([0-9a-f]{64})", page).groups()
    printed = Checkpoint(int(height), digest)
    # The checkpoint on the notice is a real point of the chain: the log verifies against it.
    assert verify(client.ledger.entries(), printed).ok
    assert printed.height < client.ledger.checkpoint.height


def test_the_implementation_notice_lists_spending(client):
    page = client.get("/p/demo/m/lights/notice/2").get_data(as_text=True)
    assert "实施结果的公示" in page and "采购路灯42盏" in page and "83,000.00" in page
    assert client.get("/p/demo/m/lights/notice/3").status_code == 404
    assert client.get("/p/demo/m/lights/notice/0").status_code == 404


def test_the_log_downloads_and_verifies(client):
    response = client.get("/p/demo/log.jsonl")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    lines = response.get_data(as_text=True).splitlines()
    assert verify(from_jsonl(lines), client.ledger.checkpoint).ok


def test_the_verification_page_and_a_receipt(client):
    page = client.get("/p/demo/verify").get_data(as_text=True)
    assert "deliberate verify demo.jsonl --checkpoint" in page and "历次公示的校验点" in page
    bridge = client.ledger.state.matters["bridge"].results[-1]
    assert bridge.secret and bridge.ballots
    receipt = bridge.ballots[0].receipt
    found = client.get(f"/p/demo/verify?receipt={receipt}").get_data(as_text=True)
    assert "回执已计入" in found and "赞成" in found
    missing = client.get("/p/demo/verify?receipt=NO-SUCH").get_data(as_text=True)
    assert "没有找到这个回执" in missing


@pytest.mark.parametrize("path", ["/p/demo", "/p/demo/m/bridge", "/p/demo/m/lights/notice/1",
                                  "/p/demo/verify"])
def test_public_pages_need_no_login_and_speak_three_languages(client, path):
    for lang, word in (("zh_Hans", "核对"), ("zh_Hant", "核對"), ("en", "Verify")):
        response = client.get(f"{path}?lang={lang}")
        assert response.status_code == 200
        if path.endswith("/p/demo"):
            assert word in response.get_data(as_text=True)


def test_public_pages_are_cached_until_the_record_moves(client):
    from test_webui import login

    from deliberate import commands as c

    app = client.application
    first = client.get("/p/demo/m/channel?lang=zh_Hans")
    tag = first.headers["ETag"]
    assert first.status_code == 200 and "Cookie" in first.headers["Vary"]
    assert client.get("/p/demo/m/channel", headers={"If-None-Match": tag}).status_code == 304
    assert client.get("/p/demo/m/channel?lang=en").headers["ETag"] != tag  # another language
    # The record moves: a villager's submission is taken up by this matter; the page shows it.
    with app.test_request_context():
        from webui.services import now
        client.ledger.handle(c.LodgeSubmission("q-cache", now().date(), "水渠边的小路也要修"), now())
        client.ledger.handle(c.TakeUpSubmission("q-cache", "channel", now().date(), by="p0001"), now())
    moved = client.get("/p/demo/m/channel?lang=zh_Hans", headers={"If-None-Match": tag})
    assert moved.status_code == 200 and "水渠边的小路也要修" in moved.get_data(as_text=True)
    # An official is never served the anonymous copy: the header greets them by name.
    clerk = login(app, "clerk")
    assert "退出" in clerk.get("/p/demo/m/channel?lang=zh_Hans").get_data(as_text=True)
