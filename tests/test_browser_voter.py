"""The voter's page in a real browser (issue 11 §5), on a 360×640 phone: it follows the vote to
its close by itself and then shows the result and what was counted; a tap says it is sending,
says so in the page when the connection fails, and arrives once when it comes back; with the
browser's font at 24 px or zoom at 200% the three buttons start on the first screen and after a
tap the confirmation is what the voter sees; every link and button is at least 44×44 px.

The app runs in this process on 127.0.0.1 (werkzeug's threaded server), so the test can close the
vote itself. Screenshots go to docs/images/voter-*.png; axe-core checks every state shown.
"""

from __future__ import annotations

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from helpers import demo_app
from test_browser import CHROMIUM, FLAGS, ROOT, _axe, playwright_api

from deliberate import Ledger
from deliberate import commands as c
from webui.services import voter_token

IMAGES = ROOT / "docs" / "images"
VILLAGE, SITTING = "demo", "live"
PHONE = {"width": 360, "height": 640}
MIN = 44


def _now():
    return datetime.now(ZoneInfo("Asia/Shanghai"))


@pytest.fixture(scope="module")
def chromium():
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture(params=[False, True], ids=["open", "secret"])
def hall(request, tmp_path):
    """A sitting with 40 present and a vote open, served on loopback; the voters' links."""
    from werkzeug.serving import make_server

    app = demo_app(tmp_path / "web.sqlite3")
    ledger = Ledger(VILLAGE, app.extensions["deliberate"])
    voters = sorted(ledger.state.sittings[SITTING].roster.voters)
    for person in voters[:40]:
        ledger.handle(c.CheckIn(SITTING, person), _now())
    ledger.handle(c.OpenSitting(SITTING, by="p0001"), _now())
    ledger.handle(c.OpenVote(SITTING, "v1", "channel", "审议《修建灌溉水渠方案》", secret=request.param), _now())
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    with app.app_context():
        links = [f"{base}/b/{voter_token(VILLAGE, SITTING, p)}?lang=zh_Hans" for p in voters[:3]]
    yield ledger, links, request.param
    server.shutdown()
    thread.join(timeout=10)


def _phone(chromium, **options):
    context = chromium.new_context(locale="zh-CN", viewport=options.pop("viewport", PHONE), is_mobile=True,
                                   has_touch=True, **options)
    return context, context.new_page()


def _shot(page, name: str) -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(IMAGES / f"voter-{name}.png"))


def _small_targets(page) -> list[str]:
    """Every visible link, button and summary smaller than 44×44 CSS px."""
    return page.evaluate("""(min) => Array.from(document.querySelectorAll('a, button, summary, input, select'))
        .filter((el) => el.type !== 'hidden' && el.getClientRects().length)
        .map((el) => [el.outerHTML.slice(0, 80), el.getBoundingClientRect()])
        .filter(([, r]) => r.width < min || r.height < min)
        .map(([html, r]) => `${html} ${Math.round(r.width)}x${Math.round(r.height)}`)""", MIN)


def _clean(page) -> None:
    assert _axe(page) == []
    assert _small_targets(page) == []


def test_the_page_follows_the_vote_to_its_close(chromium, hall):
    ledger, links, secret = hall
    context, page = _phone(chromium)
    page.goto(links[0])
    kind = "secret" if secret else "open"
    _shot(page, f"{kind}-1-voting")
    _clean(page)
    page.click("button.choice.approve")
    page.wait_for_selector("text=您的选择已记录：赞成")
    _shot(page, f"{kind}-2-recorded")
    _clean(page)
    ledger.handle(c.CloseVote(SITTING, "v1"), _now())
    # Nobody touches the phone: within a few seconds it shows the result and what was counted.
    page.wait_for_selector("text=您的选择已计入：赞成", timeout=10_000)
    assert page.locator("button.choice").count() == 0
    assert "表决已结束" in page.inner_text("main") and "通过" in page.inner_text(".verdict-line")
    if secret:
        receipt = ledger.state.sittings[SITTING].results[-1].ballots[0].receipt
        assert receipt in page.inner_text(".receipt-line")
    _shot(page, f"{kind}-3-closed")
    _clean(page)
    page.reload()
    assert "您的选择已计入：赞成" in page.inner_text("main") and page.locator("button.choice").count() == 0
    context.close()


def test_a_tap_says_it_is_sending_says_when_it_failed_and_arrives_once(chromium, hall):
    ledger, links, secret = hall
    context, page = _phone(chromium)
    held = []
    page.route("**/b/**", lambda route: held.append(route) if route.request.method == "POST" else route.continue_())
    page.goto(links[1])
    page.click("button.choice.oppose")
    page.wait_for_selector("#send:not([hidden])")
    assert "正在发送" in page.inner_text("#send")
    assert all(b.is_disabled() for b in page.locator("button.choice").all())
    _shot(page, "sending")
    # The ballot reaches the server and is recorded, but its answer is lost on the way back.
    page.wait_for_function("() => true")
    assert len(held) == 1
    held[0].fetch()
    held[0].abort("internetdisconnected")
    page.wait_for_selector("#send.failed")
    assert "网络不通" in page.inner_text("#send") and page.url.startswith(links[1].split("?")[0])
    _shot(page, "send-failed")
    _clean(page)
    page.unroute("**/b/**")
    # The page tries again by itself: one ballot, and (a secret vote) this phone has its codes.
    page.wait_for_selector("text=您的选择已记录：反对", timeout=15_000)
    vote = ledger.state.votes[SITTING]
    assert len(vote.voters) == 1 and vote.electronic.oppose == 1
    if secret:
        assert len(vote.box) == 1 and page.locator("details.codes").count() == 1
    # Offline altogether: said in the page, sent when the phone is back.
    context.set_offline(True)
    page.click("button.choice.abstain")
    page.wait_for_selector("#send.failed")
    context.set_offline(False)
    page.wait_for_selector("text=您的选择已记录：弃权", timeout=15_000)
    vote = ledger.state.votes[SITTING]
    assert len(vote.voters) == 1 and vote.electronic.abstain == 1 and vote.electronic.oppose == 0
    context.close()


@pytest.mark.parametrize("how", ["font24", "zoom200"])
def test_large_text_keeps_the_buttons_and_the_confirmation_on_the_first_screen(chromium, hall, how):
    _, links, secret = hall
    if how == "zoom200":  # 200% on a 360×640 phone: half the CSS pixels, each drawn twice
        context, page = _phone(chromium, viewport={"width": 180, "height": 320}, device_scale_factor=2)
    else:
        context, page = _phone(chromium)
        session = context.new_cdp_session(page)
        session.send("Page.setFontSizes", {"fontSizes": {"standard": 24, "fixed": 24}})
    height = page.viewport_size["height"]
    page.goto(links[2])
    if how == "font24":  # the browser's setting reached the page: 24 px × the site's 112.5%
        assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") == 27
    tops = [b.bounding_box()["y"] for b in page.locator("button.choice").all()]
    assert len(tops) == 3 and max(tops) < height, tops
    kind = "secret" if secret else "open"
    _shot(page, f"{how}-{kind}-1-voting")
    assert _small_targets(page) == []
    page.click("button.choice.approve")
    page.wait_for_selector("text=您的选择已记录：赞成")
    box = page.locator("#confirm").bounding_box()
    assert 0 <= box["y"] < height / 3, box
    _shot(page, f"{how}-{kind}-2-recorded")
    context.close()


def test_without_javascript_the_form_still_votes_and_lands_on_the_confirmation(chromium, hall):
    _, links, _ = hall
    context = chromium.new_context(locale="zh-CN", viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(links[0])
    page.click("button.choice.oppose")
    # The form's answer is a redirect to the page's #confirm: wait for that page to have loaded
    # (the browser scrolls to the fragment as layout settles; on a loaded machine, measuring as soon
    # as the text shows could catch the page before its scroll), then measure.
    page.wait_for_url("**#confirm")
    page.wait_for_load_state("load")
    page.wait_for_selector("text=您的选择已记录：反对")
    assert page.url.endswith("#confirm")
    page.wait_for_function("(h) => { const r = document.querySelector('#confirm').getBoundingClientRect();"
                           " return r.top >= 0 && r.top < h / 3; }", arg=PHONE["height"], timeout=10_000)
    box = page.locator("#confirm").bounding_box()
    assert 0 <= box["y"] < PHONE["height"] / 3, box
    context.close()
