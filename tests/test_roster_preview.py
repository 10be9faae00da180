"""The preview of a roster import, its draft, and ``deliberate roster import --dry-run``, on SQLite
and PostgreSQL: a preview writes no roster record, the draft imports exactly what was shown, and
the same register imported again — as a workbook or as CSV — changes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from registers import make_register, write_csv, write_xlsx
from sqlalchemy import func, select

from deliberate.cli import main
from deliberate.store import make_engine, open_store, upgrade
from deliberate.store.models import (
    HouseholdRow,
    PersonRow,
    RosterDraftRow,
    RosterKeyRow,
)
from deliberate.store.roster import load_roster
from deliberate.usecases import roster as rosters

ON = date(2026, 3, 1)
AT = datetime(2026, 3, 1, 2, tzinfo=UTC)
REGISTER = make_register(households=60, people=200, seed=4)


def _count(store, table) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table.__table__)).scalar()


@pytest.fixture
def store(store_url):
    s = open_store(store_url)
    s.create_village("v", "金町村")
    return s


def test_a_preview_counts_on_the_day_and_writes_no_roster(store, tmp_path):
    path = write_xlsx(REGISTER, tmp_path / "r.xlsx")
    dry = rosters.preview_roster(store, "v", path, on=ON)
    assert (dry.people, dry.households, dry.adults, dry.added, dry.absent) == (200, 60, REGISTER.adults(ON), 200, 0)
    assert dry.draft is None and not dry.errors and dry.ignored == ("序号", "联系电话", "备注")
    assert [g.group for g in dry.groups] == ["一组", "二组", "三组", "四组", "五组", "六组"]
    assert sum(g.people for g in dry.groups) == 200 and len(dry.sample) == 8
    # The command line's dry run writes nothing at all, not even the village's key.
    assert (_count(store, PersonRow), _count(store, RosterKeyRow), _count(store, RosterDraftRow)) == (0, 0, 0)
    # A day later someone may turn 18: the count is of that day.
    born = {p.born for p in REGISTER.people}
    later = next(d for d in (ON + timedelta(days=n) for n in range(1, 4000))
                 if any(b.replace(year=b.year + 18) == d for b in born if (b.month, b.day) != (2, 29)))
    assert rosters.preview_roster(store, "v", path, on=later).adults > dry.adults
    kept = rosters.preview_roster(store, "v", path, on=ON, owner="admin", at=AT)
    assert kept.draft and len(kept.digest) == 64
    assert (_count(store, PersonRow), _count(store, HouseholdRow), _count(store, RosterDraftRow)) == (0, 0, 1)


def test_the_draft_imports_what_the_preview_showed_once(store, tmp_path):
    path = write_xlsx(REGISTER, tmp_path / "r.xlsx")
    shown = rosters.preview_roster(store, "v", path, on=ON, owner="admin", at=AT)
    path.write_bytes(b"swapped after the preview")  # the file is never read again
    with pytest.raises(rosters.DraftGone):
        rosters.import_draft(store, "v", shown.draft, digest="0" * 64, owner="admin", at=AT)
    with pytest.raises(rosters.DraftGone):
        rosters.import_draft(store, "v", shown.draft, digest=shown.digest, owner="someone else", at=AT)
    with pytest.raises(rosters.DraftGone):
        rosters.import_draft(store, "v", shown.draft, digest=shown.digest, owner="admin", at=AT + timedelta(hours=2))
    assert _count(store, PersonRow) == 0
    again = rosters.show_draft(store, "v", shown.draft, owner="admin", on=ON, at=AT)
    assert (again.people, again.households, again.adults, again.digest) == (200, 60, shown.adults, shown.digest)
    done = rosters.import_draft(store, "v", shown.draft, digest=shown.digest, owner="admin", at=AT)
    assert done.imported and done.counts.added == 200 and done.ignored == ("序号", "联系电话", "备注")
    roster = load_roster(store.engine, "v")
    assert len(roster.people) == 200 and len(roster.households) == 60
    with pytest.raises(rosters.DraftGone):  # used up
        rosters.import_draft(store, "v", shown.draft, digest=shown.digest, owner="admin", at=AT)
    assert _count(store, RosterDraftRow) == 0


def test_a_newer_upload_replaces_the_draft_and_bad_rows_need_the_skip(store, tmp_path):
    first = rosters.preview_roster(store, "v", write_csv(REGISTER, tmp_path / "a.csv"), on=ON, owner="admin", at=AT)
    lines = (tmp_path / "a.csv").read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",男,", ",女,").replace(",女,", ",男,", 1) if ",男," in lines[3] else \
        lines[3].replace(",女,", ",男,")
    (tmp_path / "b.csv").write_text("\n".join(lines), encoding="utf-8")
    second = rosters.preview_roster(store, "v", tmp_path / "b.csv", on=ON, owner="admin", at=AT)
    assert [e.line for e in second.errors] == [4] and second.people == 199
    with pytest.raises(rosters.DraftGone):  # the first preview was replaced by the second
        rosters.import_draft(store, "v", first.draft, digest=first.digest, owner="admin", at=AT)
    refused = rosters.import_draft(store, "v", second.draft, digest=second.digest, owner="admin", at=AT)
    assert not refused.imported and _count(store, PersonRow) == 0
    done = rosters.import_draft(store, "v", second.draft, digest=second.digest, owner="admin", at=AT, skip_bad=True)
    assert done.counts.added == 199


def test_the_same_register_again_in_another_format_changes_nothing(store, tmp_path):
    xlsx = write_xlsx(REGISTER, tmp_path / "r.xlsx")
    first = rosters.import_roster(store, "v", xlsx, on=ON)
    assert first.counts.added == 200
    for path in (write_csv(REGISTER, tmp_path / "gbk.csv", encoding="gbk"),
                 write_csv(REGISTER, tmp_path / "bom.csv", encoding="utf-8-sig", heads="all"), xlsx):
        preview = rosters.preview_roster(store, "v", path, on=ON)
        assert (preview.added, preview.updated, preview.unchanged, preview.absent) == (0, 0, 200, 0), path.name
        assert rosters.import_roster(store, "v", path, on=ON).counts.unchanged == 200


def test_a_register_after_a_numbered_roster_is_flagged_as_doubling(store, tmp_path):
    rows = ["编号,姓名,性别,出生日期,户号"] + [f"P{i},{p.name},{p.sex},{p.born.isoformat()},H{p.head}"
                                         for i, p in enumerate(REGISTER.people)]
    (tmp_path / "numbered.csv").write_text("\n".join(rows), encoding="utf-8")
    assert rosters.import_roster(store, "v", tmp_path / "numbered.csv", on=ON).counts.added == 200
    preview = rosters.preview_roster(store, "v", write_xlsx(REGISTER, tmp_path / "r.xlsx"), on=ON)
    assert (preview.added, preview.absent, preview.doubles) == (200, 200, True)


def test_a_new_village_gets_its_key_with_its_first_import(store_url, tmp_path):
    store = open_store(store_url)
    path = write_csv(REGISTER, tmp_path / "r.csv")
    done = rosters.import_roster(store, "new", path, name="新村", on=ON)
    assert done.imported and store.village_name("new") == "新村" and _count(store, RosterKeyRow) == 1
    ids = set(load_roster(store.engine, "new").people)
    assert rosters.import_roster(store, "new", path, on=ON).counts.unchanged == 200
    assert set(load_roster(store.engine, "new").people) == ids


def test_the_command_line_dry_run_prints_the_preview_and_writes_nothing(store_url, tmp_path):
    engine = make_engine(store_url)
    upgrade(engine)
    path = write_xlsx(REGISTER, tmp_path / "花名册.xlsx")
    runner = CliRunner()
    result = runner.invoke(main, ["--db", store_url, "roster", "import", str(path), "--village", "v", "--dry-run"])
    out = result.output
    assert result.exit_code == 0, out
    for words in ("名册预览", "工作表“花名册”，表头在第4行（上方第1、2行是标题，已略过）",
                  "200人（其中已迁出0人），60户", "核对了200个", "号码本身不保存",
                  "以下列未导入：序号、联系电话、备注", "第205行：不是村民",
                  "新增200人", "未写入任何数据（--dry-run）"):
        assert words in out, (words, out)
    assert not any(p.number in out for p in REGISTER.people)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(PersonRow.__table__)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(RosterKeyRow.__table__)).scalar() == 0
    english = runner.invoke(main, ["--db", store_url, "--lang", "en", "roster", "import", str(path), "--village", "v",
                                   "--dry-run"])
    assert "ID card numbers: 200 checked" in english.output and "nothing written" in english.output
    bad = tmp_path / "bad.csv"
    bad.write_text("金町村花名册\n序号,备注\n1,无\n", encoding="utf-8")
    refused = runner.invoke(main, ["--db", store_url, "roster", "import", str(bad), "--village", "v", "--dry-run"])
    assert refused.exit_code == 1 and "找不到表头" in refused.output and "Traceback" not in refused.output


def test_the_migration_adds_and_removes_the_two_tables_and_keeps_the_roster(store_url):
    from alembic import command
    from sqlalchemy import inspect, text

    from deliberate.store.migrate import alembic_config

    engine = make_engine(store_url)
    upgrade(engine, "0008")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO village (id, name, head_height, head_hash, revision, box_version, settings, "
                          "created_at) VALUES ('v', '村', 0, :h, 0, 0, '{}', :t)"), {"h": "0" * 64, "t": AT})
        conn.execute(text("INSERT INTO household (village, id, name) VALUES ('v', 'H1', '王一户')"))
    upgrade(engine, "0009")
    assert {"roster_key", "roster_draft"} <= set(inspect(engine).get_table_names())
    store = open_store(store_url)
    rosters.preview_roster(store, "v", write_csv(REGISTER, Path(__import__("tempfile").mkdtemp()) / "r.csv"),
                           on=ON, owner="admin", at=AT)
    command.downgrade(alembic_config(engine), "0008")
    tables = set(inspect(engine).get_table_names())
    assert not {"roster_key", "roster_draft"} & tables
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM household")).scalar() == "王一户"


@pytest.mark.parametrize(("lang", "words"), [
    ("zh_Hans", ("名册预览", "年满18周岁", "以下列未导入：序号、联系电话、备注", "确认导入这200人")),
    ("zh_Hant", ("名冊預覽", "年滿18週歲", "以下欄未匯入：序号、联系电话、备注", "確認匯入這200人")),
    ("en", ("Roster preview", "Aged 18 or more", "Columns not imported: 序号、联系电话、备注",
            "Import these 200 people")),
])
def test_the_preview_page_speaks_three_languages(tmp_path, lang, words):
    import io

    from helpers import demo_app
    from test_webui import csrf

    from webui.auth import add_account

    app = demo_app(tmp_path / "db.sqlite3")
    add_account(app.extensions["deliberate"], "a", "admin-password-1", {"admin"}, "管理员", village="demo")
    client = app.test_client()
    client.post("/login", data={"username": "a", "password": "admin-password-1", "csrf_token": csrf(client)})
    client.get(f"/v/demo/admin?lang={lang}")
    page = client.post("/v/demo/admin/roster", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(write_xlsx(REGISTER, tmp_path / "r.xlsx").read_bytes()), "r.xlsx"),
                             "csrf_token": csrf(client, "/v/demo/admin")}).get_data(as_text=True)
    for word in words:
        assert word in page, (lang, word)
