"""Attacks on the address that QR codes and links carry (issue 11 §1).

The attacker is anyone who can send the server a request: any phone on the hall's Wi-Fi (the hall
server listens on every network of the laptop), anyone on the internet for a county server. They
send a forged ``Host`` header — and ``X-Forwarded-Host``, ``X-Forwarded-Proto`` and ``Forwarded``,
as if a proxy had — hoping the address they name is baked into what the server makes: the voters'
cards the clerk prints, the printed notice's QR code, the projector's QR code, the API's links. A
villager who scans such a code lands on the attacker's site, which can show a fake vote page or
fake results.

deliberate's answer: a hall server (``python -m webui``) and a county server (with
``DELIBERATE_PUBLIC_URL``) build every absolute link from the address they were given or found,
never from a request's headers. All traffic here goes to 127.0.0.1.
"""

from __future__ import annotations

import re

import pytest
from hall_server import Client, hall_server, voter_tokens
from helpers import demo_app

from webui.qr import qr_svg
from webui.services import voter_token

EVIL = "evil.example"
FORGED = {"Host": f"{EVIL}:8000", "X-Forwarded-Host": EVIL, "X-Forwarded-Proto": "https",
          "Forwarded": f"host={EVIL};proto=https", "X-Forwarded-For": "203.0.113.9"}
HALL = "/v/demo/s/live/hall"
PAGES = ("/p/demo/m/lights/notice/1", "/v/demo/s/live/screen", "/v/demo/s/live/screen/phones",
         "/api/v1/villages/demo/matters/lights", "/api/v1/villages/demo", "/p/demo")


def _the_hall_address(output: str, port: int) -> str:
    """The address the hall server says phones open (its own 127.0.0.1 when it found none)."""
    found = re.search(rf"(http://[0-9.]+:{port})/", output.split("http://127.0.0.1")[0])
    return found.group(1) if found else f"http://127.0.0.1:{port}"


def test_a_forged_host_never_reaches_the_hall_servers_qr_codes_or_links(tmp_path):
    """On the hall's Wi-Fi the attacker sends forged headers to the laptop; then the clerk, whose
    own requests carry them too (the worst case), prints the voters' cards. Every code and link
    carries the hall's address."""
    with hall_server(tmp_path) as server:
        base = _the_hall_address(server.output, server.port)
        attacker = Client(server.port, FORGED)
        forged = {path: attacker.get(path) for path in PAGES}
        clerk = Client(server.port, FORGED)
        clerk.login("clerk")
        cards = clerk.get(f"{HALL}/links")
        people = sorted(set(re.findall(r"· (p\d{4})</figcaption>", cards)))
        tokens = voter_tokens(server.instance, "demo", "live", people)
    for path, page in [*forged.items(), ("cards", cards)]:
        assert EVIL not in page, path
    assert people and all(qr_svg(f"{base}/b/{token}") in cards for token in tokens.values())
    assert qr_svg(f"{base}/p/demo/m/lights", title=True) in forged["/p/demo/m/lights/notice/1"]
    assert qr_svg(f"{base}/p/demo", scale=5) in forged["/v/demo/s/live/screen"]
    assert f"{base}/p/demo/m/lights" in forged["/api/v1/villages/demo/matters/lights"]


@pytest.mark.parametrize("proxies", [0, 1])
def test_a_forged_host_never_reaches_a_county_servers_qr_codes_or_links(tmp_path, proxies):
    """A county server behind nginx (``DELIBERATE_PROXY_HOPS=1``, which trusts X-Forwarded-*) or
    reached directly: with its public address set, forged headers change no code and no link —
    not the projector's, not the voters' cards of a clerk whose request carries them."""
    public = "https://yishi.example.gov.cn/cun"
    app = demo_app(tmp_path / "county.sqlite3", PUBLIC_URL=public, PROXY_HOPS=proxies,
                   SESSION_COOKIE_SECURE=False)
    attacker = app.test_client()
    for path in PAGES:
        page = attacker.get(path, headers=FORGED).get_data(as_text=True)
        assert EVIL not in page, path
    screen = attacker.get("/v/demo/s/live/screen", headers=FORGED).get_data(as_text=True)
    assert qr_svg(f"{public}/p/demo", scale=5) in screen
    notice = attacker.get("/p/demo/m/lights/notice/1", headers=FORGED).get_data(as_text=True)
    assert qr_svg(f"{public}/p/demo/m/lights", title=True) in notice

    # The clerk's own requests carry a forged host (plain HTTP, so the login needs no Referer).
    forged_host = {"Host": FORGED["Host"], "X-Forwarded-Host": EVIL}
    clerk = app.test_client()
    login = clerk.get("/login", headers=forged_host).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)
    clerk.post("/login", data={"username": "clerk", "password": "demo1234", "csrf_token": token},
               headers=forged_host)
    cards = clerk.get(f"{HALL}/links", headers=forged_host).get_data(as_text=True)
    assert EVIL not in cards
    with app.app_context():
        link = f"{public}/b/{voter_token('demo', 'live', 'p0001')}"
    assert qr_svg(link) in cards
