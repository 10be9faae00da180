"""The OpenAPI 3 document of the JSON API (webui.api), kept beside it and checked against it by
schemathesis (tests/test_api.py): every answer must match what is written here."""

from __future__ import annotations

from typing import Any

from deliberate import __version__
from deliberate.bodies import Body
from deliberate.procedure import Action, SittingState, Stage
from deliberate.submission import Channel, SubmissionStatus
from deliberate.tally import Choice

__all__ = ["openapi"]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(required: dict[str, Any], **optional: Any) -> dict[str, Any]:
    return {"type": "object", "required": sorted(required), "properties": {**required, **optional}}


def _null(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "nullable": True}


def _enum(kind: Any) -> dict[str, Any]:
    return {"type": "string", "enum": [member.value for member in kind]}


def _list(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": item}


STR, INT, BOOL = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
COUNT = {"type": "integer", "minimum": 0}
DATE, TIME = {"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}
URL = {"type": "string", "format": "uri"}
SHA256 = {"type": "string", "pattern": "^[0-9a-f]{64}$"}

SCHEMAS: dict[str, Any] = {
    "Words": {**_obj({"zh_Hans": STR, "zh_Hant": STR, "en": STR}),
              "description": "The same words in Simplified Chinese, Traditional Chinese and English."},
    "Error": _obj({"error": _obj({"code": STR, "message": _ref("Words")})}),
    "Checkpoint": {**_obj({"height": COUNT, "hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"}}),
                   "description": "The record's head: its height and the hash of its last entry "
                                  "(height 0 and 64 zeros for an empty record)."},
    "Village": _obj({"id": STR, "name": STR, "checkpoint": _ref("Checkpoint"), "page": URL}),
    "MatterSummary": _obj({"id": STR, "title": STR, "stage": _enum(Stage), "stage_label": _ref("Words"),
                           "procedure": STR, "amount_fen": _null(COUNT), "raised_at": TIME,
                           "updated_at": TIME, "page": URL}),
    "Tally": _obj({"approve": COUNT, "oppose": COUNT, "abstain": COUNT}),
    "Outcome": {**_obj({
        "sitting": STR, "vote": STR, "matter": STR, "stage": _enum(Stage), "body": _enum(Body),
        "body_label": _ref("Words"), "motion": STR, "secret": BOOL, "opened_at": TIME,
        "closed_at": TIME,
        "rule": _obj({"name": STR, "title": _ref("Words"), "citation": _ref("Words"), "edition": STR,
                      "numbering": {"allOf": [_ref("Words")], "nullable": True}}),
        "attendance": _obj({"expected": COUNT, "present": COUNT, "households": _null(COUNT),
                            "households_present": _null(COUNT), "members": _null(COUNT)}),
        # 3.0 ignores siblings of $ref, so a nullable reference is written as allOf.
        "tally": _ref("Tally"), "cards": {"allOf": [_ref("Tally")], "nullable": True},
        "quorate": BOOL, "passed": BOOL, "explanation": _ref("Words"),
        "receipts_digest": _null(SHA256),
        "receipts": _list(_obj({"receipt": STR, "choice": _enum(Choice)}))}),
        "description": "A closed vote: who was expected and present, the count, the rule applied "
                       "with its citation, and whether the motion passed. A secret vote lists "
                       "its receipts, so each voter can find theirs."},
    "Notice": _obj({"matter": STR, "number": {"type": "integer", "minimum": 1}, "stage": _enum(Stage),
                    "stage_label": _ref("Words"), "published_on": DATE, "first": DATE, "last": DATE,
                    "contacts": STR, "issued_by": STR, "page": URL}),
    "Matter": {"allOf": [_ref("MatterSummary"), _obj({
        "description": STR, "plan": STR, "origin": STR,
        "history": _list(_obj({"stage": _enum(Stage), "at": TIME, "action": _enum(Action),
                               "reason": _null(STR)})),
        "notices": _list(_ref("Notice")),
        "objections": _list(_obj({"id": STR, "notice": INT, "lodged_on": DATE, "text": STR,
                                  "answered_on": _null(DATE), "answer": _null(STR),
                                  "upheld": _null(BOOL)})),
        "progress": _list(_obj({"entry": STR, "on": DATE, "description": STR, "spent_fen": COUNT,
                                "attachments": _list(_obj({"name": STR, "sha256": SHA256, "url": URL}))})),
        "spent_fen": COUNT, "completed_on": _null(DATE), "completion": _null(STR),
        "submissions": _list(STR), "outcomes": _list(_ref("Outcome"))})]},
    "Sitting": _obj({"id": STR, "body": _enum(Body), "body_label": _ref("Words"), "rule": STR,
                     "agenda": _list(STR), "scheduled_for": TIME, "notice_date": DATE, "place": STR,
                     "state": _enum(SittingState), "state_label": _ref("Words"),
                     "opened_at": _null(TIME), "ended_at": _null(TIME),
                     "adjourn_reason": _null(STR),
                     "recordings": _list(_obj({"reference": STR, "sha256": SHA256, "recorded_at": TIME})),
                     "outcomes": _list(_ref("Outcome"))}),
    "Submission": _obj({"id": STR, "received_on": DATE, "text": STR, "channel": _enum(Channel),
                        "status": _enum(SubmissionStatus), "status_label": _ref("Words"),
                        "matter": _null(STR), "settled_on": _null(DATE), "answer": _null(STR)}),
}


def _json(schema: dict[str, Any], what: str) -> dict[str, Any]:
    return {"description": what, "headers": {"ETag": {"schema": STR}},
            "content": {"application/json": {"schema": schema}}}


_NOT_MODIFIED = {"description": "Unchanged since the ETag sent in If-None-Match.",
                 "headers": {"ETag": {"schema": STR}}}
_NOT_FOUND = {"description": "No such village, matter or sitting.",
              "content": {"application/json": {"schema": _ref("Error")}}}
_BAD = {"description": "A parameter is not valid.",
        "content": {"application/json": {"schema": _ref("Error")}}}
_IF_NONE_MATCH = {"name": "If-None-Match", "in": "header", "required": False, "schema": STR,
                  "description": "An ETag from an earlier answer: 304 if nothing changed since."}


def _path(name: str, what: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": STR, "description": what}


VILLAGE = _path("village", "The village's id, as in /villages.")


def _get(summary: str, schema: dict[str, Any], *params: dict[str, Any], missing: bool = True,
         op: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    responses: dict[str, Any] = {"200": _json(schema, summary), "304": _NOT_MODIFIED}
    if missing:
        responses["404"] = _NOT_FOUND
    responses.update(extra or {})
    return {"get": {"operationId": op, "summary": summary, "parameters": [*params, _IF_NONE_MATCH],
                    "responses": responses}}


def _listed(key: str, item: str) -> dict[str, Any]:
    return _obj({"checkpoint": _ref("Checkpoint"), key: _list(_ref(item))})


def openapi() -> dict[str, Any]:
    """The document served at /api/v1/openapi.json (server-relative, so it fits any host)."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "deliberate — village deliberation records (四议两公开)",
                 "version": __version__,
                 "description": "Read-only. Amounts are integers in fen (分); dates are ISO 8601; "
                                "words for people come in zh_Hans, zh_Hant and en. Send the ETag "
                                "back in If-None-Match to get 304 when nothing changed."},
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/villages": _get("Every village this server keeps.",
                              _obj({"villages": _list(_ref("Village"))}), missing=False, op="listVillages"),
            "/villages/{village}": _get("One village and its record's checkpoint.", _ref("Village"),
                                        VILLAGE, op="getVillage"),
            "/villages/{village}/matters": _get("The village's matters, latest first.",
                                                _listed("matters", "MatterSummary"), VILLAGE,
                                                op="listMatters"),
            "/villages/{village}/matters/{matter}": _get(
                "A matter: its steps, notices, objections and answers, progress, outcomes.",
                _ref("Matter"), VILLAGE, _path("matter", "The matter's id."), op="getMatter"),
            "/villages/{village}/sittings": _get("The village's sittings, latest first.",
                                                 _listed("sittings", "Sitting"), VILLAGE,
                                                 op="listSittings"),
            "/villages/{village}/sittings/{sitting}": _get(
                "A sitting with its outcomes.", _ref("Sitting"), VILLAGE,
                _path("sitting", "The sitting's id."), op="getSitting"),
            "/villages/{village}/outcomes": _get("Every closed vote, in the order they closed.",
                                                 _listed("outcomes", "Outcome"), VILLAGE,
                                                 op="listOutcomes"),
            "/villages/{village}/notices": _get("Every notice published (决议公开, 实施结果公开).",
                                                _listed("notices", "Notice"), VILLAGE, op="listNotices"),
            "/villages/{village}/submissions": _get("Villagers' submissions (民情) and where they stand.",
                                                    _listed("submissions", "Submission"), VILLAGE,
                                                    op="listSubmissions"),
            "/villages/{village}/log": {"get": {
                "operationId": "getLog",
                "summary": "The record as JSON Lines, one entry per line, from height `start`; "
                           "check it with `deliberate verify`.",
                "parameters": [VILLAGE, {"name": "start", "in": "query", "required": False,
                                         "schema": {"type": "integer", "minimum": 1, "maximum": 10**12,
                                                    "default": 1}},
                               _IF_NONE_MATCH],
                "responses": {"200": {"description": "The entries.", "headers": {"ETag": {"schema": STR}},
                                      "content": {"application/x-ndjson": {"schema": STR}}},
                              "304": _NOT_MODIFIED, "400": _BAD, "404": _NOT_FOUND}}},
        },
        "components": {"schemas": SCHEMAS},
    }
