"""Attacks with invisible characters in the roster (issue 9, roster item).

The attacker prepares the roster file an administrator imports (or is the administrator): a name
with a right-to-left override (U+202E) displays reversed — ``陈\u202e华建`` reads as another person
on the hall's screen and the voter's phone — an id with a mark (U+200F) looks like another id, and
a control character or a line break in a cell breaks the pages and exports that show it. Names and
ids go onto ballots and notices and, as ids, into the record, so the import refuses them row by row
with the same check event text passes; nothing is saved. Through the command line and the web
upload, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_webui import csrf

from deliberate import InvalidInput, Ledger
from deliberate import commands as c
from deliberate.cli import main
from deliberate.procedure import STATUTORY
from deliberate.roster import Person, Sex
from deliberate.store.roster import load_roster, save_roster

HEADER = ["编号", "姓名", "性别", "出生日期", "户号", "村民小组"]
GOOD = [["JD001", "陈建国", "男", "1968-03-12", "H01", "一组"],
        ["JD002", "林秀英", "女", "1970-05-01", "H01", "一组"]]
# line number in the file (the header is line 1) -> a bad row and the column at fault
BAD = {
    4: (["JD003", "陈\u202e华建", "男", "1975-01-01", "H02", "一组"], "姓名"),  # right-to-left override
    5: (["JD0\u200f04", "黄志强", "男", "1975-01-01", "H02", "一组"], "编号"),  # right-to-left mark
    6: (["JD005", "吴\u2066丽娟\u2069", "女", "1980-01-01", "H03", "一组"], "姓名"),  # isolates
    7: (["JD006", "郑文斌", "男", "1980-01-01", "H0\x073", "一组"], "户号"),  # a control character
    8: (["JD007", "许春梅\n陈建国", "女", "1980-01-01", "H03", "一组"], "姓名"),  # a line break
    9: (["JD008", "蔡德明", "男", "1980-01-01", "H03", "\u202d一组"], "村民小组"),  # left-to-right override
}


def _csv(tmp_path: Path) -> Path:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(GOOD)
    for line in sorted(BAD):
        writer.writerow(BAD[line][0])
    path = tmp_path / "roster.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def _assert_rows_reported(text: str) -> None:
    for line, (_, column) in BAD.items():
        assert f"第{line}行：{column}含有控制字符" in text, (line, text)
    assert "第2行" not in text and "第3行" not in text


def _hidden(value: str) -> bool:
    return any(ch in value for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"
               "\x07\n")


def _people(url: str):
    from deliberate.store import open_store

    return load_roster(open_store(url).engine, "v").people


def test_cli_refuses_names_and_ids_with_hidden_characters(store_url, tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["--db", store_url, "roster", "import", str(_csv(tmp_path)),
                                  "--village", "v"], catch_exceptions=False)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"名册有{len(BAD)}行有误，未导入任何数据" in result.output
    _assert_rows_reported(result.output)
    assert not _people(store_url)  # nothing imported
    # Skipping the bad rows imports the good ones only, and lists the others.
    skipped = runner.invoke(main, ["--db", store_url, "roster", "import", str(_csv(tmp_path)),
                                   "--village", "v", "--skip-bad"], catch_exceptions=False)
    assert skipped.exit_code == 0, skipped.output
    _assert_rows_reported(skipped.output)
    people = _people(store_url)
    assert sorted(people) == ["JD001", "JD002"]
    assert not any(_hidden(p.id) or _hidden(p.name) or _hidden(p.household) or _hidden(p.group or "")
                   for p in people.values())


def _app(store_url: str, tmp_path: Path):
    from webui import create_app
    from webui.auth import add_account

    app = create_app({"DATABASE_URL": store_url, "SECRET_KEY": str(tmp_path), "TESTING": True})
    store = app.extensions["deliberate"]
    store.create_village("v", "金町村")
    add_account(store, "admin", "admin-password-1", {"admin"}, "管理员", village="v")
    client = app.test_client()
    response = client.post("/login", data={"username": "admin", "password": "admin-password-1",
                                           "csrf_token": csrf(client)})
    assert response.status_code == 302
    return app, client


def _upload(client, name: str, content: bytes):
    return client.post("/v/v/admin/roster", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(content), name),
                             "csrf_token": csrf(client, "/v/v/admin")})


def test_web_upload_refuses_names_and_ids_with_hidden_characters(store_url, tmp_path):
    app, admin = _app(store_url, tmp_path)
    response = _upload(admin, "roster.csv", _csv(tmp_path).read_bytes())
    page = response.get_data(as_text=True)
    assert response.status_code == 422, page
    _assert_rows_reported(page)
    assert not load_roster(app.extensions["deliberate"].engine, "v").people
    # A workbook carries them just as well.
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in GOOD:
        sheet.append(row)
    sheet.append(BAD[4][0])  # line 4: the override in a name
    sheet.append(BAD[5][0])  # line 5: the mark in an id
    data = io.BytesIO()
    book.save(data)
    response = _upload(admin, "roster.xlsx", data.getvalue())
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "第4行：姓名含有控制字符" in page and "第5行：编号含有控制字符" in page
    assert not load_roster(app.extensions["deliberate"].engine, "v").people
    # The clean file goes in: previewed, then confirmed.
    clean = _upload(admin, "roster.csv", "\n".join(",".join(r) for r in [HEADER, *GOOD]).encode())
    assert clean.status_code == 200 and not load_roster(app.extensions["deliberate"].engine, "v").people
    confirm = re.search(r'action="([^"]+/import)".*?name="digest" value="([0-9a-f]{64})"', clean.get_data(as_text=True),
                        re.S)
    admin.post(confirm[1], data={"csrf_token": csrf(admin, "/v/v/admin"), "digest": confirm[2]})
    assert len(load_roster(app.extensions["deliberate"].engine, "v").people) == 2


def test_the_store_refuses_them_from_any_caller(store_url):
    from deliberate.store import open_store

    store = open_store(store_url)
    store.create_village("v", "村")
    engine = store.engine
    bad = Person("p1", "王\u202e五", datetime(1970, 1, 1).date(), Sex.MALE, "h1")
    with pytest.raises(InvalidInput) as info:
        save_roster(engine, "v", people=[bad])
    assert "U+202E" in info.value.message("en")
    assert not load_roster(engine, "v").people


def test_event_text_is_checked_the_same_way():
    ledger = Ledger("v")
    now = datetime(2026, 3, 2, 9, tzinfo=timezone(timedelta(hours=8)))
    for title in ("修建\u202e楼灰骨", "修建\u2067骨灰楼", "修建\u200f骨灰楼"):
        with pytest.raises(InvalidInput) as info:
            ledger.handle(c.RaiseMatter("m1", title, STATUTORY, by="书记"), now)
        assert "控制字符" in str(info.value)
    assert ledger.checkpoint.height == 0
    ledger.handle(c.RaiseMatter("m1", "修建骨灰楼", STATUTORY, by="书记",
                                description="第一行\n第二行\t缩进"), now)  # line breaks stay
