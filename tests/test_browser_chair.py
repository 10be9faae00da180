"""The chair's console in a real browser (issue 11 §3): the scrutineer's confirm button appears
without a reload while the counter enters a count on another laptop; 散会 asks before it ends every
voter's link; axe-core finds nothing on the console; screenshots at 1366×768 and 360×640 are kept
in docs/images/ (the clerk's guide shows them)."""

from __future__ import annotations

import re

from test_browser import (  # noqa: F401 — server, watched, browser are fixtures
    ARTIFACTS,
    ROOT,
    _axe_all,
    browser,
    server,
    watched,
)

IMAGES = ROOT / "docs" / "images"


def _login(chromium, base, username, viewport=(1366, 768)):
    context = chromium.new_context(locale="zh-CN", viewport={"width": viewport[0], "height": viewport[1]})
    page = context.new_page()
    page.goto(f"{base}/login?lang=zh_Hans")
    page.fill("#username", username)
    page.fill("#password", "demo1234")
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r".*/$"))
    return page


def _shot(page, name):
    for folder in (IMAGES, ARTIFACTS):
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.png"))
    page.screenshot(path=str(ARTIFACTS / f"{name}-full.png"), full_page=True)


def test_the_chair_the_counter_and_the_scrutineer_in_a_browser(server, browser):  # noqa: F811 — fixtures
    base, _ = server
    hall = f"{base}/v/demo/s/live/hall"
    chair = _login(browser, base, "chair")
    chair.goto(hall)
    assert "现任计票人" in chair.inner_text("#tellers")
    chair.click("text=宣布开会")
    for n in range(1, 31):
        chair.fill("#who", f"p{n:04d}")
        chair.click("form[action$='/check-in'] button")
    chair.fill("#who", "p0001")
    chair.click("form[action$='/check-in'] button")
    # The console's script sends the check-ins in order and shows each answer in place.
    chair.wait_for_selector("#door-said .flash.error")
    assert "重复签到" in chair.inner_text("#door-said")
    _shot(chair, "chair-console-1366x768")
    assert _axe_all(chair) == []
    phone = _login(browser, base, "chair", viewport=(360, 640))
    phone.goto(hall)
    _shot(phone, "chair-console-360x640")
    assert _axe_all(phone) == []

    scrutineer = _login(browser, base, "scrutineer")
    scrutineer.goto(hall)
    chair.fill("#motion", "审议《修建灌溉水渠方案》")
    chair.click("form[action$='/vote/open'] button")
    chair.wait_for_selector("text=正在表决")
    counter = _login(browser, base, "counter")
    counter.goto(hall)
    for key, value in (("approve", "20"), ("oppose", "2"), ("abstain", "1")):
        counter.fill(f"input[name={key}]", value)
    counter.click("form[action$='/vote/cards'] button")
    # No reload on the scrutineer's laptop: the button comes by itself.
    scrutineer.wait_for_selector("form[action$='/vote/confirm'] button", timeout=8000)
    _shot(scrutineer, "chair-scrutineer-waiting-1366x768")
    assert _axe_all(scrutineer) == []
    scrutineer.click("form[action$='/vote/confirm'] button")
    chair.goto(hall)
    chair.click("form[action$='/vote/close'] button")
    chair.wait_for_selector("text=表决结果")

    # 散会 is folded away with its warning; opening it shows the one button that ends the sitting.
    assert not chair.is_visible("form[action$='/hall/close'] button")
    chair.click("details.close-sitting summary")
    assert chair.is_visible("text=所有投票链接失效")
    _shot(chair, "chair-close-confirm-1366x768")
    chair.click("form[action$='/hall/close'] button")
    chair.wait_for_selector("text=已散会")
