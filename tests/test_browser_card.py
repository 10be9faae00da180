"""The voter card (选民卡) in a real browser: the clerk prints cards six to an A4 page (counted in
the PDF Chromium prints); the holder, checked in at the door by the card's code, scans the card's
QR code with a 360×640 phone and votes; a second phone is refused in plain Chinese; axe-core
checks every page shown. Screenshots go to docs/images/card-*.png."""

from __future__ import annotations

import re
import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from helpers import demo_app
from test_browser import ARTIFACTS, CHROMIUM, FLAGS, ROOT, _axe, _read_qr, playwright_api

from deliberate import Ledger
from deliberate import commands as c
from deliberate.usecases import cards

IMAGES = ROOT / "docs" / "images"
VILLAGE, SITTING = "demo", "live"
PHONE = {"width": 360, "height": 640}
LEFT = 13  # villagers left without a card before printing: three A4 pages (6 + 6 + 1)
SERVED: dict = {}  # the app the module's server runs, for a test that issues a card directly


def _now():
    return datetime.now(ZoneInfo("Asia/Shanghai"))


@pytest.fixture(scope="module")
def chromium():
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    """The live sitting open with 30 present and a vote running; every adult but ``LEFT`` of the
    voters holding a card already; served on loopback."""
    from werkzeug.serving import make_server

    app = demo_app(tmp_path_factory.mktemp("card") / "web.sqlite3")
    SERVED["app"] = app
    store = app.extensions["deliberate"]
    ledger = Ledger(VILLAGE, store)
    voters = sorted(ledger.state.sittings[SITTING].roster.voters)
    for person in voters[LEFT:LEFT + 30]:
        ledger.handle(c.CheckIn(SITTING, person), _now())
    ledger.handle(c.OpenSitting(SITTING, by="p0001"), _now())
    ledger.handle(c.OpenVote(SITTING, "v1", "channel", "审议《修建灌溉水渠方案》"), _now())
    with app.app_context():
        from webui.cards import _key
        holders = [h.person for h in cards.card_holders(store, VILLAGE, _now())]
        cards.issue_cards(store, _key(), VILLAGE, [p for p in holders if p not in voters[:LEFT]], _now())
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", ledger, voters
    server.shutdown()
    thread.join(timeout=10)


def _shot(page, name: str, **options) -> None:
    for folder in (IMAGES, ARTIFACTS):
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"card-{name}.png"), **options)


def _login(chromium, base, username):
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto(f"{base}/login?lang=zh_Hans")
    page.fill("#username", username)
    page.fill("#password", "demo1234")
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r".*/$"))
    return page


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def _phone(chromium):
    context = chromium.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    return context.new_page()


def test_print_six_cards_to_a_page_then_check_in_scan_and_vote_on_one_phone(hall, chromium):
    base, ledger, _ = hall
    clerk = _login(chromium, base, "clerk")
    clerk.goto(f"{base}/v/{VILLAGE}/cards?lang=zh_Hans")
    assert clerk.is_visible(f"text={LEFT}人还没有卡")
    assert _axe(clerk) == []
    _shot(clerk, "list")
    clerk.click(f"text=为还没有卡的{LEFT}人制卡并打印")
    clerk.wait_for_selector(".voter-card")
    assert clerk.locator(".voter-card").count() == LEFT
    first = clerk.locator(".voter-card").first
    for words in ("选民卡", "持卡人", "每次开会都带来", "文书扫卡签到", "微信", "卡丢了请马上告诉文书"):
        assert words in first.inner_text()
    assert _axe(clerk) == []
    _shot(clerk, "print-screen")
    # Printed: six cards to an A4 page, in the PDF Chromium makes.
    pdf = clerk.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    assert _pdf_pages(pdf) == -(-LEFT // 6) == 3
    (ARTIFACTS / "card-print.pdf").write_bytes(pdf)
    clerk.emulate_media(media="print")
    tops = clerk.evaluate("() => Array.from(document.querySelectorAll('.voter-card')).map((e) => "
                          "Math.round(e.getBoundingClientRect().top))")
    assert len(set(tops[:6])) == 3 and len(set(tops[:2])) == 1  # two columns, three rows
    clerk.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 px an inch
    _shot(clerk, "print-a4")
    clerk.emulate_media(media="screen")
    clerk.set_viewport_size({"width": 1366, "height": 768})

    # The first card's holder: the QR code read from the page as a phone's camera reads it.
    person = first.get_attribute("data-person")
    url = _read_qr(clerk, ".voter-card >> nth=0 >> .card-qr svg")
    code = first.locator(".card-code span").inner_text()
    assert url == f"{base}/card#{code.replace('-', '')}"
    phone = _phone(chromium)
    phone.goto(url.replace("/card#", "/card?lang=zh_Hans#"))
    phone.wait_for_selector("text=您还没有签到")
    assert _axe(phone) == []
    _shot(phone, "phone-not-checked-in")

    # Checked in at the door by the code on the card.
    clerk.goto(f"{base}/v/{VILLAGE}/s/{SITTING}/hall?lang=zh_Hans")
    clerk.fill("#who", code)
    clerk.press("#who", "Enter")
    clerk.wait_for_selector("text=签到成功")
    clerk.evaluate("() => window.scrollTo(0, 0)")
    _shot(clerk, "console-checked-in")
    assert person in ledger.state.sittings[SITTING].present

    phone.goto(url.replace("/card#", "/card?lang=zh_Hans#"))
    phone.wait_for_selector("button.choice.approve")
    assert code.replace("-", "") not in phone.url  # the code left the address bar
    assert _axe(phone) == []
    _shot(phone, "phone-vote")
    phone.click("button.choice.approve")
    phone.wait_for_selector("text=您的选择已记录：赞成")
    assert ledger.state.open_vote(SITTING).voters.get(person) is not None
    _shot(phone, "phone-voted")

    # A second phone: refused, in plain Chinese, until the clerk releases the card.
    other = _phone(chromium)
    other.goto(url.replace("/card#", "/card?lang=zh_Hans#"))
    other.wait_for_selector("text=这张卡已经在另一部手机上打开了")
    assert _axe(other) == []
    _shot(other, "phone-second-refused")
    other.goto(phone.url)  # the first phone's address, copied: votes for nobody
    assert other.is_visible("text=这部手机已不能用这张卡表决")

    clerk.click("text=换手机：解除选民卡与手机的绑定")
    clerk.fill("#release-who", person)
    clerk.click("form[action$='/cards/release'] button")
    clerk.wait_for_selector("text=已解除")
    clerk.evaluate("() => window.scrollTo(0, 0)")
    _shot(clerk, "console-released")
    other.goto(url.replace("/card#", "/card?lang=zh_Hans#"))
    other.wait_for_selector("text=您的选择已记录：赞成")  # the same ballot, now on the new phone


def test_a_lost_card_replaced_on_the_cards_page_is_refused_at_the_door_and_on_the_phone(hall, chromium):
    """挂失补卡 in the browser: the clerk replaces a villager's card on the cards page; the old card's
    QR code, opened on a phone, says it was revoked, and scanned at the door it is named as the
    holder's revoked card; the new card checks its holder in."""
    base, ledger, voters = hall
    person = next(p for p in voters if p not in ledger.state.sittings[SITTING].present)
    from webui.cards import _key  # the key of the site's secret, as the web UI makes it

    app = SERVED["app"]
    with app.app_context():  # the card as the clerk would have printed it, its code in hand
        (old,) = cards.issue_cards(app.extensions["deliberate"], _key(), VILLAGE, [person], _now())
    clerk = _login(chromium, base, "clerk")
    clerk.goto(f"{base}/v/{VILLAGE}/cards?lang=zh_Hans")
    name = old.name
    clerk.click(f"button[aria-label='为{name}挂失补卡']")
    clerk.wait_for_selector(".voter-card")
    assert clerk.locator(".voter-card").count() == 1
    new_code = clerk.locator(".voter-card .card-code span").inner_text()
    assert new_code != old.code
    assert _axe(clerk) == []

    phone = _phone(chromium)
    phone.goto(f"{base}/card?lang=zh_Hans#{old.code.replace('-', '')}")
    phone.wait_for_selector("text=这张卡已挂失作废")
    assert _axe(phone) == []
    _shot(phone, "phone-revoked")

    clerk.goto(f"{base}/v/{VILLAGE}/s/{SITTING}/hall?lang=zh_Hans")
    clerk.fill("#who", old.code)
    clerk.press("#who", "Enter")
    clerk.wait_for_selector(f"text=这是{name}已挂失作废的旧卡")
    assert person not in ledger.state.sittings[SITTING].present
    clerk.fill("#who", new_code)
    clerk.press("#who", "Enter")
    clerk.wait_for_selector("text=签到成功")
    assert person in ledger.state.sittings[SITTING].present
