"""The steps after the vote, from the clerk's matter page: the township's review, publishing and
closing a notice, progress with files (served by SHA-256), completion, the implementation notice."""

from __future__ import annotations

import hashlib
import io
from datetime import datetime, time, timedelta

import pytest
from helpers import demo_app, demo_driver
from test_webui import csrf, login

from deliberate import Stage
from deliberate.procedure import PROCEDURES
from deliberate.store.private import MAX_FILE_BYTES
from webui.steps import parse_yuan


@pytest.fixture
def village(tmp_path):
    app = demo_app(tmp_path / "s.sqlite3")
    ledger, driver = demo_driver(app)
    clock = {"at": driver.now + timedelta(minutes=5)}
    app.config["CLOCK"] = lambda: clock["at"]
    return app, ledger, driver, clock


def post(client, path, **data):
    return client.post(path, data={**data, "csrf_token": csrf(client, "/v/demo/m")})


def test_notice_progress_with_files_completion_and_the_implementation_notice(village):
    app, ledger, driver, clock = village
    driver.to_stage(driver.raise_matter("road", "硬化村道"), Stage.RESOLUTION_NOTICE)
    clock["at"] = driver.now + timedelta(minutes=5)
    clerk = login(app, "clerk")
    today = clock["at"].date()
    page = clerk.get("/v/demo/m/road").get_data(as_text=True)
    assert "发布公示" in page and 'value="7"' in page  # the village's default period
    post(clerk, "/v/demo/m/road/notice", published_on=today.isoformat(), days="7",
         contacts="村务监督委员会：王主任 13800000000", issued_by="村民委员会")
    notice = ledger.state.matters["road"].notice
    assert notice is not None and notice.published_on == today
    # Too early to close: the refusal says until when, and nothing moves.
    refused = post(clerk, "/v/demo/m/road/notice/close")
    assert refused.status_code == 422 and "届满" in refused.get_data(as_text=True)
    assert ledger.state.matters["road"].stage is Stage.RESOLUTION_NOTICE
    clock["at"] = datetime.combine(notice.period.last + timedelta(days=1), time(9), clock["at"].tzinfo)
    post(clerk, "/v/demo/m/road/notice/close")
    assert ledger.state.matters["road"].stage is Stage.IMPLEMENTATION

    receipt = "发票 No.001 水泥50吨".encode() * 100
    response = clerk.post("/v/demo/m/road/progress", content_type="multipart/form-data", data={
        "on": clock["at"].date().isoformat(), "description": "采购水泥", "spent": "12,345.60",
        "files": [(io.BytesIO(receipt), "发票.pdf", "application/pdf"),
                  (io.BytesIO(b"\x89PNG photo"), "现场.png", "image/png")],
        "csrf_token": csrf(clerk, "/v/demo/m/road")})
    assert response.status_code == 302
    (entry,) = ledger.state.matters["road"].progress
    assert entry.spent == 1_234_560 and [a.name for a in entry.attachments] == ["发票.pdf", "现场.png"]
    assert entry.attachments[0].sha256 == hashlib.sha256(receipt).hexdigest()
    public = app.test_client()
    matter_page = public.get("/p/demo/m/road").get_data(as_text=True)
    assert entry.attachments[0].sha256 in matter_page and "12,345.60" in matter_page
    download = public.get(f"/p/demo/files/{entry.attachments[0].sha256}")
    assert download.status_code == 200 and download.data == receipt
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert public.get(f"/p/demo/files/{'0' * 64}").status_code == 404

    # A file over the limit, a bad amount, an empty description: refused, nothing recorded; the
    # page comes back with the reason and what was typed.
    for data in ({"files": [(io.BytesIO(b"x" * (MAX_FILE_BYTES + 1)), "big.bin")], "description": "大文件"},
                 {"spent": "12.345", "description": "三位小数"}, {"spent": "-5", "description": "负数"},
                 {"spent": "1e3", "description": "科学计数"}, {"description": "   "}):
        response = clerk.post("/v/demo/m/road/progress", content_type="multipart/form-data", data={
            "on": clock["at"].date().isoformat(), **data, "csrf_token": csrf(clerk, "/v/demo/m/road")})
        page = response.get_data(as_text=True)
        assert response.status_code == 422 and 'class="flash error"' in page
        assert data["description"].strip() in page and data.get("spent", "0") in page
    assert len(ledger.state.matters["road"].progress) == 1
    # A refused entry keeps none of the files it brought, but never one an earlier entry names.
    from deliberate.store.private import load_file
    stray = b"photo of nothing recorded"
    for files in ([(io.BytesIO(stray), "stray.jpg")], [(io.BytesIO(receipt), "发票again.pdf")]):
        clerk.post("/v/demo/m/road/progress", content_type="multipart/form-data", data={
            "on": clock["at"].date().isoformat(), "description": " ", "files": files,
            "csrf_token": csrf(clerk, "/v/demo/m/road")})
    engine = app.extensions["deliberate"].engine
    assert load_file(engine, "demo", hashlib.sha256(stray).hexdigest()) is None
    assert load_file(engine, "demo", entry.attachments[0].sha256).content == receipt

    post(clerk, "/v/demo/m/road/complete", on=clock["at"].date().isoformat(), summary="村道全部硬化完成")
    m = ledger.state.matters["road"]
    assert m.stage is Stage.IMPLEMENTATION_NOTICE and m.completion == "村道全部硬化完成"
    post(clerk, "/v/demo/m/road/notice", published_on=clock["at"].date().isoformat(), days="7",
         contacts="村务监督委员会", issued_by="村民委员会")
    printed = public.get("/p/demo/m/road/notice/2").get_data(as_text=True)
    assert "12,345.60" in printed and entry.attachments[1].sha256 in printed


def test_the_township_review_sends_back_or_approves(village):
    app, ledger, driver, clock = village
    driver.to_stage(driver.raise_matter("fee", "调整水费", PROCEDURES["township_review"]), Stage.TOWNSHIP_REVIEW)
    clock["at"] = driver.now + timedelta(minutes=5)
    clerk = login(app, "clerk")
    assert "审核文号" in clerk.get("/v/demo/m/fee").get_data(as_text=True)
    before = ledger.state
    post(clerk, "/v/demo/m/fee/township", approved="1", reference="", by="镇人民政府")  # no reference
    assert ledger.state == before
    post(clerk, "/v/demo/m/fee/township", approved="0", return_to="consultation", reference="镇审〔2026〕9号",
         by="镇人民政府")
    assert ledger.state.matters["fee"].stage is Stage.CONSULTATION


@pytest.mark.parametrize("text, fen", [("0", 0), ("8.6", 860), ("86000", 8_600_000), ("1,234.56", 123_456),
                                       ("999999999999.99", 99_999_999_999_999)])
def test_yuan_are_read_exactly(text, fen):
    assert parse_yuan(text) == fen


@pytest.mark.parametrize("text", ["", "-1", "1.234", "1e3", "１２", "0x10", "1.2.3", "nan", "1 000", "9" * 13])
def test_bad_yuan_are_refused(text):
    with pytest.raises(ValueError):
        parse_yuan(text)


@pytest.mark.parametrize("who", [None, "counter", "supervisor"])
def test_only_those_who_manage_matters_take_these_steps(village, who):
    app, ledger, _, _ = village
    client = login(app, who) if who else app.test_client()
    before = ledger.state
    response = client.post("/v/demo/m/columbarium/complete",
                           data={"on": "2026-11-24", "summary": "x", "csrf_token": csrf(client, "/login")})
    # A POST without a login is refused outright (401), not redirected; a wrong role is 403.
    assert response.status_code == (401 if who is None else 403) and ledger.state == before
