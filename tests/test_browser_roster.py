"""The roster preview in a real browser: a village admin uploads the household register as the
township's template has it (1,500 people, a title row, merged header cells) and reads the preview
on a phone (360×640) and on a laptop (1280×720) before confirming.

Screenshots are kept in ``test-artifacts/screenshots/`` (and copied into docs/images/ for the
clerk's guide by ``UPDATE_GUIDE_IMAGES=1``); axe-core checks contrast, target size and labels;
nothing is wider than the phone's screen.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from registers import make_register, write_xlsx
from test_browser import ARTIFACTS, CHROMIUM, FLAGS, ROOT, _axe, _free_port, playwright_api

GUIDE = ROOT / "docs" / "images"
SIZES = {"phone": {"width": 360, "height": 640}, "laptop": {"width": 1280, "height": 720}}


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    """The web UI on loopback, with a village 金町村 and its admin (password demo1234)."""
    import socket
    import time

    instance = tmp_path_factory.mktemp("roster-browser")
    env = {**os.environ, "DELIBERATE_INSTANCE": str(instance)}
    env.pop("DELIBERATE_DATABASE_URL", None)
    setup = ("from webui import create_app\nfrom webui.auth import add_account\napp = create_app()\n"
             "s = app.extensions['deliberate']\ns.create_village('jd', '金町村')\n"
             "add_account(s, 'wenshu', 'demo1234', {'admin'}, '村委文书', village='jd')\n")
    subprocess.run([sys.executable, "-c", setup], cwd=instance, env=env, check=True, capture_output=True)
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "webui", "--port", str(port), "--no-demo"], cwd=instance, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("the web UI did not start")
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=10)


def _register(tmp_path: Path) -> Path:
    register = make_register()
    people = list(register.people)
    wrong = people[41]  # 出生日期 copied wrong: the identity number says otherwise
    people[41] = replace(wrong, born=date(wrong.born.year, wrong.born.month % 12 + 1, 1), number=wrong.number)
    return write_xlsx(replace(register, people=tuple(people)), tmp_path / "金町村户籍花名册.xlsx")


def test_the_preview_reads_on_a_phone_and_a_laptop(hall, tmp_path):
    path = _register(tmp_path)
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            for size, viewport in SIZES.items():
                context = browser.new_context(locale="zh-CN", viewport=viewport, is_mobile=size == "phone",
                                              has_touch=size == "phone")
                page = context.new_page()
                page.goto(f"{hall}/login?lang=zh_Hans")
                page.fill("#username", "wenshu")
                page.fill("#password", "demo1234")
                page.click("button[type=submit].primary")
                page.goto(f"{hall}/v/jd/admin")
                page.set_input_files("#file", str(path))
                page.click("form[action$='/admin/roster'] button.primary")
                page.wait_for_selector("text=名册预览")
                text = page.inner_text("main")
                for words in ("1499", "450", "年满18周岁", "有1行有误", "第46行", "与身份证号码不符",
                              "以下列未导入：序号、联系电话、备注", "跳过有误的1行，导入其余1499人"):
                    assert words in text, (words, text[:2000])
                wide = page.evaluate("document.documentElement.scrollWidth")
                assert wide <= viewport["width"], f"{size}: the page is {wide}px wide"
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                shot = ARTIFACTS / f"11-roster-preview-{size}.png"
                page.screenshot(path=str(shot), full_page=True)
                if os.environ.get("UPDATE_GUIDE_IMAGES"):
                    shutil.copy(shot, GUIDE / shot.name)
                violations = _axe(page)
                assert violations == [], violations
                if size == "laptop":
                    page.click("form[action$='/import'] button.primary")
                    page.wait_for_selector("text=导入完成：新增1499人")
                context.close()
        finally:
            browser.close()
