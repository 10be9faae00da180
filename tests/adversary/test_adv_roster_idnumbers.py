"""Attacks on the identity numbers of a village's register, and on the roster preview (issue 11, §7).

**Identity numbers.** The village imports its household register, whose 身份证号码 column holds
every villager's number — sensitive personal information (个人信息保护法 第28条). The attacker
holds whatever the app keeps or shows: the database file (SQLite, with its write-ahead log) or a
PostgreSQL dump, the exported record (JSON Lines and CSV), every public page and the JSON API, the
admin's own preview page, and the server's log records. After a real import through the web page
and the command line, and a villagers' meeting whose check-ins and open ballots put the imported
people's ids into the record, none of them holds any number, nor the digit runs that identify one
(region and birth date, birth date and sequence number, the 8-digit birth date run).

**The preview.** What the admin confirms is what the preview showed: the confirmation names a draft
and its digest, and carries no file; another account cannot confirm or see it; a newer upload
replaces it; a used, tampered or expired draft imports nothing; a file sent along with the
confirmation is ignored. A file that cannot be read changes nothing.

On SQLite and PostgreSQL, through the HTTP app (Flask's test client) and the command line.
"""

from __future__ import annotations

import io
import logging
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import demo_app_at, demo_driver
from registers import make_register, with_legacy_numbers, write_csv, write_xlsx
from test_webui import csrf

from deliberate.cli import main
from deliberate.procedure import Stage
from deliberate.store.roster import load_roster
from webui.auth import add_account
from webui.logprivacy import redact

REGISTER = with_legacy_numbers(make_register(households=24, people=80, seed=28), 3)
OTHERS = make_register(households=6, people=20, seed=29)  # imported through the command line


def _secrets(register) -> set[str]:
    """Each number and the runs of its digits that identify it."""
    out: set[str] = set()
    for p in register.people:
        n = p.number
        if len(n) == 15:
            out |= {n, n[:12], n[6:]}  # region + birth date (YYMMDD), birth date + sequence
            continue
        out |= {n, n.lower(), n[:17], n[:14], n[6:], n[6:14]}
    return out


SECRETS = _secrets(REGISTER) | _secrets(OTHERS)


def _leaks(blob: bytes | str) -> list[str]:
    text = blob.decode("latin-1") if isinstance(blob, bytes) else blob
    return sorted(s for s in SECRETS if s in text)


def _admin(app, username: str = "roster-admin"):
    add_account(app.extensions["deliberate"], username, "admin-password-1", {"admin"}, "管理员", village="demo")
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": "admin-password-1",
                                           "csrf_token": csrf(client)})
    assert response.status_code == 302
    return client


def _upload(client, name: str, content: bytes, village: str = "demo"):
    return client.post(f"/v/{village}/admin/roster", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(content), name), "csrf_token": csrf(client, f"/v/{village}/admin")})


def _confirm_form(page: str) -> tuple[str, str, str | None]:
    found = re.search(r'action="([^"]+/import)".*?name="digest" value="([0-9a-f]{64})"(.*?)</form>', page, re.S)
    assert found, page[:2000]
    skip = "1" if 'name="skip_bad" value="1"' in found[3] else None
    return found[1], found[2], skip


def _confirm(client, page: str, **extra):
    action, digest, skip = _confirm_form(page)
    data = {"csrf_token": csrf(client, "/v/demo/admin"), "digest": digest, **extra}
    if skip:
        data["skip_bad"] = skip
    if "file" in extra:
        return client.post(action, data=data, content_type="multipart/form-data")
    return client.post(action, data=data)


def _crawl(client, starts: list[str], limit: int = 400) -> dict[str, str]:
    """Every page and API answer reachable from ``starts`` by same-site links (GET only)."""
    seen: dict[str, str] = {}
    queue = list(starts)
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen or any(bad in path for bad in ("/logout", "/static/", "lang=", "/b/")):
            continue
        response = client.get(path)
        body = response.get_data(as_text=True)
        seen[path] = body
        for link in re.findall(r'href="(/[^"#]*)"', body):
            queue.append(link.replace("&amp;", "&"))
    return seen


def _database_bytes(store_url: str) -> bytes:
    if store_url.startswith("sqlite"):
        path = Path(store_url.split("///", 1)[1])
        return b"".join(Path(f"{path}{suffix}").read_bytes() for suffix in ("", "-wal", "-shm")
                        if Path(f"{path}{suffix}").exists())
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        pytest.fail("pg_dump is needed to read the PostgreSQL database as its holder would")
    url = store_url.replace("postgresql+psycopg://", "postgresql://")
    return subprocess.run([pg_dump, "--no-owner", url], check=True, capture_output=True, timeout=120).stdout


def test_no_identity_number_is_kept_shown_exported_or_logged(store_url, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    app = demo_app_at(store_url)
    admin = _admin(app)
    demo_people = set(load_roster(app.extensions["deliberate"].engine, "demo").people)
    # A register with the numbers, one of them copied wrong and one typed into the name column:
    # both refused on their rows, and their messages do not repeat them.
    people = list(REGISTER.people)
    slip = people[5].number[:15] + str((int(people[5].number[15]) + 1) % 10) + people[5].number[16:]
    people[5] = replace(people[5], number=slip)
    people[9] = replace(people[9], note=f"身份证 {people[9].number}")  # in a column not imported
    register = replace(REGISTER, people=tuple(people))
    preview = _upload(admin, "花名册.xlsx", write_xlsx(register, tmp_path / "r.xlsx").read_bytes())
    page = preview.get_data(as_text=True)
    assert preview.status_code == 422 and "身份证号码的校验位不符" in page, page[:3000]
    assert "核对了" in page and "号码本身不保存" in page
    # The import skips the slip (its household stays, its head's row being good).
    done = _confirm(admin, page)
    assert done.status_code == 200 and "导入完成" in done.get_data(as_text=True)
    store = app.extensions["deliberate"]
    assert len(load_roster(store.engine, "demo").people) >= 380 + len(REGISTER.people) - 1
    # The command line imports another village's register from a GBK CSV.
    result = CliRunner().invoke(main, ["--db", store_url, "roster", "import",
                                       str(write_csv(OTHERS, tmp_path / "o.csv", encoding="gbk")),
                                       "--village", "other", "--name", "别村"])
    assert result.exit_code == 0, result.output
    assert not _leaks(result.output)
    # A villagers' meeting: the imported people check in and vote in the open; their ids enter the record.
    ledger, driver = demo_driver(app)
    driver.to_stage("idn", Stage.RESOLUTION_NOTICE)
    imported = set(load_roster(store.engine, "demo").people) - demo_people
    took_part = {e.payload.get("person") or e.payload.get("voter") for e in ledger.entries()
                 if e.type in ("checked_in", "ballot_cast")}
    assert imported & took_part, "the imported people's ids are in the record"

    # What the attacker reads.
    found: dict[str, list[str]] = {}
    runner = CliRunner()
    for fmt in ("jsonl", "csv"):
        exported = runner.invoke(main, ["--db", store_url, "export", "--village", "demo", "--format", fmt])
        assert exported.exit_code == 0
        found[f"export {fmt}"] = _leaks(exported.output)
    public = app.test_client()
    pages = _crawl(public, ["/", "/p/demo", "/p/demo/verify", "/p/demo/log.jsonl", "/p/demo/submissions"])
    sittings = [f"/api/v1/villages/demo/sittings/{s}" for s in ledger.state.sittings]
    matters = [f"/api/v1/villages/demo/matters/{m}" for m in ledger.state.matters]
    api = ["/api/v1/villages", "/api/v1/villages/demo", "/api/v1/villages/demo/matters",
           "/api/v1/villages/demo/sittings", "/api/v1/villages/demo/outcomes", "/api/v1/villages/demo/notices",
           "/api/v1/villages/demo/submissions", "/api/v1/villages/demo/log", *sittings, *matters]
    for path in api:
        pages[path] = public.get(path).get_data(as_text=True)
    assert len(pages) > 20 and any("/p/demo/m/idn" in p for p in pages)
    pages |= _crawl(admin, ["/v/demo/admin", "/v/demo/matters", "/v/demo/s/live/hall"], limit=60)
    found["pages and API"] = [s for body in pages.values() for s in _leaks(body)]
    found["preview page"] = _leaks(page)
    found["log records"] = [s for r in caplog.records for s in _leaks(r.getMessage() + (r.exc_text or ""))]
    store.engine.dispose()
    found["database"] = _leaks(_database_bytes(store_url))
    assert found == {k: [] for k in found}


def test_a_number_that_reaches_a_log_line_is_redacted(caplog):
    number = REGISTER.people[0].number
    assert redact(f"GET /search?q={number} 200") == "GET /search?q=[redacted] 200"
    assert number not in redact(f"cell {number.lower()} and old {REGISTER.people[0].number[:6]}"
                                f"{REGISTER.people[0].number[8:17]}")
    assert redact("phone 13912345678, receipt ABCDEFGHJK") == "phone 13912345678, receipt ABCDEFGHJK"


def test_the_confirmation_imports_what_was_previewed_and_nothing_else(store_url, tmp_path):
    app = demo_app_at(store_url)
    store = app.extensions["deliberate"]
    admin, other = _admin(app), _admin(app, "another-admin")
    before = set(load_roster(store.engine, "demo").people)
    first = make_register(households=5, people=15, seed=41)
    second = make_register(households=4, people=12, seed=42)
    page_a = _upload(admin, "a.csv", write_csv(first, tmp_path / "a.csv").read_bytes()).get_data(as_text=True)
    assert set(load_roster(store.engine, "demo").people) == before  # a preview imports nothing
    action, digest, _ = _confirm_form(page_a)
    draft = action.rsplit("/", 2)[-2]
    # Another admin of the village can neither see nor confirm it, even with its address and digest.
    assert other.get(f"/v/demo/admin/roster/{draft}").status_code == 302
    refused = other.post(action, data={"csrf_token": csrf(other, "/v/demo/admin"), "digest": digest})
    assert refused.status_code == 302 and set(load_roster(store.engine, "demo").people) == before
    # A tampered digest, or no CSRF token: nothing.
    assert admin.post(action, data={"csrf_token": csrf(admin, "/v/demo/admin"), "digest": "0" * 64}).status_code == 302
    assert admin.post(action, data={"digest": digest}).status_code == 400
    assert set(load_roster(store.engine, "demo").people) == before
    # A file sent along with the confirmation is ignored: the draft is what goes in.
    done = _confirm(admin, page_a, file=(io.BytesIO(write_csv(second, tmp_path / "b.csv").read_bytes()), "b.csv"))
    assert done.status_code == 200
    names = {p.name for pid, p in load_roster(store.engine, "demo").people.items() if pid not in before}
    assert names == {p.name for p in first.people}
    # Used once: confirming again imports nothing more.
    assert _confirm(admin, page_a).status_code == 302
    # A newer upload replaces the draft: the older page's button no longer imports anything.
    page_b = _upload(admin, "b.csv", (tmp_path / "b.csv").read_bytes()).get_data(as_text=True)
    page_c = _upload(admin, "c.csv", write_csv(make_register(households=3, people=9, seed=43),
                                                tmp_path / "c.csv").read_bytes()).get_data(as_text=True)
    assert _confirm(admin, page_b).status_code == 302
    now = {p.name for pid, p in load_roster(store.engine, "demo").people.items() if pid not in before}
    assert now == names
    assert _confirm(admin, page_c).status_code == 200
    # Discarding removes the draft.
    page_d = _upload(admin, "b.csv", (tmp_path / "b.csv").read_bytes()).get_data(as_text=True)
    action_d = _confirm_form(page_d)[0]
    admin.post(action_d.replace("/import", "/discard"), data={"csrf_token": csrf(admin, "/v/demo/admin")})
    assert _confirm(admin, page_d).status_code == 302
    assert not {p.name for p in second.people} & {p.name for p in load_roster(store.engine, "demo").people.values()}


@pytest.mark.parametrize(("name", "content", "words"), [
    ("r.xlsx", b"PK\x03\x04 not really a workbook", "不是有效的Excel工作簿"),
    ("r.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "请在表格软件中“另存为”.xlsx"),
    ("r.csv", "金町村花名册\n序号,备注\n".encode(), "找不到表头"),
    ("r.csv", "户主姓名,姓名\n王一,王一\n".encode("gbk"), "缺少必需的列"),
    ("r.csv", "姓名,与户主关系,身份证号码\n王一,妻,110105194912310021\n".encode(), "前面没有户主行"),
])
def test_a_bad_file_says_why_in_chinese_and_changes_nothing(store_url, name, content, words):
    app = demo_app_at(store_url)
    store = app.extensions["deliberate"]
    admin = _admin(app)
    before = load_roster(store.engine, "demo")
    response = _upload(admin, name, content)
    page = response.get_data(as_text=True) if response.status_code != 302 else \
        admin.get(response.headers["Location"]).get_data(as_text=True)
    assert response.status_code in (302, 422) and words in page, page[:2000]
    assert "/import" not in page  # nothing to confirm
    assert "110105194912310021" not in page
    after = load_roster(store.engine, "demo")
    assert (after.people, after.households) == (before.people, before.households)


def test_an_admin_of_another_village_cannot_import_a_draft_of_this_one(store_url, tmp_path):
    """An admin of the village next door who learns a draft's address and digest (a shared county
    server) posts it under their own village, and under this one: neither imports anything."""
    app = demo_app_at(store_url)
    store = app.extensions["deliberate"]
    store.create_village("hill", "山村")
    admin = _admin(app)
    add_account(store, "hill-admin", "admin-password-1", {"admin"}, "山村管理员", village="hill")
    neighbour = app.test_client()
    assert neighbour.post("/login", data={"username": "hill-admin", "password": "admin-password-1",
                                          "csrf_token": csrf(neighbour)}).status_code == 302
    before = {v: set(load_roster(store.engine, v).people) for v in ("demo", "hill")}
    page = _upload(admin, "a.csv", write_csv(make_register(households=3, people=9, seed=51),
                                             tmp_path / "a.csv").read_bytes()).get_data(as_text=True)
    action, digest, _ = _confirm_form(page)
    for target in (action.replace("/v/demo/", "/v/hill/"), action):
        answer = neighbour.post(target, data={"csrf_token": csrf(neighbour, "/v/hill/admin"), "digest": digest})
        assert answer.status_code in (302, 403, 404)
    assert {v: set(load_roster(store.engine, v).people) for v in ("demo", "hill")} == before
