"""The projector, read from the back of the hall (issue 11 §4), in Chromium.

``python -m webui`` as a hall runs it (tests/hall_server.py), the demo village's live sitting
moved through three states by the record itself: before a vote (24 of 40 checked in, the sitting
open), during a secret vote (turnout only), after its close (the result). At 1024×768, 1280×720
and 1920×1080 every element of the page is inside the viewport — nobody scrolls a projector —
the address corner overlaps nothing, the labels (应到 / 实到) are large beside their numbers,
通过 / 未通过 is as large as the numbers, and the result carries its percentages, the rule applied
and the explanation the chair reads aloud. A secret vote shows no one's name, id or receipt.
Screenshots are kept in ``test-artifacts/screenshots/`` (11-projector-<state>-<size>.png), and
copied into docs/images/ for the guide when UPDATE_GUIDE_IMAGES is set. Nothing is sent to any address but 127.0.0.1.
"""

from __future__ import annotations

import os
import re
import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hall_server import hall_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
GUIDE = ROOT / "docs" / "images"
AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SIZES = ((1024, 768), (1280, 720), (1920, 1080))
MOTION = "审议《修建灌溉水渠方案》：新建水渠1.2公里，投资120万元"

if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed (scripts/test.sh installs Debian's chromium)", allow_module_level=True)
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


class Hall:
    """The running hall server and the record it serves, which the test moves as the chair would
    (through the ledger and the ballot use case, on the instance's own database)."""

    def __init__(self, server) -> None:
        from webui import create_app

        instance = server.instance
        self.server = server
        self.app = create_app({"DATABASE_URL": f"sqlite:///{instance / 'deliberate.sqlite3'}",
                               "SECRET_KEY": (instance / "secret_key").read_text(encoding="ascii").strip()})
        self.store = self.app.extensions["deliberate"]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.port}/v/demo/s/live/screen?lang=zh_Hans"

    def ledger(self):
        from deliberate.ledger import Ledger

        return Ledger("demo", self.store)

    def do(self, *commands) -> None:
        ledger, now = self.ledger(), datetime.now(ZoneInfo("Asia/Shanghai"))
        for command in commands:
            ledger.handle(command, now)

    @property
    def sitting(self):
        return self.ledger().state.sittings["live"]

    def voters(self) -> list[str]:
        return sorted(self.sitting.roster.voters)


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    with hall_server(tmp_path_factory.mktemp("projector")) as server:
        yield Hall(server)


def _shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))  # the viewport only: what the room sees
    if os.environ.get("UPDATE_GUIDE_IMAGES"):
        shutil.copy(path, GUIDE / path.name)
    return path


FIT = """() => {
  const w = window.innerWidth, h = window.innerHeight, out = [];
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    const name = el.tagName.toLowerCase() + (el.className && el.className.baseVal === undefined
                                             ? '.' + el.className : '');
    if (r.left < -0.5 || r.top < -0.5 || r.right > w + 0.5 || r.bottom > h + 0.5)
      out.push(name + ' at ' + [r.left, r.top, r.right, r.bottom].map(Math.round).join(','));
    // Text cut off inside its own box counts as outside too.
    if (style.overflow !== 'visible' && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1))
      out.push(name + ' clips its content');
  }
  const doc = document.documentElement;
  if (doc.scrollWidth > w || doc.scrollHeight > h)
    out.push('the page scrolls: ' + doc.scrollWidth + 'x' + doc.scrollHeight);
  return out;
}"""

OVERLAP = """() => {
  // Every line of words and numbers outside the corner, against the corner's box.
  const corner = document.querySelector('aside.phones').getBoundingClientRect();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const hit = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim() || node.parentElement.closest('aside.phones, noscript')) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects())
      if (r.left < corner.right && corner.left < r.right && r.top < corner.bottom && corner.top < r.bottom)
        hit.push(node.textContent.trim().slice(0, 30));
  }
  return hit;
}"""


def _px(page, *selectors: str) -> list[float]:
    """The font sizes of ``selectors``, read at one moment (the panel is swapped every second)."""
    return page.evaluate("""(selectors) => selectors.map(
        (s) => parseFloat(getComputedStyle(document.querySelector(s)).fontSize))""", list(selectors))


def _axe(page) -> list[dict]:
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("""async () => (await axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})).violations""")
    return [{"id": v["id"], "nodes": [n["html"][:200] for n in v["nodes"]][:3]} for v in result]


def _check_screen(page, width: int, height: int, state: str) -> None:
    assert page.evaluate(FIT) == [], (state, width, height)
    assert page.evaluate(OVERLAP) == [], (state, width, height)
    # Nothing to click on a projector: no language links, no login, no brand link.
    assert page.locator("a, nav, button, header").count() == 0
    # 应到 / 实到 readable with their numbers: at least 40 % of the number's size, and large.
    label, number = _px(page, ".screen-numbers .label", ".screen-numbers .num")
    assert label >= 0.4 * number and label >= 28, (label, number)
    assert _axe(page) == [], (state, width, height)


def _each_size(browser, hall: Hall, state: str, ready: str):
    for width, height in SIZES:
        page = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height}).new_page()
        page.goto(hall.url)
        page.wait_for_selector(ready)
        _shot(page, f"11-projector-{state}-{width}x{height}")
        _check_screen(page, width, height, state)
        yield page, width, height
        page.context.close()


def test_the_projector_fits_one_screen_before_during_and_after_a_secret_vote(hall, browser):
    from deliberate import Choice
    from deliberate import commands as c
    from deliberate.usecases.ballot import cast_ballot
    from deliberate.usecases.records import person_names

    voters = hall.voters()
    present = voters[:24]
    names = person_names(hall.store, "demo")
    private = [p for p in present] + [names[p] for p in present if p in names]

    # Before a vote: 24 of the 40 checked in, the sitting open.
    hall.do(*(c.CheckIn("live", p) for p in present), c.OpenSitting("live", by="p0001"))
    for page, _, _ in _each_size(browser, hall, "before", "text=已达到法定人数"):
        text = page.inner_text("body")
        assert "应到" in text and "40" in text and "实到" in text and "24" in text

    # A secret vote: 23 of the 24 vote on their phones; the projector shows how many have voted.
    hall.do(c.OpenVote("live", "v1", "channel", MOTION, secret=True))
    choices = [Choice.APPROVE] * 21 + [Choice.OPPOSE, Choice.ABSTAIN]
    receipts = []
    for person, choice in zip(present, choices, strict=False):
        cast = cast_ballot(hall.store, "demo", "live", person, "v1", choice, None,
                           datetime.now(ZoneInfo("Asia/Shanghai")))
        receipts.append(cast.fresh[0])
    for page, _, _ in _each_size(browser, hall, "voting", ".voted .num:text-is('23')"):
        text = page.inner_text("body")
        assert MOTION in text
        assert not [p for p in private + receipts if p in text]  # no one's name, id or receipt
        assert not re.search(r"赞成\s*\d", text)  # and no running split of a secret vote

    # Closed: the result, with its percentages, the rule and the explanation read aloud.
    hall.do(c.CloseVote("live", "v1"))
    result = hall.sitting.results[-1]
    assert result.passed  # 21 approvals of 40 expected: more than half
    for page, _, _ in _each_size(browser, hall, "result", ".verdict"):
        text = page.inner_text("main")
        assert page.inner_text(".verdict").strip() == "通过"
        verdict, number = _px(page, ".verdict", ".tally .num")
        assert verdict >= number, (verdict, number)  # as large as the numbers
        for share in ("87.5%", "4.2%"):  # 21 and 1 of the 24 present, as the printed notice has them
            assert share in text, share
        assert result.rule.title.text("zh_Hans") in text and result.rule.citation.text("zh_Hans") in text
        assert result.explain("zh_Hans") in text.replace("\n", "")
        assert not [p for p in private + receipts if p in text]



def test_a_failed_vote_fits_as_well(tmp_path, browser):
    """未通过 is wider than 通过: an open vote that fails, on a hall of its own (a matter that
    fails leaves its step, so the first test's sitting cannot vote on it again)."""
    from deliberate import Choice
    from deliberate import commands as c
    from deliberate.usecases.ballot import cast_ballot

    with hall_server(tmp_path) as server:
        hall = Hall(server)
        present = hall.voters()[:24]
        hall.do(*(c.CheckIn("live", p) for p in present), c.OpenSitting("live", by="p0001"))
        hall.do(c.OpenVote("live", "v0", "channel", MOTION, secret=False))
        choices = [Choice.APPROVE] * 12 + [Choice.OPPOSE] * 10 + [Choice.ABSTAIN] * 2
        for person, choice in zip(present, choices, strict=True):
            cast_ballot(hall.store, "demo", "live", person, "v0", choice, None,
                        datetime.now(ZoneInfo("Asia/Shanghai")))
        hall.do(c.CloseVote("live", "v0"))
        for page, _, _ in _each_size(browser, hall, "failed", ".verdict.no"):
            assert page.inner_text(".verdict").strip() == "未通过"
            text = page.inner_text("main")
            assert "50.0%" in text and "41.7%" in text  # 12 and 10 of the 24 present
            verdict, number = _px(page, ".verdict", ".tally .num")
            assert verdict >= number, (verdict, number)
