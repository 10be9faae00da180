"""In a real browser: Playwright driving Debian's Chromium against the app on loopback.

A chair runs a whole sitting in Chinese — check-in, a vote with three phone voters and a card
count entered and confirmed — to the result on the projector. Screenshots of each page are kept
in ``test-artifacts/screenshots/``; axe-core checks the voter's page and the projector for
contrast and target size. Every page runs under the app's Content-Security-Policy: a test fails
if the browser reports a violation (an inline script or style, an eval).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed (scripts/test.sh installs Debian's chromium)",
                allow_module_level=True)
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    instance = tmp_path_factory.mktemp("browser-instance")
    port = _free_port()
    env = {**os.environ, "DELIBERATE_INSTANCE": str(instance)}
    env.pop("DELIBERATE_DATABASE_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "webui", "--port", str(port)], cwd=instance,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("the web UI did not start: " + (proc.stdout.read() if proc.stdout else ""))
    yield f"http://127.0.0.1:{port}", instance
    proc.terminate()
    proc.wait(timeout=10)


class _Watched:
    """The browser, whose every context reports what the Content-Security-Policy blocked."""

    def __init__(self, browser) -> None:
        self._browser = browser
        self.violations: list[str] = []

    def new_context(self, **options):
        context = self._browser.new_context(**options)
        context.on("console", lambda m: self.violations.append(m.text)
                   if "Content Security Policy" in m.text else None)
        return context


@pytest.fixture(scope="module")
def watched():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield _Watched(b)
        b.close()


@pytest.fixture
def browser(watched):
    watched.violations.clear()
    yield watched
    assert watched.violations == [], watched.violations


def _inject(page, script: Path) -> None:
    # Through DevTools, not a <script> tag: the page's policy allows no inline script.
    page.evaluate(script.read_text(encoding="utf-8"))


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _login(browser, base: str, username: str):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/login?lang=zh_Hans")
    page.fill("#username", username)
    page.fill("#password", "demo1234")
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r".*/$"))
    return page


def _voter_link(instance: Path, person: str) -> str:
    env = {**os.environ, "DELIBERATE_INSTANCE": str(instance)}
    env.pop("DELIBERATE_DATABASE_URL", None)
    code = ("from webui import create_app\nfrom webui.services import voter_token\n"
            "app = create_app()\nwith app.app_context():\n"
            f"    print(voter_token('demo', 'live', {person!r}))")
    return subprocess.run([sys.executable, "-c", code], cwd=instance, env=env, check=True,
                          capture_output=True, text=True).stdout.strip()


def _axe(page) -> list[dict]:
    _inject(page, AXE)
    result = page.evaluate("""async () => (await axe.run(document, {
        runOnly: {type: 'rule', values: ['color-contrast', 'target-size', 'html-has-lang',
                                          'button-name', 'label', 'image-alt']}})).violations""")
    return [{"id": v["id"], "nodes": [n["html"] for n in v["nodes"]][:3]} for v in result]


def test_a_chair_runs_a_whole_sitting_in_chinese(server, browser):
    base, instance = server
    chair = _login(browser, base, "chair")
    _shot(chair, "01-index")
    hall = f"{base}/v/demo/s/live/hall"
    chair.goto(hall)
    _shot(chair, "02-hall-convened")
    chair.click("text=宣布开会")
    members = [f"p{n:04d}" for n in range(1, 31)]
    for person in members[:24]:
        chair.fill("#who", person)
        chair.click("form[action$='/check-in'] button")
    chair.wait_for_selector("text=已签到")
    # The console's script sends the scans one after another: wait for the last answer's count.
    chair.wait_for_function("() => document.querySelector('#counts tfoot td:nth-of-type(2)').innerText.trim() === '24'")
    chair.wait_for_selector("text=已达到法定人数")  # the panel, refreshed when the last answer came
    assert "符合法定人数" in chair.content() or "已达到法定人数" in chair.content()
    chair.fill("#motion", "审议《修建灌溉水渠方案》")
    chair.click("form[action$='/vote/open'] button")
    chair.wait_for_selector("text=正在表决")
    _shot(chair, "03-hall-voting")

    # Three villagers vote on their phones.
    phones = []
    for person, label in (("p0001", "赞成"), ("p0002", "赞成"), ("p0003", "反对")):
        context = browser.new_context(locale="zh-CN", viewport={"width": 414, "height": 860},
                                      is_mobile=True, has_touch=True)
        phone = context.new_page()
        phone.goto(f"{base}/b/{_voter_link(instance, person)}?lang=zh_Hans")
        phone.click(f"button.choice:has-text('{label}')")
        phone.wait_for_selector(f"text=您的选择已记录：{label}")
        phones.append(phone)
    _shot(phones[2], "04-voter-recorded")
    violations = _axe(phones[0])
    assert violations == [], violations

    # 21 others raise cards: the counter enters the count, the scrutineer confirms it.
    counter = _login(browser, base, "counter")
    counter.goto(hall)
    counter.fill("input[name=approve]", "19")
    counter.fill("input[name=oppose]", "1")
    counter.fill("input[name=abstain]", "1")
    counter.click("form[action$='/vote/cards'] button")
    counter.wait_for_selector("text=待监票人确认")
    scrutineer = _login(browser, base, "scrutineer")
    scrutineer.goto(hall)
    scrutineer.click("form[action$='/vote/confirm'] button")
    scrutineer.wait_for_selector("text=已确认")

    projector = browser.new_context(locale="zh-CN", viewport={"width": 1600, "height": 900}).new_page()
    projector.goto(f"{base}/v/demo/s/live/screen?lang=zh_Hans")
    projector.wait_for_selector(".voted .num:text-is('3')")
    _shot(projector, "05-projector-voting")

    chair.goto(hall)
    chair.click("form[action$='/vote/close'] button")
    chair.wait_for_selector("text=表决结果")
    _shot(chair, "06-hall-result")
    # The projector picks the result up by itself within two seconds. 21 of the 40 full members
    # who should attend approve: 21*2 > 40, so it passes (20 would not).
    projector.wait_for_selector(".tally .approve .num:text-is('21')", timeout=4000)
    verdict = projector.inner_text(".verdict")
    assert verdict == "通过", verdict
    _shot(projector, "07-projector-result")
    violations = _axe(projector)
    assert violations == [], violations


JSQR = Path(__file__).parent / "vendor" / "jsqr-1.4.0" / "jsQR.js"
PUBLIC_RULES = ["color-contrast", "target-size", "html-has-lang", "button-name", "label", "image-alt",
                "link-name", "document-title", "duplicate-id-aria", "list", "listitem",
                "definition-list", "dlitem", "svg-img-alt", "heading-order"]


def _axe_all(page) -> list[dict]:
    _inject(page, AXE)
    result = page.evaluate("""async (rules) => (await axe.run(document, {
        runOnly: {type: 'rule', values: rules}})).violations""", PUBLIC_RULES)
    return [{"id": v["id"], "nodes": [n["html"] for n in v["nodes"]][:3]} for v in result]


def _read_qr(page, selector: str) -> str | None:
    """Read the QR code shown at ``selector`` as a phone would: from its pixels."""
    import base64

    png = base64.b64encode(page.locator(selector).screenshot()).decode()
    _inject(page, JSQR)
    return page.evaluate("""async (png) => {
        // A bitmap from bytes, not an <img> from a data: URL, which the page's policy refuses.
        const bytes = Uint8Array.from(atob(png), (c) => c.charCodeAt(0));
        const img = await createImageBitmap(new Blob([bytes], {type: 'image/png'}));
        const canvas = document.createElement('canvas');
        canvas.width = img.width; canvas.height = img.height;
        const ctx = canvas.getContext('2d');
        ctx.drawImage(img, 0, 0);
        const found = jsQR(ctx.getImageData(0, 0, img.width, img.height).data, img.width, img.height);
        return found ? found.data : null;
    }""", png)


def test_the_public_pages_the_printed_notice_and_its_qr_code(server, browser):
    base, _ = server
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844},
                                  device_scale_factor=2)  # a villager's phone
    page = context.new_page()
    for path, name in (("/p/demo", "20-public-village"), ("/p/demo/m/lights", "21-public-matter"),
                       ("/p/demo/submissions", "22-public-submissions"), ("/p/demo/verify", "23-public-verify")):
        page.goto(f"{base}{path}?lang=zh_Hans")
        _shot(page, name)
        violations = _axe_all(page)
        assert violations == [], (path, violations)

    # A villager raises a need from the phone; they land on its page with its number and date.
    page.goto(f"{base}/p/demo/submissions")
    page.fill("#text", "村口路灯坏了两盏")
    page.fill("#contact", "13700000000")
    page.click("button[type=submit].primary")
    page.wait_for_selector("text=您的编号是")
    assert "村口路灯坏了两盏" in page.inner_text("main") and "13700000000" not in page.content()

    # The resolution notice of the street lights, as printed: one A4 page, its QR code pointing at
    # the matter's public page, the record's checkpoint on it.
    desk = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    notice = desk.new_page()
    notice.goto(f"{base}/p/demo/m/lights/notice/1?lang=zh_Hans")
    # python -m webui puts the hall's address in it (the one phones open), not the 127.0.0.1 the
    # browser here uses.
    from webui.hallnet import hall_url, lan_addresses

    found = lan_addresses()
    phones = hall_url(found[0], int(base.rsplit(":", 1)[1])) if found else base
    assert _read_qr(notice, "figure.qr svg") == f"{phones}/p/demo/m/lights"
    # The print button works without an inline handler (the policy would block one).
    notice.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    notice.click("button[data-print]")
    assert notice.evaluate("window.printed") == 1
    notice.emulate_media(media="print")
    _shot(notice, "24-notice-print-preview")
    pdf = notice.pdf(format="A4", print_background=True)
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 1  # it fits on one sheet
    assert re.search(r"[0-9a-f]{64}", notice.inner_text("article.notice"))  # the checkpoint
    violations = _axe_all(notice)
    assert violations == [], violations
    context.close()
    desk.close()


def test_a_clerk_records_progress_with_a_receipt_and_answers_a_submission(server, browser, tmp_path):
    base, _ = server
    clerk = _login(browser, base, "clerk")
    clerk.goto(f"{base}/v/demo/m/columbarium?lang=zh_Hans")
    receipt = tmp_path / "发票.pdf"
    receipt.write_bytes(b"%PDF-1.4 receipt for 30 tonnes of cement")
    clerk.fill("#description", "完成主体结构")
    clerk.fill("#spent", "300000")
    clerk.set_input_files("#files", str(receipt))
    _shot(clerk, "25-matter-progress")
    clerk.click("text=登记进展")
    clerk.wait_for_selector("text=操作已完成")
    assert "完成主体结构" in clerk.inner_text("main") and "900,000.00" in clerk.inner_text("main")  # 600,000 + 300,000
    # The public page lists the file with its SHA-256, and the download is the same bytes.
    public = browser.new_context(locale="zh-CN", accept_downloads=True).new_page()
    public.goto(f"{base}/p/demo/m/columbarium?lang=zh_Hans")
    import hashlib
    digest = hashlib.sha256(receipt.read_bytes()).hexdigest()
    assert digest in public.inner_text("main")
    with public.expect_download() as download:
        public.click("text=发票.pdf")
    assert Path(download.value.path()).read_bytes() == receipt.read_bytes()
    # The submissions ledger: q4 is answered directly.
    clerk.goto(f"{base}/v/demo/submissions?lang=zh_Hans")
    _shot(clerk, "26-submissions-ledger")
    card = clerk.locator("section.card", has_text="老年人免费体检")
    card.locator("summary", has_text="直接答复办结").click()
    clerk.fill("#answer-q4", "已联系镇卫生院，每年十月到村里体检")
    card.locator("button", has_text="直接答复办结").click()
    clerk.wait_for_selector("text=操作已完成")
    public.goto(f"{base}/p/demo/submissions?lang=zh_Hans&status=answered")
    assert "已联系镇卫生院，每年十月到村里体检" in public.inner_text("main")
