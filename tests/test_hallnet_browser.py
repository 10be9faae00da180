"""The hall's address as the chair and the room see it, in Chromium (issue 11 §1).

``python -m webui`` listens on every network; the browser reaches it at 127.0.0.1, as the laptop's
own browser (the chair's console, the projector on its second screen) does. The projector's QR
code is read from its pixels, as a phone would, at 1280×720 and 1024×768, and must lead to the
hall's address; so must the console's QR code, drawn as a terminal draws it. Screenshots are kept
in ``test-artifacts/screenshots/`` (hallnet-*.png). Nothing is sent to any address but 127.0.0.1.
"""

from __future__ import annotations

import base64
import html
import re
import shutil
from pathlib import Path

import pytest
from hall_server import hall_server

from webui.hallnet import console_qr, hall_url, lan_addresses

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
VENDOR = Path(__file__).parent / "vendor"
JSQR = VENDOR / "jsqr-1.4.0" / "jsQR.js"
AXE = VENDOR / "axe-core-4.14.1" / "axe.min.js"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SIZES = ((1280, 720), (1024, 768))

if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed (scripts/test.sh installs Debian's chromium)", allow_module_level=True)
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    with hall_server(tmp_path_factory.mktemp("hallnet-browser")) as server:
        found = lan_addresses()
        phones = hall_url(found[0], server.port) if found else None
        yield server, phones


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def _read_qr(page, png: bytes) -> str | None:
    """What a phone reads from ``png``: jsQR on its pixels, run in ``page``."""
    page.evaluate(JSQR.read_text(encoding="utf-8"))
    return page.evaluate("""async (png) => {
        const bytes = Uint8Array.from(atob(png), (c) => c.charCodeAt(0));
        const img = await createImageBitmap(new Blob([bytes], {type: 'image/png'}));
        const canvas = document.createElement('canvas');
        canvas.width = img.width; canvas.height = img.height;
        const ctx = canvas.getContext('2d');
        ctx.drawImage(img, 0, 0);
        const found = jsQR(ctx.getImageData(0, 0, img.width, img.height).data, img.width, img.height);
        return found ? found.data : null;
    }""", base64.b64encode(png).decode())


def _inside(page, selector: str, width: int, height: int) -> bool:
    box = page.locator(selector).bounding_box()
    return box is not None and box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= width \
        and box["y"] + box["height"] <= height


def _axe(page) -> list[dict]:
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("""async () => (await axe.run(document, {runOnly: {type: 'rule', values:
        ['color-contrast', 'target-size', 'html-has-lang', 'image-alt', 'svg-img-alt', 'heading-order']}}))
        .violations""")
    return [{"id": v["id"], "nodes": [n["html"][:200] for n in v["nodes"]][:3]} for v in result]


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_projector_shows_the_hall_address_as_a_code_phones_read(hall, browser, width, height):
    server, phones = hall
    page = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height}).new_page()
    page.goto(f"http://127.0.0.1:{server.port}/v/demo/s/live/screen?lang=zh_Hans")
    _shot(page, f"hallnet-projector-{width}x{height}")
    if phones is None:  # no network on this machine: the projector says so instead
        assert "连不上" in page.inner_text("aside.phones")
        return
    assert _inside(page, "aside.phones", width, height)  # on the first screen: nobody scrolls a projector
    assert _read_qr(page, page.locator("aside.phones svg").screenshot()) == f"{phones}/p/demo"
    assert phones.split("://")[1] in page.inner_text("aside.phones")
    assert _axe(page) == []


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_chairs_console_shows_the_address_and_its_code(hall, browser, width, height):
    server, phones = hall
    page = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height}).new_page()
    base = f"http://127.0.0.1:{server.port}"
    page.goto(f"{base}/login?lang=zh_Hans")
    page.fill("#username", "chair")
    page.fill("#password", "demo1234")
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r".*/$"))
    page.goto(f"{base}/v/demo/s/live/hall?lang=zh_Hans")
    if phones is None:
        assert "连不上" in page.inner_text("main")
        _shot(page, f"hallnet-console-{width}x{height}")
        return
    summary = page.locator(".phones-address summary")
    assert phones.split("://")[1] in summary.inner_text()
    assert _inside(page, ".phones-address summary", width, height)
    box = summary.bounding_box()
    assert box["height"] >= 44  # a target an older hand can hit
    _shot(page, f"hallnet-console-closed-{width}x{height}")
    summary.click()
    _shot(page, f"hallnet-console-{width}x{height}")
    assert _read_qr(page, page.locator(".phones-address svg").screenshot()) == f"{phones}/"
    assert _axe(page) == []


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_chairs_console_warns_when_phones_cannot_reach_the_hall(tmp_path, browser, width, height):
    """Started with --host 127.0.0.1 (this computer only): the console says so, in words, at the
    top of the chair's page, and shows no code."""
    with hall_server(tmp_path, "--host", "127.0.0.1") as server:
        page = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height}).new_page()
        base = f"http://127.0.0.1:{server.port}"
        page.goto(f"{base}/login?lang=zh_Hans")
        page.fill("#username", "chair")
        page.fill("#password", "demo1234")
        page.click("button[type=submit].primary")
        page.wait_for_url(re.compile(r".*/$"))
        page.goto(f"{base}/v/demo/s/live/hall?lang=zh_Hans")
        page.evaluate("window.scrollTo(0, 0)")  # the check-in box's autofocus scrolls a short screen
        warning = page.locator(".phones-warning")
        assert "注意：村民的手机现在连不上议事厅" in warning.inner_text()
        assert "只在这台电脑上监听" in warning.inner_text()
        assert _inside(page, ".phones-warning", width, height)
        assert page.locator(".phones-address").count() == 0
        _shot(page, f"hallnet-console-warning-{width}x{height}")
        assert _axe(page) == []
        page.goto(f"{base}/v/demo/s/live/screen?lang=zh_Hans")
        assert "连不上" in page.inner_text("aside.phones") and page.locator("aside.phones svg").count() == 0
        _shot(page, f"hallnet-projector-warning-{width}x{height}")


def _terminal(page, text: str) -> bytes:
    """``text`` (with its ANSI colours) drawn as a dark terminal draws it, a screenshot: a grid
    of character cells, where a terminal fills ``▀``'s cell exactly (its upper half in the
    foreground colour, the lower in the background colour) rather than drawing a font's glyph."""
    colours = {"30": ("color", "#000"), "97": ("color", "#fff"), "40": ("background", "#000"),
               "107": ("background", "#fff")}
    out, style = [], {}
    for chunk in re.split(r"(\x1b\[\d+m)", text):
        code = re.fullmatch(r"\x1b\[(\d+)m", chunk)
        if code:
            style = {} if code.group(1) == "0" else {**style, colours[code.group(1)][0]: colours[code.group(1)][1]}
        elif chunk == "▀":
            top, bottom = style.get("color", "#ddd"), style.get("background", "#1e1e1e")
            out.append(f'<i style="background:linear-gradient({top} 50%,{bottom} 50%)"></i>')
        elif chunk:
            css = ";".join(f"{k}:{v}" for k, v in style.items())
            out.append(f'<span style="{css}">{html.escape(chunk)}</span>' if css else html.escape(chunk))
    page.set_content('<style>body{margin:0;background:#1e1e1e;color:#ddd}pre{margin:0;padding:12px;'
                     'font:15px/18px "DejaVu Sans Mono","Noto Sans Mono CJK SC",monospace}'
                     'i{display:inline-block;width:1ch;height:18px;vertical-align:top}</style><pre>'
                     + "".join(out) + "</pre>")
    return page.locator("pre").screenshot()


def test_the_consoles_code_reads_as_the_address(hall, browser):
    """The console of ``python -m webui``: in a terminal (compact, coloured) and in a log (plain),
    its QR code is the address phones open."""
    server, phones = hall
    if phones is None:
        pytest.skip("this machine has no network address to show")
    page = browser.new_context(viewport={"width": 1000, "height": 1200}).new_page()
    # A terminal gets the compact coloured code where a pipe got the plain one.
    shown = server.output.replace(console_qr(phones + "/", "plain"), console_qr(phones + "/", "ansi_compact"))
    assert shown != server.output
    png = _terminal(page, shown)
    (ARTIFACTS / "hallnet-terminal.png").write_bytes(png)
    assert _read_qr(page, png) == phones + "/"
    plain = _terminal(page, server.output)  # as the log shows it (light blocks on a dark background)
    (ARTIFACTS / "hallnet-terminal-log.png").write_bytes(plain)
    assert _read_qr(page, plain) == phones + "/"
