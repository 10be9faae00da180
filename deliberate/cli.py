"""The ``deliberate`` command: database, demo village, roster import, export and verification.

    deliberate [--db URL] [--lang zh_Hans|zh_Hant|en] COMMAND

The database is ``--db URL``, else ``$DELIBERATE_DATABASE_URL``, else the SQLite file in the
instance folder. Errors are one line in the chosen language (Simplified Chinese by default), never
a traceback; ``verify`` exits 1 when a chain is broken.
"""

from __future__ import annotations

import csv
import io
import os
import sys
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import click

from deliberate.errors import DeliberateError
from deliberate.i18n import LANGS, Catalogue
from deliberate.ledger import Ledger
from deliberate.record import Checkpoint, Entry, from_jsonl, to_jsonl, verify

__all__ = ["main"]

CST = timezone(timedelta(hours=8), "CST")
PROGRESS_FROM = 1000  # rows or entries: below this a progress bar is noise

_T = Catalogue({
    "upgraded": ("数据库已升级到最新结构：{url}", "資料庫已升級到最新結構：{url}",
                 "database schema is up to date: {url}"),
    "rebuilt": ("已由记录重建“{village}”的查询表（{height}条记录）",
                "已由記錄重建「{village}」的查詢表（{height}條記錄）",
                "projections of {village!r} rebuilt from its log ({height} entries)"),
    "demo_exists": ("示范村“{village}”已存在，未作改动（共{height}条记录）",
                    "示範村「{village}」已存在，未作改動（共{height}條記錄）",
                    "demo village {village!r} already exists; left as it is ({height} entries)"),
    "demo_done": ("已创建示范村“{village}”：{people}名村民，{matters}个议题，{height}条记录，校验点 {checkpoint}",
                  "已建立示範村「{village}」：{people}名村民，{matters}個議題，{height}條記錄，校驗點 {checkpoint}",
                  "demo village {village!r} created: {people} villagers, {matters} matters, "
                  "{height} entries, checkpoint {checkpoint}"),
    "bad_rows": ("名册有{count}行有误，未导入任何数据（可用 --skip-bad 跳过有误的行）：",
                 "名冊有{count}行有誤，未匯入任何資料（可用 --skip-bad 略過有誤的行）：",
                 "{count} bad rows; nothing imported (use --skip-bad to skip them):"),
    "skipped": ("已跳过{count}行有误的行：", "已略過{count}行有誤的行：", "skipped {count} bad rows:"),
    "imported": ("名册导入完成：新增{added}人，更新{updated}人，未变{unchanged}人",
                 "名冊匯入完成：新增{added}人，更新{updated}人，未變{unchanged}人",
                 "roster imported: {added} added, {updated} updated, {unchanged} unchanged"),
    "importing": ("导入名册", "匯入名冊", "importing roster"),
    "ignored": ("以下列未导入：{columns}", "以下欄未匯入：{columns}", "columns not imported: {columns}"),
    "pv_title": ("名册预览（按{on}计算）：", "名冊預覽（按{on}計算）：", "roster preview (as of {on}):"),
    "pv_where": ("  {sheet}表头在第{line}行{above}", "  {sheet}表頭在第{line}行{above}",
                 "  {sheet}header on row {line}{above}"),
    "pv_sheet": ("工作表“{sheet}”，", "工作表「{sheet}」，", "sheet {sheet!r}, "),
    "pv_above": ("（上方第{lines}行是标题，已略过）", "（上方第{lines}行是標題，已略過）",
                 " (rows {lines} above it are titles, passed over)"),
    "pv_people": ("  {people}人（其中已迁出{departed}人），{households}户；年满18周岁{adults}人",
                  "  {people}人（其中已遷出{departed}人），{households}戶；年滿18週歲{adults}人",
                  "  {people} people ({departed} moved away), {households} households; {adults} aged 18 or more"),
    "pv_roles": ("  村民代表{reps}人；正式党员{full}人，预备党员{probationary}人；任职{seats}人次",
                 "  村民代表{reps}人；正式黨員{full}人，預備黨員{probationary}人；任職{seats}人次",
                 "  {reps} representatives; {full} full and {probationary} probationary party members; {seats} seats"),
    "pv_group": ("  {group}：{people}人，{households}户，年满18周岁{adults}人",
                 "  {group}：{people}人，{households}戶，年滿18週歲{adults}人",
                 "  {group}: {people} people, {households} households, {adults} adults"),
    "pv_no_group": ("未分组", "未分組", "no group"),
    "pv_numbers": ("  身份证号码：核对了{count}个（其中15位旧号码{legacy}个），用来读出生日期和性别，号码本身不保存",
                   "  身份證號碼：核對了{count}個（其中15位舊號碼{legacy}個），用來讀出生日期和性別，號碼本身不保存",
                   "  ID card numbers: {count} checked ({legacy} old 15-digit ones), read for birth dates and sex; "
                   "the numbers are not kept"),
    "pv_derived": ("  没有“编号”列：编号由姓名、性别、出生日期生成，再次导入同一人时不变",
                   "  沒有「編號」欄：編號由姓名、性別、出生日期生成，再次匯入同一人時不變",
                   "  no 编号 column: ids are derived from name, sex and birth date, the same at every import"),
    "pv_inferred": ("  没有“户号”列：按户主姓名、与户主关系分户", "  沒有「戶號」欄：按戶主姓名、與戶主關係分戶",
                    "  no 户号 column: households read from 户主姓名 and 与户主关系"),
    "pv_skipped": ("  不是村民的行，已略过：", "  不是村民的行，已略過：", "  rows that are not people, passed over:"),
    "pv_compare": ("  与现有名册相比：新增{added}人，更新{updated}人，未变{unchanged}人；"
                   "名册中另有{absent}人不在此文件中（导入不会删除）",
                   "  與現有名冊相比：新增{added}人，更新{updated}人，未變{unchanged}人；"
                   "名冊中另有{absent}人不在此檔案中（匯入不會刪除）",
                   "  against the roster: {added} new, {updated} changed, {unchanged} unchanged; "
                   "{absent} on the roster are not in this file (an import removes no one)"),
    "pv_doubles": ("  注意：此文件要新增{added}人，而名册中有{absent}人不在文件中。"
                   "若是同一批人换了编号（例如原名册有“编号”列，此文件没有），导入后他们会被算两次：请先核对",
                   "  注意：此檔案要新增{added}人，而名冊中有{absent}人不在檔案中。"
                   "若是同一批人換了編號（例如原名冊有「編號」欄，此檔案沒有），匯入後他們會被算兩次：請先核對",
                   "  warning: this file adds {added} people while {absent} on the roster are not in it. "
                   "If they are the same people under new ids (the roster had 编号, this file has none), "
                   "they would count twice: check first"),
    "pv_errors": ("  有误的行（{count}行）：", "  有誤的行（{count}行）：", "  rows with problems ({count}):"),
    "dry_run": ("未写入任何数据（--dry-run）", "未寫入任何資料（--dry-run）", "nothing written (--dry-run)"),
    "verifying": ("校验记录", "校驗記錄", "verifying"),
    "chain_ok": ("记录完整：{village}共{height}条，校验点 {checkpoint}",
                 "記錄完整：{village}共{height}條，校驗點 {checkpoint}",
                 "chain holds: {village}, {height} entries, checkpoint {checkpoint}"),
    "chain_bad": ("记录被改动：{village}第{height}条——{reason}", "記錄被改動：{village}第{height}條——{reason}",
                  "chain broken: {village} at height {height} — {reason}"),
    "no_villages": ("数据库中还没有村", "資料庫中還沒有村", "no villages in the database"),
    "unknown_village": ("数据库中没有村“{village}”", "資料庫中沒有村「{village}」",
                        "no village {village!r} in the database"),
    "db_error": ("数据库错误：{detail}", "資料庫錯誤：{detail}", "database error: {detail}"),
    "file_error": ("无法读取文件：{detail}", "無法讀取檔案：{detail}", "cannot read the file: {detail}"),
    "internal": ("内部错误（{kind}）：{detail}", "內部錯誤（{kind}）：{detail}",
                 "internal error ({kind}): {detail}"),
    "exported": ("已导出{count}{unit}到{target}", "已匯出{count}{unit}到{target}",
                 "exported {count} {unit} to {target}"),
    "unit_entries": ("条记录", "條記錄", "entries"),
    "unit_results": ("条表决结果", "條表決結果", "results"),
})


def _t(key: str, **fields: Any) -> str:
    lang = click.get_current_context().find_root().params.get("lang", "zh_Hans")
    return _T.text(key, lang, **fields)


class _Abort(Exception):
    """A user-facing failure: one line, exit code."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


class _Group(click.Group):
    """Turns every error into one line in the user's language, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except _Abort as exc:
            click.echo(str(exc), err=True)
            ctx.exit(exc.code)
        except DeliberateError as exc:
            click.echo(exc.message(ctx.params.get("lang", "zh_Hans")), err=True)
            ctx.exit(1)
        except BrokenPipeError:
            # The reader went away (``| head``): stop quietly, as command-line tools do.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(0)
        except OSError as exc:
            click.echo(_t("file_error", detail=f"{exc.strerror or exc}: {exc.filename or ''}"),
                       err=True)
            ctx.exit(1)
        except Exception as exc:  # the last line of defence: still one line
            from deliberate.usecases import is_database_error

            detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            key = "db_error" if is_database_error(exc) else "internal"
            click.echo(_t(key, kind=type(exc).__name__, detail=detail), err=True)
            ctx.exit(1)


@click.group(cls=_Group)
@click.option("--db", "db_url", metavar="URL", default=None,
              help="数据库地址 / database URL (default: $DELIBERATE_DATABASE_URL or instance/)")
@click.option("--lang", type=click.Choice(LANGS), default="zh_Hans", show_default=True,
              help="提示语言 / language of messages")
@click.pass_context
def main(ctx: click.Context, db_url: str | None, lang: str) -> None:
    """deliberate：四议两公开议事与表决 / village deliberation and voting."""
    ctx.obj = {"url": db_url}


def _store(ctx: click.Context, *, migrate: bool = True):  # type: ignore[no-untyped-def]
    from deliberate.usecases import open_store

    return open_store(ctx.find_root().obj["url"], migrate=migrate)


@main.group()
def db() -> None:
    """数据库 / the database."""


@db.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """创建或升级数据库结构 / create or migrate the schema."""
    from deliberate.usecases import address

    click.echo(_t("upgraded", url=address(_store(ctx))))


@db.command("rebuild")
@click.option("--village", default=None, help="只重建此村 / only this village")
@click.pass_context
def db_rebuild(ctx: click.Context, village: str | None) -> None:
    """由记录重建查询表 / rewrite the projections from the log (e.g. after a restore)."""
    store = _store(ctx)
    villages = [village] if village else [v for v, _ in store.villages()]
    if village:
        _known_village(store, village)
    for v in villages:
        store.rebuild_projections(v)
        click.echo(_t("rebuilt", village=v, height=Ledger(v, store).checkpoint.height))


@main.command()
@click.option("--village", default="demo", show_default=True, help="村编号 / village id")
@click.option("--name", default="示范村", show_default=True, help="村名 / village name")
@click.pass_context
def demo(ctx: click.Context, village: str, name: str) -> None:
    """创建示范村 / install the demo village (roster and matters at every step)."""
    from deliberate.usecases import demo as demos

    store = _store(ctx)
    try:
        done = demos.install_demo(store, datetime.now(CST), village=village, name=name)
    except RuntimeError as exc:
        raise _Abort(_t("internal", kind="demo", detail=str(exc))) from None
    if not done.new:
        click.echo(_t("demo_exists", village=village, height=done.checkpoint.height))
        return
    click.echo(_t("demo_done", village=village, people=done.people, matters=done.matters,
                  height=done.checkpoint.height, checkpoint=done.checkpoint))


@main.group()
def roster() -> None:
    """村民名册 / the roster."""


@roster.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--village", default="demo", show_default=True, help="村编号 / village id")
@click.option("--name", default=None, help="新建村时的村名 / name, if the village is new")
@click.option("--skip-bad", is_flag=True, help="跳过有误的行 / import the good rows, skip the bad")
@click.option("--dry-run", is_flag=True, help="只预览，不写入 / preview only, write nothing")
@click.pass_context
def roster_import(ctx: click.Context, file: Path, village: str, name: str | None,
                  skip_bad: bool, dry_run: bool) -> None:
    """从CSV或XLSX导入名册 / import a CSV or XLSX roster (Chinese headers; see docs)."""
    from deliberate.usecases import roster as rosters

    store, today = _store(ctx), datetime.now(CST).date()
    try:
        if dry_run:
            preview = rosters.preview_roster(store, village, file, on=today)
            click.echo("\n".join(_preview_lines(preview)))
            if preview.refused:
                raise _Abort(_t("dry_run"))
            click.echo(_t("dry_run"))
            return
        with _LazyBar(_t("importing")) as bar:
            done = rosters.import_roster(store, village, file, name=name, skip_bad=skip_bad,
                                         progress=bar.update, on=today)
    except rosters.RosterFileError as exc:
        raise _Abort(_t("file_error", detail=exc.fields["detail"])) from None
    if done.errors:
        header = "skipped" if done.imported else "bad_rows"
        lines = [_t(header, count=len(done.errors))] + [f"  {e}" for e in done.errors]
        if not done.imported:
            raise _Abort("\n".join(lines))
        click.echo("\n".join(lines), err=True)
    if done.ignored:
        click.echo(_t("ignored", columns="、".join(done.ignored)), err=True)
    click.echo(_t("imported", added=done.counts.added, updated=done.counts.updated,
                  unchanged=done.counts.unchanged))


def _preview_lines(p: Any) -> list[str]:
    """The preview (deliberate.usecases.roster_preview.RosterPreview) as the console shows it."""
    if p.refused:
        return [_t("bad_rows", count=len(p.errors))] + [f"  {e}" for e in p.errors]
    above = _t("pv_above", lines="、".join(map(str, p.above))) if p.above else ""
    lines = [_t("pv_title", on=p.on.isoformat()),
             _t("pv_where", sheet=_t("pv_sheet", sheet=p.sheet) if p.sheet else "", line=p.header_line, above=above),
             _t("pv_people", people=p.people, departed=p.departed, households=p.households, adults=p.adults),
             _t("pv_roles", reps=p.representatives, full=p.party_full, probationary=p.party_probationary,
                seats=p.seats)]
    lines += [_t("pv_group", group=g.group or _t("pv_no_group"), people=g.people, households=g.households,
                 adults=g.adults) for g in p.groups]
    if p.id_numbers:
        lines.append(_t("pv_numbers", count=p.id_numbers, legacy=p.legacy_id_numbers))
    lines += [_t("pv_derived")] * p.derived_ids + [_t("pv_inferred")] * p.households_inferred
    if p.ignored:
        lines.append("  " + _t("ignored", columns="、".join(p.ignored)))
    if p.skipped:
        lines += [_t("pv_skipped")] + [f"    {e}" for e in p.skipped]
    lines.append(_t("pv_compare", added=p.added, updated=p.updated, unchanged=p.unchanged, absent=p.absent))
    if p.doubles:
        lines.append(_t("pv_doubles", added=p.added, absent=p.absent))
    if p.errors:
        lines += [_t("pv_errors", count=len(p.errors))] + [f"    {e}" for e in p.errors]
    return lines


class _LazyBar:
    """A progress bar on stderr, made once the job says how large it is — and only for a large
    one (see :func:`_progress`)."""

    def __init__(self, label: str) -> None:
        self.label, self.bar, self.shown = label, None, 0

    def __enter__(self) -> _LazyBar:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)

    def update(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = _progress(total, self.label).__enter__()
        self.bar.update(done - self.shown)
        self.shown = done


class _NoBar:
    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, n: int) -> None:
        return None


def _progress(total: int, label: str) -> Any:
    """A progress bar on stderr for large jobs; nothing for small ones."""
    if total < PROGRESS_FROM:
        return _NoBar()
    return click.progressbar(length=total, label=label, file=sys.stderr)


def _known_village(store: Any, village: str) -> None:
    if village not in dict(store.villages()):
        raise _Abort(_t("unknown_village", village=village))


@main.command()
@click.option("--village", required=True, help="村编号 / village id")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl",
              show_default=True, help="jsonl：全部记录；csv：表决结果 / the log, or the results")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="输出文件（默认标准输出）/ output file (default: stdout)")
@click.pass_context
def export(ctx: click.Context, village: str, fmt: str, output: Path | None) -> None:
    """导出记录或表决结果 / export the log (jsonl) or the results (csv)."""
    store = _store(ctx, migrate=False)
    _known_village(store, village)
    ledger = Ledger(village, store)
    if fmt == "jsonl":
        lines: Iterable[str] = (line + "\n" for line in to_jsonl(ledger.entries()))
        unit = "unit_entries"
    else:
        lines = _results_csv(ledger)
        unit = "unit_results"
    count = 0
    target = sys.stdout if output is None else output.open("w", encoding="utf-8-sig" if fmt == "csv"
                                                            else "utf-8", newline="")
    try:
        for line in lines:
            target.write(line)
            count += 1
    finally:
        if output is not None:
            target.close()
    if output is not None:
        count -= 1 if fmt == "csv" else 0  # the header row
        click.echo(_t("exported", count=count, unit=_t(unit), target=output), err=True)


_RESULT_COLUMNS = ("事项编号", "事项", "会议", "议定机构", "表决", "步骤", "记名", "应到", "实到",
                   "赞成", "反对", "弃权", "举牌赞成", "举牌反对", "举牌弃权", "符合法定人数",
                   "是否通过", "规则", "依据", "开始时间", "结束时间", "回执摘要")


def _results_csv(ledger: Ledger) -> Iterator[str]:
    state = ledger.state
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(_RESULT_COLUMNS)
    yield flush()
    results = sorted((r for s in state.sittings.values() for r in s.results),
                     key=lambda r: r.closed_at)
    for r in results:
        cards = r.cards
        writer.writerow([
            r.matter, state.matters[r.matter].title, r.sitting, r.body.label(), r.vote,
            r.stage.label(), "否" if r.secret else "是", r.attendance.expected, r.attendance.present,
            r.tally.approve, r.tally.oppose, r.tally.abstain,
            cards.approve if cards else "", cards.oppose if cards else "",
            cards.abstain if cards else "", "是" if r.quorate else "否", "是" if r.passed else "否",
            r.rule.title.zh_Hans, str(r.rule.citation), r.opened_at.isoformat(),
            r.closed_at.isoformat(), r.receipts_digest or ""])
        yield flush()


@main.command("verify")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--village", default=None, help="只校验此村 / only this village")
@click.option("--checkpoint", default=None, metavar="HEIGHT:HASH",
              help="公示上印的校验点 / the checkpoint printed on a notice")
@click.pass_context
def verify_command(ctx: click.Context, file: Path | None, village: str | None,
                   checkpoint: str | None) -> None:
    """校验记录是否被改动 / verify an exported log, or the database."""
    point = Checkpoint.parse(checkpoint) if checkpoint else None
    broken = False
    if file is not None:
        with file.open(encoding="utf-8") as handle:
            total = sum(1 for line in handle if line.strip())
        with file.open(encoding="utf-8") as handle:
            broken |= not _verify_one(str(file), from_jsonl(handle), total, point)
    else:
        store = _store(ctx, migrate=False)
        villages = [village] if village else [v for v, _ in store.villages()]
        if village:
            _known_village(store, village)
        if not villages:
            raise _Abort(_t("no_villages"))
        for v in villages:
            ledger = Ledger(v, store)
            broken |= not _verify_one(v, ledger.entries(), ledger.checkpoint.height, point)
    ctx.exit(1 if broken else 0)


def _verify_one(name: str, entries: Iterable[Entry], total: int, point: Checkpoint | None) -> bool:
    with _progress(total, _t("verifying")) as bar:
        def counted() -> Iterator[Entry]:
            for entry in entries:
                bar.update(1)
                yield entry
        result = verify(counted(), point)
    if result.ok:
        click.echo(_t("chain_ok", village=name, height=result.head.height,
                      checkpoint=result.head))
    else:
        click.echo(_t("chain_bad", village=name, height=result.first_bad, reason=result.reason))
    return result.ok


