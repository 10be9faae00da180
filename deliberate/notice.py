"""Public notices generated from the record: the resolution notice (决议公开) and the
implementation notice (实施结果公开), with every field UX.md lists.

A notice is built from the state alone — the vote that adopted the matter, its sitting, the notice
period, the checkpoint — so anyone replaying the record gets the same notice. Percentages are
computed from integers and rounded half up to one decimal; no float is involved.

>>> percent(296, 590), percent(0, 0), percent(2, 3)
('50.2%', '—', '66.7%')
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .chronology import local_date
from .errors import NotFound, NoticeError
from .i18n import DEFAULT_LANG, Catalogue
from .procedure import Stage
from .record import Checkpoint
from .state import Matter, Notice, Progress, Sitting, VillageState, VoteResult

__all__ = ["ImplementationNotice", "ResolutionNotice", "implementation_notice", "percent",
           "resolution_notice", "yuan"]


def percent(part: int, whole: int) -> str:
    """``part/whole`` as a percentage with one decimal, rounded half up, exactly."""
    if whole == 0:
        return "—"
    tenths = (2 * part * 1000 + whole) // (2 * whole)
    return f"{tenths // 10}.{tenths % 10}%"


def yuan(fen: int) -> str:
    """An amount in fen written as yuan: 123456 → '1,234.56'."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"


_WORDS = Catalogue({
    "title": ("关于{title}的公示", "關於{title}的公示", "Public notice: {title}"),
    "impl_title": ("关于{title}实施结果的公示", "關於{title}實施結果的公示",
                   "Public notice of implementation: {title}"),
    "matter": ("事项", "事項", "Matter"),
    "plan": ("方案", "方案", "Plan"),
    "meeting": ("会议", "會議", "Meeting"),
    "meeting_line": ("{date}在{place}召开{body}", "{date}在{place}召開{body}",
                     "{body}, {date}, at {place}"),
    "attendance": ("应到{expected}人，实到{present}人", "應到{expected}人，實到{present}人",
                   "expected {expected}, present {present}"),
    "households": ("；应到{households}户，实到{households_present}户",
                   "；應到{households}戶，實到{households_present}戶",
                   "; households {households}, present {households_present}"),
    "result": ("表决结果", "表決結果", "Result"),
    "votes": ("赞成{approve}票（{ap}），反对{oppose}票（{op}），弃权{abstain}票（{ab}），未表决{silent}人",
              "贊成{approve}票（{ap}），反對{oppose}票（{op}），棄權{abstain}票（{ab}），未表決{silent}人",
              "approve {approve} ({ap}), oppose {oppose} ({op}), abstain {abstain} ({ab}), "
              "not voting {silent}"),
    "rule": ("表决规则", "表決規則", "Rule applied"),
    "passed": ("通过", "通過", "passed"),
    "failed": ("未通过", "未通過", "not passed"),
    "period": ("公示期", "公示期", "Notice period"),
    "period_line": ("{first}至{last}", "{first}至{last}", "{first} to {last}"),
    "objections": ("异议渠道", "異議渠道", "Objections to"),
    "objection_hint": ("如有异议，请于公示期内向下列机构反映：", "如有異議，請於公示期內向下列機構反映：",
                       "During the notice period, objections may be raised with: "),
    "issued": ("发布单位", "發佈單位", "Issued by"),
    "issued_on": ("发布日期", "發佈日期", "Issued on"),
    "checkpoint": ("记录校验点", "記錄校驗點", "Record checkpoint"),
    "checkpoint_line": ("第{height}条 {hash}", "第{height}條 {hash}", "height {height}, {hash}"),
    "link": ("网上查看", "網上查看", "Online"),
    "progress": ("实施情况", "實施情況", "Implementation"),
    "progress_line": ("{on}：{description}（支出{amount}元）", "{on}：{description}（支出{amount}元）",
                      "{on}: {description} (spent ¥{amount})"),
    "total": ("合计支出", "合計支出", "Total spent"),
    "total_line": ("{amount}元", "{amount}元", "¥{amount}"),
    "completed": ("完成日期", "完成日期", "Completed on"),
    "attachment": ("附件{name}（SHA-256 {sha}）", "附件{name}（SHA-256 {sha}）",
                   "attachment {name} (SHA-256 {sha})"),
})


def _w(key: str, lang: str, **fields: object) -> str:
    return _WORDS.text(key, lang, **fields)


def _colon(lang: str) -> str:
    return ": " if lang == "en" else "："


@dataclass(frozen=True)
class ResolutionNotice:
    """The fields of a 决议公开 notice; :meth:`text` lays them out for print."""

    village: str
    matter: Matter
    result: VoteResult
    sitting: Sitting
    notice: Notice
    checkpoint: Checkpoint
    url: str | None = None

    @property
    def period(self) -> tuple[date, date]:
        return self.notice.period.first, self.notice.period.last

    def lines(self, lang: str = DEFAULT_LANG) -> list[tuple[str, str]]:
        """(label, value) pairs in print order."""
        r, s, a, t = self.result, self.sitting, self.result.attendance, self.result.tally
        attendance = _w("attendance", lang, expected=a.expected, present=a.present)
        if a.households is not None:
            attendance += _w("households", lang, households=a.households,
                             households_present=a.households_present)
        votes = _w("votes", lang, approve=t.approve, oppose=t.oppose, abstain=t.abstain,
                   ap=percent(t.approve, a.present), op=percent(t.oppose, a.present),
                   ab=percent(t.abstain, a.present), silent=a.present - t.cast)
        verdict = _w("passed" if r.passed else "failed", lang)
        rule = f"{r.rule.title.text(lang)}：{r.rule.explain_text(lang)}（{r.rule.citation.cited(lang)}）" \
            if lang != "en" else (f"{r.rule.title.text(lang)}: {r.rule.explain_text(lang)} "
                                  f"({r.rule.citation.cited(lang)})")
        out = [
            (_w("matter", lang), self.matter.title),
            (_w("meeting", lang), _w("meeting_line", lang, date=s.scheduled_for.date().isoformat(),
                                     place=s.place, body=s.body.label(lang))),
            ("", attendance),
            (_w("result", lang), f"{votes}{'; ' if lang == 'en' else '；'}{verdict}"),
            (_w("rule", lang), rule),
            (_w("period", lang), _w("period_line", lang, first=self.period[0].isoformat(),
                                    last=self.period[1].isoformat())),
            (_w("objections", lang), _w("objection_hint", lang) + self.notice.contacts),
            (_w("issued", lang), self.notice.issued_by),
            (_w("issued_on", lang), self.notice.published_on.isoformat()),
            (_w("checkpoint", lang), _w("checkpoint_line", lang, height=self.checkpoint.height,
                                        hash=self.checkpoint.hash)),
        ]
        if self.matter.plan:
            out.insert(1, (_w("plan", lang), self.matter.plan))
        if self.url:
            out.append((_w("link", lang), self.url))
        return out

    def title(self, lang: str = DEFAULT_LANG) -> str:
        return _w("title", lang, title=self.matter.title)

    def text(self, lang: str = DEFAULT_LANG) -> str:
        """The notice as plain text, one field a line."""
        body = "\n".join(f"{k}{_colon(lang)}{v}" if k else f"    {v}" for k, v in self.lines(lang))
        return f"{self.title(lang)}\n\n{body}\n"


def _find_matter(state: VillageState, matter_id: str) -> Matter:
    matter = state.matters.get(matter_id)
    if matter is None:
        raise NotFound("err_unknown", kind="议题/matter", id=matter_id)
    return matter


def _notice(matter: Matter, stage: Stage, number: int | None) -> Notice:
    """The matter's notice ``number`` (1-based over all its notices), or its latest of ``stage``."""
    if number is not None:
        if 1 <= number <= len(matter.notices) and matter.notices[number - 1].stage is stage:
            return matter.notices[number - 1]
        raise NoticeError("err_no_notice")
    for notice in reversed(matter.notices):
        if notice.stage is stage:
            return notice
    raise NoticeError("err_no_notice")


def resolution_notice(state: VillageState, matter_id: str, *, village: str,
                      checkpoint: Checkpoint, url: str | None = None,
                      number: int | None = None) -> ResolutionNotice:
    """The resolution notice of ``matter_id`` — its notice ``number``, or its latest — with the
    vote that adopted the matter before that notice was posted."""
    matter = _find_matter(state, matter_id)
    notice = _notice(matter, Stage.RESOLUTION_NOTICE, number)
    adopting = [r for r in matter.results if r.stage is Stage.RESOLUTION and r.passed
                and local_date(r.closed_at) <= notice.published_on]
    if not adopting:
        raise NoticeError("err_no_notice")
    result = adopting[-1]
    return ResolutionNotice(village, matter, result, state.sittings[result.sitting], notice,
                            checkpoint, url)


@dataclass(frozen=True)
class ImplementationNotice:
    """The fields of a 实施结果公开 notice: progress entries, money spent, completion."""

    village: str
    matter: Matter
    notice: Notice
    checkpoint: Checkpoint
    url: str | None = None

    @property
    def progress(self) -> tuple[Progress, ...]:
        return self.matter.progress

    def title(self, lang: str = DEFAULT_LANG) -> str:
        return _w("impl_title", lang, title=self.matter.title)

    def text(self, lang: str = DEFAULT_LANG) -> str:
        c = _colon(lang)
        lines = [self.title(lang), "", f"{_w('matter', lang)}{c}{self.matter.title}",
                 f"{_w('progress', lang)}{c}"]
        for p in self.progress:
            lines.append("    " + _w("progress_line", lang, on=p.on.isoformat(),
                                     description=p.description, amount=yuan(p.spent)))
            lines += ["        " + _w("attachment", lang, name=a.name, sha=a.sha256)
                      for a in p.attachments]
        lines += [
            f"{_w('total', lang)}{c}{_w('total_line', lang, amount=yuan(self.matter.spent))}",
            f"{_w('completed', lang)}{c}{self.matter.completed_on}",
            f"{_w('period', lang)}{c}" + _w("period_line", lang,
                                            first=self.notice.period.first.isoformat(),
                                            last=self.notice.period.last.isoformat()),
            f"{_w('objections', lang)}{c}{_w('objection_hint', lang)}{self.notice.contacts}",
            f"{_w('issued', lang)}{c}{self.notice.issued_by}",
            f"{_w('issued_on', lang)}{c}{self.notice.published_on.isoformat()}",
            f"{_w('checkpoint', lang)}{c}" + _w("checkpoint_line", lang,
                                                height=self.checkpoint.height,
                                                hash=self.checkpoint.hash),
        ]
        if self.url:
            lines.append(f"{_w('link', lang)}{c}{self.url}")
        return "\n".join(lines) + "\n"


def implementation_notice(state: VillageState, matter_id: str, *, village: str,
                          checkpoint: Checkpoint, url: str | None = None,
                          number: int | None = None) -> ImplementationNotice:
    """The implementation notice of ``matter_id``: its notice ``number``, or its latest."""
    matter = _find_matter(state, matter_id)
    return ImplementationNotice(village, matter,
                                _notice(matter, Stage.IMPLEMENTATION_NOTICE, number), checkpoint,
                                url)
