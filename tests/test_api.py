"""The JSON API: every endpoint through the test client, ETags and 304, the OpenAPI document,
and schemathesis against that document (no 500; every answer matches its schema)."""

from __future__ import annotations

import json

import pytest
import schemathesis
from helpers import demo_app
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deliberate import Ledger, Stage, verify
from deliberate.i18n import LANGS
from deliberate.record import from_jsonl


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return demo_app(tmp_path_factory.mktemp("api") / "api.sqlite3")


def get(app, path, **headers):
    return app.test_client().get(f"/api/v1{path}", headers=headers)


def test_villages_and_a_village(app):
    body = get(app, "/villages").get_json()
    (village,) = body["villages"]
    head = Ledger("demo", app.extensions["deliberate"]).checkpoint
    assert village["id"] == "demo" and village["checkpoint"] == {"height": head.height, "hash": head.hash}
    assert village["page"].endswith("/p/demo")
    assert get(app, "/villages/demo").get_json() == village


def test_a_matter_carries_its_steps_outcomes_notices_and_spending(app):
    lights = get(app, "/villages/demo/matters/lights").get_json()
    assert lights["stage"] == "done" and lights["stage_label"] == {lang: Stage.DONE.label(lang) for lang in LANGS}
    assert lights["amount_fen"] == 8_600_000 and lights["spent_fen"] == 8_300_000
    assert [p["spent_fen"] for p in lights["progress"]] == [5_200_000, 3_100_000]
    assert lights["submissions"] == ["q1"]
    (objection,) = lights["objections"]
    assert objection["upheld"] is False and "三组" in objection["answer"]
    assert {n["stage"] for n in lights["notices"]} == {"resolution_notice", "implementation_notice"}
    decisive = [o for o in lights["outcomes"] if o["body"] == "villagers_meeting"]
    assert decisive and decisive[0]["passed"] and decisive[0]["cards"] is not None
    assert "村民委员会组织法" in decisive[0]["rule"]["citation"]["zh_Hans"]
    # The explanation, in all three languages, is the one the core gives.
    assert set(decisive[0]["explanation"]) == {"zh_Hans", "zh_Hant", "en"}


def test_lists_and_secret_ballot_receipts(app):
    matters = get(app, "/villages/demo/matters").get_json()["matters"]
    assert {m["id"] for m in matters} >= {"lights", "bridge", "channel", "pavilion", "hall", "columbarium"}
    outcomes = get(app, "/villages/demo/outcomes").get_json()["outcomes"]
    secret = [o for o in outcomes if o["secret"]]
    assert secret and len(secret[0]["receipts"]) == sum(secret[0]["tally"].values())
    assert [o["closed_at"] for o in outcomes] == sorted(o["closed_at"] for o in outcomes)
    sittings = get(app, "/villages/demo/sittings").get_json()["sittings"]
    one = get(app, f"/villages/demo/sittings/{sittings[0]['id']}").get_json()
    assert one == sittings[0]
    notices = get(app, "/villages/demo/notices").get_json()["notices"]
    assert any(n["matter"] == "bridge" for n in notices)
    submissions = get(app, "/villages/demo/submissions").get_json()["submissions"]
    assert {q["id"]: q["status"] for q in submissions}["q3"] == "answered"
    assert all("contact" not in q and "name" not in q for q in submissions)


def test_etags_answer_304_until_the_record_moves(app):
    first = get(app, "/villages/demo/matters")
    tag = first.headers["ETag"]
    again = get(app, "/villages/demo/matters", **{"If-None-Match": tag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == tag
    from deliberate import commands as c
    from webui.services import now
    with app.test_request_context():
        Ledger("demo", app.extensions["deliberate"]).handle(c.LodgeSubmission("q-api", now().date(), "新的民情"), now())
    moved = get(app, "/villages/demo/matters", **{"If-None-Match": tag})
    assert moved.status_code == 200 and moved.headers["ETag"] != tag


def test_the_log_verifies_and_can_be_fetched_from_a_height(app):
    whole = get(app, "/villages/demo/log")
    assert whole.mimetype == "application/x-ndjson"
    entries = list(from_jsonl(whole.get_data(as_text=True).splitlines(keepends=True)))
    assert verify(entries).ok
    tail = list(from_jsonl(get(app, "/villages/demo/log?start=10").get_data(as_text=True).splitlines(True)))
    assert tail == entries[9:]
    assert get(app, "/villages/demo/log", **{"If-None-Match": whole.headers["ETag"]}).status_code == 304
    for bad in ("0", "-1", "x", "1.5", "９"):
        response = get(app, f"/villages/demo/log?start={bad}")
        assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_request"


def test_unknown_things_and_methods_get_json_errors(app):
    for path in ("/villages/nowhere", "/villages/demo/matters/nothing", "/villages/demo/sittings/none",
                 "/nothing-here"):
        response = get(app, path)
        assert response.status_code == 404 and response.get_json()["error"]["message"]["zh_Hans"] == "没有找到"
    response = app.test_client().post("/api/v1/villages")
    assert response.status_code in (400, 405) and "error" in response.get_json()


def test_the_openapi_document_describes_every_route(app):
    doc = get(app, "/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    routes = {r.rule.removeprefix("/api/v1").replace("<", "{").replace(">", "}")
              for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1/") and r.endpoint != "api.document"}
    assert routes == set(doc["paths"])
    json.dumps(doc)  # plain data


OPERATIONS = ["listVillages", "getVillage", "listMatters", "getMatter", "listSittings", "getSitting",
              "listOutcomes", "listNotices", "listSubmissions", "getLog"]


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_every_answer_matches_the_document(app, operation_id):
    """schemathesis draws requests from the document (path values, queries, If-None-Match) and
    checks each answer: no 5xx, the status is documented, the body matches its schema."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operation = schema.find_operation_by_id(operation_id)
    # Known ids too, not only random text, so the 200 answers are checked as well as the 404s.
    examples = {"village": ["demo"], "matter": ["lights", "bridge", "columbarium"], "sitting": sorted(
        Ledger("demo", app.extensions["deliberate"]).state.sittings)[:3]}

    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(), known=st.data())
    def check(case, known):
        if case.path_parameters and known.draw(st.booleans()):
            case.path_parameters = {name: known.draw(st.sampled_from(examples[name]))
                                    for name in case.path_parameters}
        case.call_and_validate()

    check()
