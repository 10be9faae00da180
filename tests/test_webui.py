"""The web UI through Flask's test client: login, the authorisation matrix, a whole sitting with
phone voters and a card count, the voter's page, the projector, and bad input."""

from __future__ import annotations

import re

import pytest
from helpers import demo_app
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deliberate import Ledger
from webui import create_app
from webui.auth import PERMISSIONS, ROLES
from webui.demo import DEMO_PASSWORD, ensure_demo
from webui.services import voter_token

VILLAGE, SITTING = "demo", "live"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    path = tmp_path_factory.mktemp("web") / "web.sqlite3"
    return demo_app(path, SECRET_KEY="test-secret", WTF_CSRF_ENABLED=True)


def csrf(client, path="/login"):
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def login(app, username):
    client = app.test_client()
    token = csrf(client)
    response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def post(client, path, data=None, *, page=None):
    token = csrf(client, page or f"/v/{VILLAGE}/s/{SITTING}/hall")
    return client.post(path, data={**(data or {}), "csrf_token": token})


def state(app):
    return Ledger(VILLAGE, app.extensions["deliberate"]).state


def height(app):
    return Ledger(VILLAGE, app.extensions["deliberate"]).checkpoint.height


HALL = f"/v/{VILLAGE}/s/{SITTING}/hall"


def link(app, person, village=VILLAGE, sitting=SITTING):
    with app.app_context():
        return f"/b/{voter_token(village, sitting, person)}"


def test_login_logout_and_a_wrong_password(app):
    client = app.test_client()
    assert client.get(HALL).status_code == 302  # to the login page
    token = csrf(client)
    bad = client.post("/login", data={"username": "chair", "password": "x", "csrf_token": token})
    assert bad.status_code == 401 and "用户名或密码不正确" in bad.get_data(as_text=True)
    client = login(app, "chair")
    assert client.get(HALL).status_code == 200
    assert post(client, "/logout").status_code == 302
    assert client.get(HALL).status_code == 302


def test_login_needs_csrf_and_never_redirects_elsewhere(app):
    client = app.test_client()
    response = client.post("/login", data={"username": "chair", "password": DEMO_PASSWORD})
    assert response.status_code == 400 and "页面已过期" in response.get_data(as_text=True)
    token = csrf(client)
    response = client.post("/login?next=//evil.example/x",
                           data={"username": "chair", "password": DEMO_PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/"


def test_login_attempts_are_limited(app):
    client = app.test_client()
    for _ in range(5):
        token = csrf(client)
        client.post("/login", data={"username": "clerk-x", "password": "no", "csrf_token": token})
    token = csrf(client)
    limited = client.post("/login", data={"username": "clerk-x", "password": "no",
                                          "csrf_token": token})
    assert limited.status_code == 429 and "登录尝试过多" in limited.get_data(as_text=True)


def _hall_endpoints(app):
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        permission = getattr(view, "permission", None)
        if permission:
            yield rule, permission


def test_authorisation_matrix(app):
    """Every role against every guarded endpoint: allowed exactly when PERMISSIONS says so."""
    clients = {role: login(app, role) for role in ROLES}
    anonymous = app.test_client()
    checked = 0
    for rule, permission in _hall_endpoints(app):
        path = rule.rule.replace("<village>", VILLAGE).replace("<sitting>", "nonexistent")
        method = "POST" if "POST" in rule.methods else "GET"
        for role, client in clients.items():
            allowed = role in PERMISSIONS[permission]
            response = (post(client, path, page="/login") if method == "POST" else client.get(path))
            # Allowed requests reach the view (which finds no such sitting); refused ones get 403.
            if allowed:
                assert response.status_code not in (401, 403) and response.status_code < 500, \
                    (rule.rule, role, response.status_code)
            else:
                assert response.status_code == 403, (rule.rule, role)
            checked += 1
        anon = anonymous.get(path) if method == "GET" else post(anonymous, path, page="/login")
        assert anon.status_code in (302, 401)
    assert checked == len(ROLES) * len(list(_hall_endpoints(app)))  # 6 roles × 14 endpoints


def test_a_whole_sitting_with_phone_voters_and_a_card_count(app):
    chair, clerk = login(app, "chair"), login(app, "clerk")
    counter, scrutineer = login(app, "counter"), login(app, "scrutineer")
    s = state(app).sittings[SITTING]
    voters = sorted(s.roster.voters)
    probationary = sorted(s.roster.attendees - s.roster.voters - {"p0009", "p0010", "p0011"})[0]
    assert post(chair, f"{HALL}/open").status_code == 302
    names = {}
    from deliberate.store.roster import load_roster
    names = {p.id: p.name for p in load_roster(app.extensions["deliberate"].engine, VILLAGE).people.values()}
    for person in voters[:30]:
        post(clerk, f"{HALL}/check-in", {"who": person})
    by_name = post(clerk, f"{HALL}/check-in", {"who": names[voters[30]]})
    assert by_name.status_code == 302
    scanned = post(clerk, f"{HALL}/check-in", {"who": "http://127.0.0.1" + link(app, voters[31])})
    assert voters[31] in state(app).sittings[SITTING].present and scanned.status_code == 302
    other = post(clerk, f"{HALL}/check-in", {"who": link(app, voters[32], sitting="s1")})
    assert voters[32] not in state(app).sittings[SITTING].present  # a card for another sitting
    assert "另一次会议的投票卡" in clerk.get(other.headers["Location"]).get_data(as_text=True)
    nobody = clerk.get(post(clerk, f"{HALL}/check-in", {"who": "无此人"}).headers["Location"])
    assert "名册中没有" in nobody.get_data(as_text=True)
    assert state(app).sittings[SITTING].voters_present == 32
    post(chair, f"{HALL}/vote/open", {"matter": "channel", "motion": "审议修建灌溉水渠方案"})
    vote = state(app).open_vote(SITTING)
    assert vote is not None
    # Three phone voters; one double-taps; one changes her mind.
    phone = app.test_client()
    links = [link(app, p) for p in voters[:3]]
    for url, choice in zip(links, ("approve", "approve", "oppose"), strict=True):
        page = phone.get(url)
        assert page.status_code == 200 and "赞成" in page.get_data(as_text=True)
        assert "csrf_token" not in page.get_data(as_text=True)  # the signed link is the authority
        for _ in range(2):  # a double tap
            assert phone.post(url, data={"choice": choice, "vote": vote.id}).status_code == 302
    phone.post(links[2], data={"choice": "approve", "vote": vote.id})
    confirmation = phone.get(links[2]).get_data(as_text=True)
    assert "您的选择已记录：赞成" in confirmation
    assert state(app).open_vote(SITTING).electronic.approve == 3
    assert len(state(app).open_vote(SITTING).voters) == 3
    # A probationary member is told why not; someone absent too.
    assert "没有表决权" in phone.get(link(app, probationary)).get_data(as_text=True)
    assert "签到" in phone.get(link(app, voters[-1])).get_data(as_text=True)
    # Cards: 28 others raise them; the counter enters, the scrutineer confirms.
    assert post(counter, f"{HALL}/vote/cards", {"approve": "25", "oppose": "2", "abstain": "1"}).status_code == 302
    too_many = post(counter, f"{HALL}/vote/cards", {"approve": "30", "oppose": "0", "abstain": "0"})
    assert "超过在场可表决人数" in counter.get(too_many.headers["Location"]).get_data(as_text=True)
    post(scrutineer, f"{HALL}/vote/confirm")
    before = height(app)
    post(chair, f"{HALL}/vote/close")
    assert height(app) == before + 1
    result = state(app).sittings[SITTING].results[-1]
    assert result.tally.approve == 28 and result.cards.approve == 25 and result.scrutineer == "p0010"
    screen = app.test_client().get(f"/v/{VILLAGE}/s/{SITTING}/screen").get_data(as_text=True)
    assert "28" in screen and ("通过" in screen or "未通过" in screen)
    hall = chair.get(HALL).get_data(as_text=True)
    assert result.explain().split("。")[0] in hall
    post(chair, f"{HALL}/close", {"confirm": "1"})
    expired = phone.get(links[0])
    assert expired.status_code == 410 and "已失效" in expired.get_data(as_text=True)


def test_voter_links_are_signed(app):
    client = app.test_client()
    assert client.get("/b/not-a-token").status_code == 404
    forged = link(app, "p0001")[:-2] + "xx"
    assert client.get(forged).status_code == 404


def test_the_projector_answers_304_when_nothing_changed(app):
    client = app.test_client()
    first = client.get(f"/v/{VILLAGE}/s/{SITTING}/screen/panel")
    assert first.status_code == 200 and first.headers["ETag"]
    again = client.get(f"/v/{VILLAGE}/s/{SITTING}/screen/panel",
                       headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""


@pytest.mark.parametrize(("lang", "word"), [("zh_Hans", "应到"), ("zh_Hant", "應到"), ("en", "Expected")])
def test_every_page_switches_language(app, lang, word):
    client = app.test_client()
    page = client.get(f"/v/{VILLAGE}/s/{SITTING}/screen?lang={lang}").get_data(as_text=True)
    assert word in page and f'lang="{lang.replace("_", "-")}"' in page
    assert word in client.get(f"/v/{VILLAGE}/s/{SITTING}/screen").get_data(as_text=True)  # remembered


def test_qr_cards_for_voters(app):
    page = login(app, "clerk").get(f"{HALL}/links").get_data(as_text=True)
    assert page.count("<svg") == len(state(app).sittings[SITTING].roster.voters)


def test_the_catalogue_speaks_three_languages():
    from webui.i18n import WORDS

    for key, words in WORDS.items():
        assert len(words) == 3 and all(w.strip() or key == "people" for w in words), key


def test_vendored_htmx_is_the_pinned_file():
    import hashlib
    from pathlib import Path

    js = Path(__file__).resolve().parent.parent / "webui/static/vendor/htmx-2.0.11/htmx.min.js"
    assert hashlib.sha256(js.read_bytes()).hexdigest() == \
        "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717"


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    """A second app whose sitting is open, with people present and a vote running."""
    path = tmp_path_factory.mktemp("live") / "live.sqlite3"
    app = demo_app(path, SECRET_KEY="test-secret-2")
    chair, clerk = login(app, "chair"), login(app, "clerk")
    post(chair, f"{HALL}/open")
    for person in sorted(state(app).sittings[SITTING].roster.voters)[:30]:
        post(clerk, f"{HALL}/check-in", {"who": person})
    post(chair, f"{HALL}/vote/open", {"matter": "channel", "motion": "审议"})
    assert state(app).open_vote(SITTING) is not None
    return app


FORM_TEXT = st.one_of(st.text(max_size=300), st.just(""), st.integers(-10**9, 10**9).map(str),
                      st.just("0" * 10), st.just("<script>alert(1)</script>"), st.just("' OR 1=1 --"))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(endpoint=st.sampled_from(["check-in", "check-out", "vote/open", "vote/cards", "minutes"]),
       data=st.dictionaries(st.sampled_from(["who", "person", "matter", "motion", "secret", "approve",
                                             "oppose", "abstain", "summary", "recording_ref",
                                             "recording_sha256", "speakers"]), FORM_TEXT, max_size=6))
def test_bad_input_never_500_and_changes_nothing(live_app, endpoint, data):
    app = live_app
    role = {"check-in": "clerk", "check-out": "clerk", "vote/open": "chair",
            "vote/cards": "counter", "minutes": "clerk"}[endpoint]
    client = login(app, role)
    # Anything that could be a real person, matter or valid summary is left out: bad input only.
    data = {k: v for k, v in data.items() if not re.fullmatch(r"p\d{4}|channel|[0-9a-f]{64}", v)}
    if endpoint == "minutes":
        data["recording_sha256"] = "not-hex"
    before = height(app)
    response = post(client, f"{HALL}/{endpoint}", data)
    assert response.status_code < 500
    assert height(app) == before


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(choice=FORM_TEXT, vote=FORM_TEXT)
def test_bad_ballots_never_500(live_app, choice, vote):
    app = live_app
    client = app.test_client()
    url = link(app, "p0001")
    before = height(app)
    response = client.post(url, data={"choice": choice, "vote": vote})
    assert response.status_code < 500
    if choice not in ("approve", "oppose", "abstain") or vote != state(app).open_vote(SITTING).id:
        assert height(app) == before


def test_matters_create_timeline_and_schedule_with_notice_checked(tmp_path):
    from datetime import timedelta

    from deliberate import Stage
    from deliberate.demo import Driver
    from deliberate.store.roster import load_roster

    app = demo_app(tmp_path / "m.sqlite3", SECRET_KEY="m")
    clerk = login(app, "clerk")
    page = clerk.get(f"/v/{VILLAGE}/m")
    assert page.status_code == 200 and "新建议题" in page.get_data(as_text=True)
    token = csrf(clerk, f"/v/{VILLAGE}/m")
    bad = clerk.post(f"/v/{VILLAGE}/m", data={"title": "路灯", "procedure": "four_deliberations_two_disclosures",
                                            "amount": "1.234", "csrf_token": token})
    assert "金额应为数字" in clerk.get(bad.headers["Location"]).get_data(as_text=True)
    made = clerk.post(f"/v/{VILLAGE}/m", data={"title": "修建文化广场", "procedure": "representatives",
                                             "amount": "58000.50", "plan": "方案", "csrf_token": token})
    matter = made.headers["Location"].rsplit("/", 1)[1]
    m = state(app).matters[matter]
    assert m.amount == 5_800_050 and m.procedure.name == "representatives"
    timeline = clerk.get(made.headers["Location"]).get_data(as_text=True)
    assert "提议" in timeline and "实施结果公开" in timeline
    # A statutory matter at step 4 needs a villagers' meeting, and ten days' notice.
    roster = load_roster(app.extensions["deliberate"].engine, VILLAGE)
    driver = Driver(Ledger(VILLAGE, app.extensions["deliberate"]), roster,
                    state(app).last_at + timedelta(minutes=1))
    driver.sittings = 900  # its sitting ids must not collide with the demo's
    driver.to_stage(driver.raise_matter("statutory-4"), Stage.RESOLUTION)
    app.config["CLOCK"] = lambda: driver.now + timedelta(minutes=5)
    day = (driver.now + timedelta(days=2)).date()
    token = csrf(clerk, f"/v/{VILLAGE}/m/statutory-4")

    def schedule(notice_days_before: int):
        response = clerk.post(f"/v/{VILLAGE}/m/statutory-4/sittings", data={
            "date": day.isoformat(), "time": "09:00", "place": "广场", "csrf_token": token,
            "notice_date": (day - timedelta(days=notice_days_before)).isoformat()})
        text = clerk.get(response.headers["Location"]).get_data(as_text=True)
        return re.findall(r'class="flash [^"]*"[^>]*>([^<]*)', text)

    refused = schedule(1)
    assert any("通知期不足" in f and "第二十一条" in f for f in refused), refused
    assert not state(app).matters["statutory-4"].sitting
    assert schedule(11) == ["操作已完成"]
    assert state(app).matters["statutory-4"].sitting
    assert clerk.get(f"/v/{VILLAGE}/m/nope").status_code == 404
    assert login(app, "counter").get(f"/v/{VILLAGE}/m").status_code == 403


def test_admin_settings_roster_and_accounts(app):
    from pathlib import Path

    admin = login(app, "admin")
    page = admin.get(f"/v/{VILLAGE}/admin")
    assert page.status_code == 200 and "村务设置" in page.get_data(as_text=True)
    token = csrf(admin, f"/v/{VILLAGE}/admin")
    bad = admin.post(f"/v/{VILLAGE}/admin/settings", data={"notice_period_days": "0", "objection_answer_days": "3",
                                                          "procedure": "representatives", "csrf_token": token})
    assert "设置有误" in admin.get(bad.headers["Location"]).get_data(as_text=True)
    admin.post(f"/v/{VILLAGE}/admin/settings", data={"notice_period_days": "10", "objection_answer_days": "5",
                                                    "major_matter_threshold_yuan": "50000",
                                                    "procedure": "township_review", "csrf_token": token})
    from deliberate.usecases.settings import village_profile

    saved = village_profile(app.extensions["deliberate"], VILLAGE)  # the settings are a profile
    assert (saved.notice_period_days, saved.objection_answer_days) == (10, 5)
    assert saved.major_matter_threshold == 5_000_000  # fen
    assert "procedure" not in app.extensions["deliberate"].settings(VILLAGE)  # saved and never read: gone
    sample = (Path(__file__).resolve().parent.parent / "examples" / "roster.csv").read_bytes()
    from io import BytesIO
    good = admin.post(f"/v/{VILLAGE}/admin/roster", data={"csrf_token": token,
                                                         "file": (BytesIO(sample), "roster.csv")},
                      content_type="multipart/form-data")
    preview = good.get_data(as_text=True)  # a preview first; the confirmation imports what it showed
    assert good.status_code == 200 and "名册预览" in preview and "新增14人" in preview
    confirm = re.search(r'action="([^"]+/import)".*?name="digest" value="([0-9a-f]{64})"', preview, re.S)
    done = admin.post(confirm[1], data={"csrf_token": token, "digest": confirm[2]})
    assert done.status_code == 200 and "导入完成：新增14人" in done.get_data(as_text=True)
    broken = sample.replace("JD002,林秀英,女".encode(), "JD002,林秀英,X".encode())
    assert broken != sample
    report = admin.post(f"/v/{VILLAGE}/admin/roster", data={"csrf_token": token,
                                                           "file": (BytesIO(broken), "roster.csv")},
                        content_type="multipart/form-data")
    text = report.get_data(as_text=True)
    assert report.status_code == 422 and "第3行" in text and "这些行不会导入" in text
    wrong = admin.post(f"/v/{VILLAGE}/admin/roster", data={"csrf_token": token,
                                                          "file": (BytesIO(b"x"), "roster.pdf")},
                       content_type="multipart/form-data")
    assert "请选择" in admin.get(wrong.headers["Location"]).get_data(as_text=True)
    junk = admin.post(f"/v/{VILLAGE}/admin/roster", data={"csrf_token": token,
                                                         "file": (BytesIO(b"not a workbook"), "r.xlsx")},
                      content_type="multipart/form-data")
    assert junk.status_code == 302
    admin.post(f"/v/{VILLAGE}/admin/accounts", data={"username": "li", "password": "short", "roles": "clerk",
                                                    "csrf_token": token})
    admin.post(f"/v/{VILLAGE}/admin/accounts", data={"username": "li", "password": "longenough1",
                                                    "roles": ["clerk", "nonsense"], "display_name": "李文书",
                                                    "csrf_token": token})
    li = app.test_client()
    tok = csrf(li)
    assert li.post("/login", data={"username": "li", "password": "longenough1", "csrf_token": tok}).status_code == 302
    assert li.get(HALL).status_code == 200 and li.get(f"/v/{VILLAGE}/admin").status_code == 403
    admin.post(f"/v/{VILLAGE}/admin/accounts/li/deactivate", data={"csrf_token": token})
    assert li.get(HALL).status_code == 302  # logged out: the account no longer exists for login


# Endpoints that act without reading their form: any input makes them act, so only "never a
# 500" applies to them. Every other POST must refuse bad input without changing the record.
NO_INPUT = {"hall.open_sitting", "hall.close_vote", "hall.close", "hall.adjourn",
            "hall.confirm_cards", "auth.logout", "hall.tellers"}
# Forms where any non-empty text is a valid request (a villager's submission or objection):
# they are covered by their own property tests in test_submissions_web.py.
ANY_TEXT = {"submissions.lodge", "submissions.take_down", "objections.lodge"}


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_post_endpoint_survives_bad_input(live_app, data):
    from webui.auth import add_account

    app = live_app
    add_account(app.extensions["deliberate"], "everyone", "everyone-pw", set(ROLES), "全体角色",
                village=VILLAGE, person="p0009")
    rules = sorted((r for r in app.url_map.iter_rules() if "POST" in r.methods
                    and r.endpoint not in NO_INPUT | ANY_TEXT), key=lambda r: r.rule)
    rule = data.draw(st.sampled_from(rules))
    params = {}
    for arg in rule.arguments:
        params[arg] = data.draw(st.one_of(st.just({"village": VILLAGE, "sitting": SITTING,
                                                    "matter": "channel"}.get(arg, "x")),
                                          st.text(alphabet="abc-_0123456789", min_size=1, max_size=20)))
    path = rule.rule
    for arg, value in params.items():
        path = path.replace(f"<{arg}>", value)
    form = data.draw(st.dictionaries(st.text(min_size=1, max_size=20), FORM_TEXT, max_size=8))
    client = app.test_client()
    token = csrf(client)
    client.post("/login", data={"username": "everyone", "password": "everyone-pw", "csrf_token": token})
    before = height(app)
    response = client.post(path, data={**form, "csrf_token": csrf(client)})
    assert response.status_code < 500, (path, form)
    assert height(app) == before, (path, form)


def test_the_demo_never_lands_in_a_real_village_database(tmp_path):
    from deliberate.store import open_store

    store = open_store(f"sqlite:///{tmp_path / 'real.sqlite3'}")
    store.create_village("jinding", "金町村")
    assert ensure_demo(store) is False
    assert [v for v, _ in store.villages()] == ["jinding"]
    # In the demo's own database, a changed password survives a restart.
    demo = open_store(f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    assert ensure_demo(demo) is True
    from webui.auth import add_account
    add_account(demo, "chair", "a-new-secret", {"chair"}, "主持人", village="demo")
    ensure_demo(demo)
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}", "SECRET_KEY": "x"})
    client = app.test_client()
    token = csrf(client)
    assert client.post("/login", data={"username": "chair", "password": DEMO_PASSWORD,
                                       "csrf_token": token}).status_code == 401
