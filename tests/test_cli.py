"""The command line, through click's test runner: every command and every error path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import copy_of
from sqlalchemy import text

from deliberate.cli import main
from deliberate.store import make_engine

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "roster.csv"


@pytest.fixture
def run(store_url):
    runner = CliRunner()

    def invoke(*args: str, lang: str | None = None):
        prefix = ["--db", store_url] + (["--lang", lang] if lang else [])
        return runner.invoke(main, [*prefix, *args], catch_exceptions=False)
    invoke.url = store_url
    # What ``deliberate demo`` installs, as a copy (tests/helpers.py): for the tests that start
    # from the demo; test_db_upgrade_and_demo runs the command itself.
    invoke.with_demo = lambda: copy_of(store_url, "cli-demo", _install_demo)
    return invoke


def _install_demo(url: str) -> None:
    """The demo as ``deliberate demo`` installs it with its defaults (village demo, 示范村, now)."""
    from datetime import datetime, timedelta, timezone

    from deliberate.usecases import demo, open_store

    store = open_store(url)
    assert demo.install_demo(store, datetime.now(timezone(timedelta(hours=8))), village="demo", name="示范村").new
    store.close()


def one_line_error(result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return result.output.strip()


def test_db_upgrade_and_demo(run):
    result = run("db", "upgrade")
    assert result.exit_code == 0 and "数据库已升级" in result.output
    result = run("demo")
    assert result.exit_code == 0 and "已创建示范村" in result.output
    again = run("demo", lang="en")
    assert again.exit_code == 0 and "already exists" in again.output
    result = run("verify")
    assert result.exit_code == 0 and "记录完整：demo" in result.output


def test_roster_import_is_idempotent(run):
    first = run("roster", "import", str(SAMPLE), "--village", "jinding", "--name", "金町村")
    assert first.exit_code == 0 and "新增14人" in first.output
    second = run("roster", "import", str(SAMPLE), "--village", "jinding")
    assert second.exit_code == 0 and "新增0人，更新0人，未变14人" in second.output
    from deliberate.store.roster import load_roster

    roster = load_roster(make_engine(run.url), "jinding")
    assert len(roster.people) == 14 and roster.households["H01"].name == "陈建国户"
    assert roster.party_members(__import__("datetime").date(2026, 6, 1),
                                __import__("deliberate.roster").roster.PartyStatus.PROBATIONARY) == {"JD006"}


def _write(tmp_path: Path, name: str, rows: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


HEADER = SAMPLE.read_text(encoding="utf-8").splitlines()[0]
GOOD = SAMPLE.read_text(encoding="utf-8").splitlines()[1]


def test_bad_rows_are_reported_with_line_and_reason_and_nothing_is_imported(run, tmp_path):
    run("db", "upgrade")
    path = _write(tmp_path, "bad.csv", [
        HEADER, GOOD,
        "X2,张三,未知,1980-01-01,H9,是,,,,,,,,否,,,是,",
        "X3,李四,男,1980-13-01,H9,否,,,,,,,,否,,,是,",
        "X4,王五,男,1980-01-01,H9,否,,,中共党员,,,,,否,,,是,",
        ",赵六,女,1980-01-01,H9,否,,,,,,,,否,,,是,",
        GOOD,
        "X7,钱七,女,1980-01-01,H9,否,,,,,,村委会:委员,,是,H404,,是,",
    ])
    result = run("roster", "import", str(path), "--village", "v")
    out = result.output
    assert result.exit_code == 1 and "Traceback" not in out
    for line, reason in [(3, "性别"), (4, "出生日期"), (5, "入党日期"), (6, "缺少编号"),
                         (7, "与第2行重复"), (8, "任职日期")]:
        assert f"第{line}行" in out and reason in out, (line, out)
    assert "nothing" not in out and "未导入任何数据" in out
    with make_engine(run.url).connect() as conn:
        assert conn.execute(text("select count(*) from person")).scalar() == 0
    skipped = run("roster", "import", str(path), "--village", "v", "--skip-bad")
    assert skipped.exit_code == 0 and "新增1人" in skipped.output


def test_roster_file_problems_are_one_line(run, tmp_path):
    assert "缺少必需的列" in one_line_error(run("roster", "import", str(
        _write(tmp_path, "h.csv", ["姓名,性别", "张三,男"]))))
    # A column the roster does not use is named and passed over, not a stop (issue 11).
    extra = run("roster", "import", str(_write(tmp_path, "u.csv", [HEADER + ",身高", GOOD + ",180"])))
    assert extra.exit_code == 0 and "以下列未导入：身高" in extra.output and "新增1人" in extra.output
    assert ".txt" in one_line_error(run("roster", "import", str(_write(tmp_path, "r.txt", ["x"]))))
    assert "无法读取文件" in one_line_error(run("roster", "import", str(tmp_path / "missing.csv")))
    assert "cannot read" in one_line_error(run("roster", "import", str(tmp_path / "missing.csv"),
                                               lang="en"))
    assert "空" in one_line_error(run("roster", "import", str(_write(tmp_path, "e.csv", [""]))))


def test_gbk_csv_and_xlsx_import(run, tmp_path):
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(SAMPLE.read_text(encoding="utf-8").encode("gb18030"))
    assert "新增14人" in run("roster", "import", str(gbk), "--village", "a").output
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        sheet.append(line.split(","))
    sheet["D2"].value = __import__("datetime").datetime(1968, 3, 12)  # a real date cell
    book.save(tmp_path / "r.xlsx")
    result = run("roster", "import", str(tmp_path / "r.xlsx"), "--village", "b")
    assert result.exit_code == 0 and "新增14人" in result.output


def test_a_large_roster_shows_progress(run, tmp_path):
    rows = [HEADER] + [f"P{i:05d},村民{i},男,1970-01-01,H{i // 3:04d},否,,,,,,,,否,,,是,"
                       for i in range(1500)]
    result = run("roster", "import", str(_write(tmp_path, "big.csv", rows)), "--village", "big")
    assert result.exit_code == 0 and "导入名册" in result.output and "新增1500人" in result.output


def test_export_jsonl_and_csv(run, tmp_path):
    run.with_demo()
    log = tmp_path / "demo.jsonl"
    result = run("export", "--village", "demo", "--format", "jsonl", "--output", str(log))
    assert result.exit_code == 0 and "条记录" in result.output
    lines = log.read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0])["height"] == 1
    stdout = run("export", "--village", "demo")
    assert stdout.output.splitlines()[: len(lines)] == lines
    results = tmp_path / "r.csv"
    assert run("export", "--village", "demo", "--format", "csv", "-o", str(results)).exit_code == 0
    table = results.read_text(encoding="utf-8-sig").splitlines()
    assert table[0].startswith("事项编号,事项,会议") and len(table) > 10
    assert "没有村“nowhere”" in one_line_error(run("export", "--village", "nowhere"))
    ok = run("verify", str(log))
    assert ok.exit_code == 0 and "记录完整" in ok.output


def _tamper(url: str, statement: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS log_entry_no_update")
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS log_entry_no_delete")
        else:
            conn.exec_driver_sql("ALTER TABLE log_entry DISABLE TRIGGER log_entry_insert_only")
        conn.exec_driver_sql(statement)


@pytest.mark.parametrize(("statement", "height"), [
    ("UPDATE log_entry SET payload = replace(payload, '修缮村道路灯', '修建别墅') WHERE height = 5", 5),
    ("UPDATE log_entry SET time = '2020-01-01T00:00:00+08:00' WHERE height = 40", 40),
    ("DELETE FROM log_entry WHERE height = 77", 77),
    ("INSERT INTO log_entry (village, height, parent_hash, type, payload, time, hash) "
     "SELECT village, 100000, parent_hash, type, payload, time, hash FROM log_entry WHERE height = 5", None),
    ("UPDATE log_entry SET height = height + 100000 WHERE height = 12", 12),
])
def test_tampering_with_any_stored_row_is_caught(run, statement, height):
    run.with_demo()
    _tamper(run.url, statement)
    result = run("verify")
    assert result.exit_code == 1
    if height is not None:
        assert f"第{height}条" in result.output
    else:  # an entry appended out of sequence after the last one
        assert "记录被改动" in result.output


def test_verify_a_tampered_file_and_a_checkpoint(run, tmp_path):
    run.with_demo()
    log = tmp_path / "demo.jsonl"
    run("export", "--village", "demo", "-o", str(log))
    lines = log.read_text(encoding="utf-8").splitlines()
    head = json.loads(lines[-1])
    forged = tmp_path / "forged.jsonl"
    i = next(i for i, line in enumerate(lines) if '"p0002"' in line)  # a roster entry, early on
    forged.write_text("\n".join([*lines[:i], lines[i].replace('"p0002"', '"p9999"'), *lines[i + 1:]]),
                      encoding="utf-8")
    assert forged.read_text(encoding="utf-8").splitlines()[i] != lines[i]
    result = run("verify", str(forged), lang="en")
    assert result.exit_code == 1 and f"height {i + 1}" in result.output
    printed = f"{head['height']}:{head['hash']}"
    assert run("verify", str(log), "--checkpoint", printed).exit_code == 0
    short = tmp_path / "short.jsonl"
    short.write_text("\n".join(lines[:-5]), encoding="utf-8")
    assert run("verify", str(short), "--checkpoint", printed).exit_code == 1
    bad = tmp_path / "bad.jsonl"
    bad.write_text(lines[0] + "\nnot json\n", encoding="utf-8")
    assert "第2行" in one_line_error(run("verify", str(bad)))
    assert "not a checkpoint" in one_line_error(run("verify", str(log), "--checkpoint", "x:y"))


def test_verify_without_villages_or_with_an_unknown_one(run):
    run("db", "upgrade")
    assert "还没有村" in one_line_error(run("verify"))
    assert "no village" in one_line_error(run("verify", "--village", "x", lang="en"))


def test_an_unreachable_database_is_one_line():
    runner = CliRunner()
    result = runner.invoke(main, ["--db", "postgresql+psycopg://nobody:x@127.0.0.1:1/none",
                                  "db", "upgrade"], catch_exceptions=False)
    assert result.exit_code == 1 and "数据库错误" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_db_rebuild_rewrites_the_projections(run):
    run.with_demo()
    engine = make_engine(run.url)
    ballots = "select village, sitting, vote, voter, choice, height from ballot order by 1, 2, 3, 4"
    with engine.begin() as conn:
        written = conn.execute(text(ballots)).all()
        conn.exec_driver_sql("DELETE FROM ballot WHERE voter < 'p0030'")
        conn.exec_driver_sql("UPDATE ballot SET choice = 'oppose', height = 0")
        tampered = conn.execute(text(ballots)).all()
    assert written and 0 < len(tampered) < len(written)
    result = run("db", "rebuild")
    assert result.exit_code == 0 and "重建" in result.output
    with engine.connect() as conn:
        assert conn.execute(text(ballots)).all() == written
    assert "no village" in one_line_error(run("db", "rebuild", "--village", "x", lang="en"))
