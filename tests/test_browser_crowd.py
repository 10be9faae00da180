"""1,500 present (issue 11 §3), in Chromium, on ``python -m webui`` as a hall runs it: the crowd
village of tests/crowd.py added to the hall's database, everyone checked in. At 1366×768 the
chair's controls — open the vote, close it, adjourn, 散会 — lie within the first screen; the
search finds people by number and by group; a scanner's check-in is answered in place and the
box is ready for the next card; axe-core finds nothing, on the laptop and on a 360×640 phone. The
projector still fits one screen at 1024×768, 1280×720 and 1920×1080 with 1,500 present, before,
during and after a vote. Screenshots in test-artifacts/screenshots/ (crowd-*.png); nothing is sent
to any address but 127.0.0.1."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from crowd import ACCOUNTS, PASSWORD, SITTING, VILLAGE, check_in_all, install_crowd
from hall_server import hall_server
from test_browser_projector import (  # noqa: F401 — browser is a fixture
    ARTIFACTS,
    ROOT,
    SIZES,
    _axe,
    _check_screen,
    browser,
)

from deliberate import Ledger
from deliberate import commands as c

CST = ZoneInfo("Asia/Shanghai")
PRESENT = "#counts tfoot td:nth-of-type(2)"  # the total present, beside the total expected
MOTION = "审议《硬化村内主干道方案》：硬化主干道3公里，宽4.5米，投资200万元，其中上级补助120万元"


class Crowd:
    def __init__(self, server) -> None:
        from webui import create_app

        instance = server.instance
        self.port = server.port
        self.app = create_app({"DATABASE_URL": f"sqlite:///{instance / 'deliberate.sqlite3'}",
                               "SECRET_KEY": (instance / "secret_key").read_text(encoding="ascii").strip()})
        self.store = self.app.extensions["deliberate"]
        install_crowd(self.store)
        check_in_all(self.store)
        self.do(c.OpenSitting(SITTING, by="p0001"))

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/v/{VILLAGE}/s/{SITTING}/{path}"

    def do(self, *commands) -> None:
        ledger, now = Ledger(VILLAGE, self.store), datetime.now(CST)
        for command in commands:
            ledger.handle(command, now)

    @property
    def sitting(self):
        return Ledger(VILLAGE, self.store).state.sittings[SITTING]


@pytest.fixture
def crowd(tmp_path):
    with hall_server(tmp_path) as server:
        yield Crowd(server)


def _login(browser, crowd, username, viewport=(1366, 768)):  # noqa: F811 — a fixture's name
    page = browser.new_context(locale="zh-CN", viewport={"width": viewport[0], "height": viewport[1]}).new_page()
    page.goto(f"http://127.0.0.1:{crowd.port}/login?lang=zh_Hans")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r".*/$"))
    return page


def _shot(page, name):
    """The first screen, here and in docs/images/ (the clerk's guide shows it), and the whole page."""
    for folder in (ARTIFACTS, ROOT / "docs" / "images"):
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.png"))
    page.screenshot(path=str(ARTIFACTS / f"{name}-full.png"), full_page=True)


def _on_first_screen(page, selector):
    """The element's box lies wholly within the first screen (the page not scrolled)."""
    page.evaluate("window.scrollTo(0, 0)")
    box = page.locator(selector).bounding_box()
    height, width = page.viewport_size["height"], page.viewport_size["width"]
    assert box is not None, selector
    assert box["y"] >= 0 and box["y"] + box["height"] <= height and box["x"] + box["width"] <= width, (selector, box)


def test_the_chairs_controls_stay_on_the_first_screen_with_1500_present(crowd, browser):  # noqa: F811
    assert len(crowd.sitting.present) == 1500
    chair = _login(browser, crowd, ACCOUNTS[0][0])
    chair.goto(crowd.url("hall"))
    assert chair.inner_text(PRESENT) == "1500"
    _shot(chair, "crowd-console-1366x768")
    for control in ("form[action$='/vote/open'] button", "form[action$='/adjourn'] button",
                    "details.close-sitting summary", "#who"):
        _on_first_screen(chair, control)
    assert _axe(chair) == []

    # A scanner at the door, faster than the answers: five cards read back to back, none lost.
    people = [f"p{n:04d}" for n in range(771, 776)]
    crowd.do(*(c.CheckOut(SITTING, p) for p in people))
    chair.reload()
    assert chair.inner_text(PRESENT) == "1495"
    for person in people:
        chair.fill("#who", person)
        chair.press("#who", "Enter")
    chair.wait_for_function(f"() => document.querySelector('{PRESENT}').innerText.trim() === '1500'")
    assert all(p in crowd.sitting.present for p in people)
    assert "签到成功" in chair.inner_text("#door-said")
    assert chair.input_value("#who") == ""
    assert chair.evaluate("document.activeElement.id") == "who"
    chair.fill("#who", people[0])
    chair.press("#who", "Enter")
    chair.wait_for_selector("#door-said .flash.error")
    assert "重复签到" in chair.inner_text("#door-said")

    # The search: a number, then a group; a row's button checks out without leaving the page.
    chair.fill("#q", "p0150")
    chair.wait_for_selector("#a-p0150")
    chair.select_option("#group", "g3")
    chair.fill("#q", "")
    chair.wait_for_selector("#found >> text=另有")
    rows = chair.locator("#found li").count()
    assert rows == 30
    first = chair.locator("#found li").first.get_attribute("id")[2:]
    chair.locator(f"#a-{first} button").click()
    chair.wait_for_selector(f"#a-{first}.away")
    assert chair.inner_text(PRESENT) == "1499"
    assert first not in crowd.sitting.present
    _shot(chair, "crowd-console-search-1366x768")
    assert _axe(chair) == []

    # The teller dropdowns: a search fills them with a few names, not 1,500.
    chair.fill("#teller_q", "p120")
    chair.wait_for_selector("#teller-selects option[value=p1200]", state="attached")
    assert chair.locator("select[name=counter] option").count() <= 1 + 2 + 30
    chair.select_option("select[name=counter]", "p1200")
    chair.click("#teller-form button[type=submit]")
    chair.wait_for_selector("main > .flash.ok")
    assert "已保存" in chair.inner_text("main > .flash.ok")
    assert crowd.sitting.counters == ("p1200",)
    # With that message above everything, the controls are still on the first screen.
    for control in ("form[action$='/vote/open'] button", "form[action$='/adjourn'] button",
                    "details.close-sitting summary"):
        _on_first_screen(chair, control)

    chair.fill("#motion", MOTION)
    chair.click("form[action$='/vote/open'] button")
    chair.wait_for_selector("form[action$='/vote/close'] button")
    _on_first_screen(chair, "form[action$='/vote/close'] button")
    _shot(chair, "crowd-console-voting-1366x768")

    phone = _login(browser, crowd, ACCOUNTS[0][0], viewport=(360, 640))
    phone.goto(crowd.url("hall"))
    _shot(phone, "crowd-console-360x640")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert _axe(phone) == []


def test_the_projector_fits_one_screen_with_1500_present(crowd, browser):  # noqa: F811
    from deliberate import Choice
    from deliberate.usecases.ballot import cast_ballot

    def each_size(state, ready):
        for width, height in SIZES:
            page = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height}).new_page()
            page.goto(crowd.url("screen?lang=zh_Hans"))
            page.wait_for_selector(ready)
            page.screenshot(path=str(ARTIFACTS / f"crowd-projector-{state}-{width}x{height}.png"))
            _check_screen(page, width, height, state)
            yield page
            page.context.close()

    for page in each_size("before", ".screen-numbers"):
        assert "1500" in page.inner_text("main")
    crowd.do(c.OpenVote(SITTING, "v1", "road", MOTION))
    voters = sorted(crowd.sitting.roster.voters)
    choices = [Choice.APPROVE] * 451 + [Choice.OPPOSE] * 240 + [Choice.ABSTAIN] * 9
    for person, choice in zip(voters, choices, strict=False):
        cast_ballot(crowd.store, VILLAGE, SITTING, person, "v1", choice, None, datetime.now(CST))
    for _ in each_size("during", ".screen-numbers"):
        pass
    crowd.do(c.CloseVote(SITTING, "v1"))
    for page in each_size("after", ".verdict"):
        assert page.inner_text(".verdict").strip() in ("通过", "未通过")
