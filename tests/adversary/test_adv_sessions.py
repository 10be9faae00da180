"""Attacks on sessions, on the pages' framing and caching, and on the site's own address.

- A session cookie copied from an official's browser (a shared computer, a stolen backup) keeps
  working after they log out, or after their password is reset or their account deactivated.
- A login cookie travels over plain HTTP although the site is served over HTTPS.
- Another site frames the vote buttons (clickjacking), a voter's link leaks through Referer, a
  browser or proxy keeps a voter's or an official's page, a script slips into a page.
- A forged ``Host`` header poisons the page cache, so that the printed notice's QR code and the
  API's links point elsewhere for everyone.
"""

from __future__ import annotations

import io
import re

import pytest
import segno
from helpers import demo_app_at

from webui import create_app
from webui.demo import DEMO_PASSWORD
from webui.services import voter_token

HALL = "/v/demo/s/live/hall"
NOTICE = "/p/demo/m/lights/notice/1"


def make_app(url: str, **config):
    return demo_app_at(url, SECRET_KEY="adv-sessions", **config)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return make_app(f"sqlite:///{tmp_path_factory.mktemp('sessions') / 'web.sqlite3'}")


def csrf(client, path="/login", **kwargs):
    page = client.get(path, **kwargs).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def login(app, username, password=DEMO_PASSWORD, **kwargs):
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": password,
                                           "csrf_token": csrf(client, **kwargs)}, **kwargs)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client, response


def cookie_of(client):
    return client.get_cookie("session").value


def voter_link(app, person="p0001"):
    with app.app_context():
        return f"/b/{voter_token('demo', 'live', person)}"


# --- 5. Sessions the server can end -----------------------------------------------------------------

def test_a_copied_session_cookie_dies_at_logout(store_url):
    app = make_app(store_url)
    chair, _ = login(app, "chair")
    stolen = cookie_of(chair)
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get(HALL).status_code == 200  # the copy works while the chair is logged in
    assert chair.post("/logout", data={"csrf_token": csrf(chair, HALL)}).status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get(HALL)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert thief.post(f"{HALL}/open", data={}).status_code in (400, 401)


def test_a_password_reset_or_deactivation_ends_the_accounts_sessions(store_url):
    app = make_app(store_url)
    clerk, _ = login(app, "clerk")
    other_device, _ = login(app, "clerk")
    admin, _ = login(app, "admin")
    assert clerk.get(HALL).status_code == 200
    token = csrf(admin, "/v/demo/admin")
    response = admin.post("/v/demo/admin/accounts/clerk/password",
                          data={"password": "a-new-password", "csrf_token": token})
    assert response.status_code == 302
    for client in (clerk, other_device):
        assert client.get(HALL).status_code == 302
    old = app.test_client()
    refused = old.post("/login", data={"username": "clerk", "password": DEMO_PASSWORD, "csrf_token": csrf(old)})
    assert refused.status_code == 401
    clerk, _ = login(app, "clerk", "a-new-password")
    assert clerk.get(HALL).status_code == 200
    # Too short a password is refused in the user's language, and changes nothing.
    short = admin.post("/v/demo/admin/accounts/clerk/password?lang=en",
                       data={"password": "short", "csrf_token": token})
    assert short.status_code == 422 and "8 or more" in short.get_data(as_text=True)
    assert clerk.get(HALL).status_code == 200
    admin.post("/v/demo/admin/accounts/clerk/deactivate", data={"csrf_token": token})
    assert clerk.get(HALL).status_code == 302


def test_login_cookies_are_secure_when_served_over_https(tmp_path):
    https = make_app(f"sqlite:///{tmp_path / 'https.sqlite3'}", PUBLIC_URL="https://yishi.example.cn")
    # (Over HTTPS the CSRF check also wants a same-site Referer, which browsers send.)
    _, response = login(https, "chair", base_url="https://yishi.example.cn",
                        headers={"Referer": "https://yishi.example.cn/login"})
    assert "Secure" in response.headers["Set-Cookie"]
    # Behind a TLS-terminating proxy (DELIBERATE_PROXY_HOPS), the forwarded scheme decides.
    proxied = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'https.sqlite3'}", "SECRET_KEY": "x",
                          "TESTING": True, "PROXY_HOPS": 1})
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.3",
                 "Referer": "https://localhost/login"}
    _, response = login(proxied, "chair", headers=forwarded)
    assert "Secure" in response.headers["Set-Cookie"]
    # Plain HTTP on a laptop (python -m webui) still works.
    _, response = login(proxied, "chair")
    assert "Secure" not in response.headers["Set-Cookie"]


def test_a_secret_ballots_receipt_cookie_is_secure_over_https(tmp_path):
    """The receipt, with the published list of receipts, tells the voter's choice: over HTTPS it
    must never travel in clear."""
    app = make_app(f"sqlite:///{tmp_path / 'receipt.sqlite3'}", PROXY_HOPS=1)
    chair, _ = login(app, "chair")
    clerk, _ = login(app, "clerk")

    def post(client, path, data=None):
        return client.post(path, data={**(data or {}), "csrf_token": csrf(client, HALL)})

    post(chair, f"{HALL}/open")
    for n in range(1, 31):
        post(clerk, f"{HALL}/check-in", {"who": f"p{n:04d}"})
    post(chair, f"{HALL}/vote/open", {"matter": "channel", "motion": "审议", "secret": "1"})
    phone = app.test_client()
    response = phone.post(voter_link(app), data={"choice": "approve", "vote": "v1"},
                          headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.9"})
    cookies = response.headers.getlist("Set-Cookie")
    receipts = [c for c in cookies if c.startswith("ballot.")]
    assert receipts and all("Secure" in c for c in receipts), cookies


# --- 5. Headers: framing, referrer, sniffing, caching, scripts ----------------------------------------

def _every_kind_of_page(app):
    chair, _ = login(app, "chair")
    anonymous = app.test_client()
    return {
        "public": anonymous.get("/p/demo"),
        "notice": anonymous.get(NOTICE),
        "index": anonymous.get("/"),
        "login": anonymous.get("/login"),
        "voter": anonymous.get(voter_link(app)),
        "projector": anonymous.get("/v/demo/s/live/screen"),
        "api": anonymous.get("/api/v1/villages/demo"),
        "static": anonymous.get("/static/style.css"),
        "missing": anonymous.get("/p/nowhere"),
        "hall": chair.get(HALL),
        "hall_panel": chair.get(f"{HALL}/panel"),
        "links": login(app, "clerk")[0].get(f"{HALL}/links"),
        "matters": login(app, "clerk")[0].get("/v/demo/m"),
        "admin": login(app, "admin")[0].get("/v/demo/admin"),
    }


def test_every_response_carries_the_security_headers(app):
    for name, response in _every_kind_of_page(app).items():
        csp = response.headers.get("Content-Security-Policy", "")
        directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
        assert directives.get("frame-ancestors") == ["'none'"], name
        assert directives.get("script-src") == ["'self'"], name
        assert directives.get("style-src") == ["'self'"], name
        assert directives.get("object-src") == ["'none'"], name
        assert directives.get("base-uri") == ["'none'"], name
        assert response.headers.get("X-Frame-Options") == "DENY", name
        assert response.headers.get("X-Content-Type-Options") == "nosniff", name
        assert response.headers.get("Referrer-Policy") in ("no-referrer", "same-origin"), name


def test_a_voters_link_never_leaves_in_a_referer(app):
    response = app.test_client().get(voter_link(app))
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_voters_and_officials_pages_are_never_stored(app):
    pages = _every_kind_of_page(app)
    for name in ("voter", "login", "hall", "hall_panel", "links", "matters", "admin"):
        assert "no-store" in pages[name].headers.get("Cache-Control", ""), name
    # An official reading a public page sees their own name on it: not stored either.
    chair, _ = login(app, "chair")
    assert "no-store" in chair.get("/p/demo").headers.get("Cache-Control", "")
    # Public pages keep their ETag caching.
    for name in ("public", "notice", "api"):
        response = pages[name]
        assert response.headers.get("ETag") and "no-store" not in response.headers.get("Cache-Control", ""), name


def test_no_page_carries_inline_script_style_or_handlers(app):
    for name, response in _every_kind_of_page(app).items():
        if not response.content_type.startswith("text/html"):
            continue
        html = response.get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), name
        assert "<style" not in html, name
        assert not re.search(r"\sstyle\s*=", html), name
        assert not re.search(r"\son[a-z]+\s*=", html), name
        assert "javascript:" not in html, name
        if "htmx" in html:
            assert '"includeIndicatorStyles":false' in html.replace(" ", ""), name


# --- 4. The site's own address ----------------------------------------------------------------------

def test_a_forged_host_never_reaches_other_visitors(app):
    attacker = app.test_client()
    for path in (NOTICE, "/api/v1/villages/demo", "/api/v1/villages/demo/matters/lights",
                 "/api/v1/villages/demo/matters", "/api/v1/villages"):
        forged = attacker.get(path, headers={"Host": "evil.example"})
        assert forged.status_code == 200, path
        honest = app.test_client().get(path)
        body = honest.get_data(as_text=True)
        assert "evil.example" not in body, path
        assert "http://localhost/p/demo" in body, path
        # Keeping the forger's page apart costs honest visitors nothing: their ETag still answers 304.
        again = app.test_client().get(path, headers={"If-None-Match": honest.headers["ETag"]})
        assert again.status_code == 304, path


def test_the_public_address_is_used_for_every_absolute_link(tmp_path):
    base = "https://yishi.example.cn/cun"
    app = make_app(f"sqlite:///{tmp_path / 'pub.sqlite3'}", PUBLIC_URL=base + "/")
    forged = {"Host": "evil.example"}
    notice = app.test_client().get(NOTICE, headers=forged).get_data(as_text=True)
    assert f"{base}/p/demo/m/lights" in notice and "evil.example" not in notice
    api = app.test_client().get("/api/v1/villages/demo/matters/lights", headers=forged).get_json()
    assert api["page"] == f"{base}/p/demo/m/lights"
    assert all(n["page"].startswith(base + "/p/demo/m/lights/notice/") for n in api["notices"])
    # The clerk prints them from the office, reaching the server by its local address.
    office = {"base_url": "https://10.0.0.5"}  # https: the login cookie is Secure now
    clerk, _ = login(app, "clerk", headers={"Referer": "https://10.0.0.5/login"}, **office)
    links = clerk.get(f"{HALL}/links", **office).get_data(as_text=True)
    expected = io.BytesIO()
    segno.make(base + voter_link(app), error="m").save(expected, kind="svg", scale=3, xmldecl=False,
                                                        svgns=False)
    assert expected.getvalue().decode() in links  # p0001's card leads to the public address
    assert "10.0.0.5" not in links


@pytest.mark.parametrize("bad", ["yishi.example.cn", "ftp://yishi.example.cn", "https://", "https://x/?a=1",
                                 "https://x/#f", "https://a b/"])
def test_a_malformed_public_address_is_refused_at_start(tmp_path, bad):
    with pytest.raises(ValueError, match="PUBLIC_URL"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'bad.sqlite3'}", "SECRET_KEY": "x",
                    "PUBLIC_URL": bad})
