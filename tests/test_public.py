"""The public pages: no login, the village's matters, a matter's steps and results, its printable
notices with their QR code and checkpoint, the verification page and the receipt check."""

from __future__ import annotations

import re

import pytest
from helpers import demo_app

from deliberate import Ledger, from_jsonl, verify
from deliberate.record import Checkpoint


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    path = tmp_path_factory.mktemp("public") / "p.sqlite3"
    app = demo_app(path, SECRET_KEY="p")
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
    choice = {"approve": "赞成", "oppose": "反对", "abstain": "弃权"}[bridge.ballots[0].choice.value]
    # As an elderly villager types it: lower case, no dash, a space or two.
    for typed in (receipt, receipt.lower(), receipt.replace("-", ""), " " + receipt.lower().replace("-", " ")):
        found = client.get("/p/demo/verify", query_string={"receipt": typed}).get_data(as_text=True)
        assert f"回执 {receipt} 已计入" in found and choice in found, typed
    # Not found, and why: not a receipt's shape, or a receipt that no closed vote published.
    shape = client.get("/p/demo/verify", query_string={"receipt": "回执？"}).get_data(as_text=True)
    assert "不是回执" in shape and "一串字母和数字" in shape
    unknown = "".join("A" if ch != "A" else "B" for ch in receipt.replace("-", ""))
    missing = client.get("/p/demo/verify", query_string={"receipt": unknown}).get_data(as_text=True)
    assert "没有找到回执" in missing and "请核对是否抄错" in missing


def test_a_receipt_looked_up_while_a_secret_vote_is_open_says_it_comes_at_the_close():
    from datetime import timedelta

    import workers

    from deliberate import commands as c
    from deliberate.tally import Choice
    from deliberate.usecases.ballot import ReceiptMiss, look_up_receipt

    ledger = Ledger("v")
    voters = workers.open_sitting_on(ledger, 12, secret=True)
    ledger.handle(c.CastBallot("s", "v", voters[0], Choice.APPROVE, receipt="ABCD-EFGH", change_code="JKLM-NPQR"),
                  workers.VOTING + timedelta(seconds=3))
    lookup = look_up_receipt(ledger.state, "abcdefgh")
    assert lookup.receipt == "ABCD-EFGH" and lookup.found == () and lookup.miss is ReceiptMiss.VOTE_OPEN
    ledger.handle(c.CloseVote("s", "v"), workers.VOTING + timedelta(hours=1))
    lookup = look_up_receipt(ledger.state, "abcd efgh")
    assert lookup.miss is None and lookup.found[0][1] is Choice.APPROVE


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


def test_the_recording_registered_with_the_minutes_is_shown_with_how_to_check_a_copy(client):
    """The lights sitting's minutes registered a recording (its reference and SHA-256): the public
    matter page and the API show both, and the page says how to check a copy against the hash."""
    import hashlib

    sha = hashlib.sha256(b"demo lights recording").hexdigest()
    page = client.get("/p/demo/m/lights").get_data(as_text=True)
    assert "nas://demo/lights.mp4" in page and sha in page
    assert "certutil -hashfile" in page and "sha256sum" in page
    sittings = client.get("/api/v1/villages/demo/sittings").get_json()["sittings"]
    recordings = [r for s in sittings for r in s["recordings"]]
    assert recordings == [{"reference": "nas://demo/lights.mp4", "sha256": sha,
                           "recorded_at": recordings[0]["recorded_at"]}]
    assert all(s["recordings"] == [] for s in sittings if "lights" not in s["agenda"])
