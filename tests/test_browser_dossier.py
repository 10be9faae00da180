"""The dossier (登记表) and the sign-in sheet (签到表) in a real browser: printed to PDF on A4 by
Chromium and their pages counted; axe-core on both; the dossier's QR code read from its pixels.
Screenshots (A4 print size and a 360×640 phone) go to docs/images/dossier-*.png."""

from __future__ import annotations

import re
import threading

import pytest
from helpers import demo_app
from test_browser import ARTIFACTS, CHROMIUM, FLAGS, ROOT, _axe, _axe_all, _read_qr, playwright_api

IMAGES = ROOT / "docs" / "images"
A4 = {"width": 794, "height": 1123}  # 210 × 297 mm at 96 px an inch
PHONE = {"width": 360, "height": 640}
BRIDGE_PAGES = 3  # the bridge's four sittings, its notice and the checkpoint fit on this many A4 pages
LIVE_PAGES = 2  # the live sitting's 43 people to sign in, with the counts and signature lines


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from werkzeug.serving import make_server

    app = demo_app(tmp_path_factory.mktemp("dossier") / "web.sqlite3", PUBLIC_URL="https://cun.example.cn")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", app
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def chromium():
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


def _login(chromium, base, viewport):
    context = chromium.new_context(locale="zh-CN", viewport=viewport)
    page = context.new_page()
    page.goto(f"{base}/login?lang=zh_Hans")
    page.fill("#username", "clerk")
    page.fill("#password", "demo1234")
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r".*/$"))
    return page


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def _shot(page, name: str) -> None:
    for folder in (IMAGES, ARTIFACTS):
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"dossier-{name}.png"), full_page=False)


def _print(page, name: str) -> int:
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"dossier-{name}.pdf").write_bytes(pdf)
    return _pdf_pages(pdf)


def test_the_bridge_dossier_prints_on_few_a4_pages_with_a_qr_code_to_the_matter(site, chromium):
    base, _ = site
    page = _login(chromium, base, A4)
    page.goto(f"{base}/v/demo/m/bridge/dossier?lang=zh_Hans")
    assert page.is_visible("text=“四议两公开”事项登记表")
    assert _axe(page) == [] and _axe_all(page) == []
    assert _print(page, "bridge") == BRIDGE_PAGES
    page.emulate_media(media="print")
    _shot(page, "bridge-a4")
    page.emulate_media(media="screen")
    assert _read_qr(page, ".dossier-foot .qr svg") == "https://cun.example.cn/p/demo/m/bridge"
    phone = _login(chromium, base, PHONE)
    phone.goto(f"{base}/v/demo/m/bridge/dossier?lang=zh_Hans")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _shot(phone, "bridge-phone")


def test_the_sign_in_sheets_print_one_row_a_name_on_a_counted_number_of_pages(site, chromium):
    base, app = site
    state = app.extensions["deliberate"].load("demo")[0]
    page = _login(chromium, base, A4)
    page.goto(f"{base}/v/demo/s/live/sign-in?lang=zh_Hans")
    assert page.locator("tbody tr").count() == len(state.sittings["live"].roster.attendees) == 43
    assert _axe(page) == [] and _axe_all(page) == []
    assert _print(page, "live-sign-in") == LIVE_PAGES
    page.emulate_media(media="print")
    _shot(page, "sign-in-a4")
    page.emulate_media(media="screen")
    # The villagers' meeting that decided the street lights: 320 names with their households.
    meeting = state.sittings_for("lights")[-1]
    page.goto(f"{base}/v/demo/s/{meeting.id}/sign-in?lang=zh_Hans")
    assert page.locator("tbody tr").count() == 320
    pages = _print(page, "villagers-sign-in")
    print(f"villagers' meeting sign-in sheet: 320 rows on {pages} A4 pages")
    assert _axe(page) == []
    page.emulate_media(media="print")
    _shot(page, "sign-in-households-a4")
    page.emulate_media(media="screen")
    # Nine millimetres a row: between 25 and 30 rows on an A4 page, the counts on the last.
    assert -(-320 // 30) <= pages <= -(-320 // 25) + 1, pages
    phone = _login(chromium, base, PHONE)
    phone.goto(f"{base}/v/demo/s/live/sign-in?lang=zh_Hans")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _shot(phone, "sign-in-phone")
