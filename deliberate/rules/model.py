"""Rules as values: thresholds, quorum clauses, pass rules and citations.

A rule compares integers by cross-multiplication and never divides: ``count/base > 1/2`` is decided
as ``count*2 > base``. The comparison is explicit because Chinese statutes say which one they mean
(民法典 第1259条): 以上/以下/以内/届满 include the number (``AT_LEAST``), 不满/超过/以外 exclude it
(``MORE_THAN``); 过半数 is ``MORE_THAN 1/2`` and 半数以上 is ``AT_LEAST 1/2``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import Enum
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from ..bodies import Body
from ..errors import InvalidRule
from ..i18n import DEFAULT_LANG, LANGS, check_lang, chinese_fraction, text
from ..tally import Attendance, Tally

if TYPE_CHECKING:
    from .outcome import Outcome

__all__ = [
    "Citation",
    "Comparison",
    "Count",
    "PassRule",
    "QuorumClause",
    "Rule",
    "Threshold",
    "Wording",
]


class Comparison(Enum):
    """How a count meets its share (民法典 第1259条)."""

    AT_LEAST = ">="  # 以上, 半数以上: the number itself counts
    MORE_THAN = ">"  # 超过, 过半数: strictly more

    def label(self, lang: str = DEFAULT_LANG) -> str:
        return text("cmp_at_least" if self is Comparison.AT_LEAST else "cmp_more_than", lang)


class Count(Enum):
    """A number read off an :class:`~deliberate.tally.Attendance`."""

    PRESENT = "present"
    EXPECTED = "expected"
    MEMBERS = "members"
    HOUSEHOLDS = "households"
    HOUSEHOLDS_PRESENT = "households_present"

    def of(self, attendance: Attendance) -> int | None:
        return getattr(attendance, self.value)

    def label(self, lang: str = DEFAULT_LANG) -> str:
        return text(f"count_{self.value}", lang)

    @property
    def unit_key(self) -> str:
        return "unit_households" if self.value.startswith("households") else "unit_people"


def _fraction(value: object, where: str) -> Fraction:
    """A share from a Fraction, an int or an "n/d" string; never from a float."""
    if isinstance(value, bool | float):
        raise InvalidRule("err_bad_rule", detail=f"{where}: shares are Fractions or 'n/d', "
                                                 f"not {type(value).__name__}")
    try:
        share = Fraction(value) if isinstance(value, int | Fraction | str) else None
    except (ValueError, ZeroDivisionError) as exc:
        raise InvalidRule("err_bad_rule", detail=f"{where}: {value!r} is not a fraction") from exc
    if share is None or not 0 < share <= 1:
        raise InvalidRule("err_bad_rule", detail=f"{where}: share {value!r} must be in (0, 1]")
    return share


@dataclass(frozen=True, slots=True)
class Threshold:
    """``count`` compared with ``share`` of ``base``, exactly."""

    share: Fraction
    comparison: Comparison

    def __post_init__(self) -> None:
        object.__setattr__(self, "share", _fraction(self.share, "threshold"))
        if not isinstance(self.comparison, Comparison):
            raise InvalidRule("err_bad_rule", detail=f"comparison {self.comparison!r}")

    def met(self, count: int, base: int) -> bool:
        lhs, rhs = count * self.share.denominator, self.share.numerator * base
        return lhs > rhs if self.comparison is Comparison.MORE_THAN else lhs >= rhs

    def required(self, base: int) -> int:
        """The smallest count that meets the threshold against ``base``."""
        n, d = self.share.numerator * base, self.share.denominator
        if self.comparison is Comparison.MORE_THAN:
            return n // d + 1
        return -(-n // d)

    def to_data(self) -> dict[str, str]:
        return {"share": f"{self.share.numerator}/{self.share.denominator}",
                "comparison": self.comparison.value}


def _enum(cls: type[Enum], value: object, where: str) -> Any:
    try:
        return value if isinstance(value, cls) else cls(value)
    except ValueError as exc:
        raise InvalidRule("err_bad_rule", detail=f"{where}: {value!r}") from exc


@dataclass(frozen=True, slots=True)
class QuorumClause:
    """One way a sitting is quorate: ``counted`` against ``threshold`` of ``base``."""

    counted: Count
    base: Count
    threshold: Threshold

    def __post_init__(self) -> None:
        object.__setattr__(self, "counted", _enum(Count, self.counted, "quorum.counted"))
        object.__setattr__(self, "base", _enum(Count, self.base, "quorum.base"))
        if self.counted not in (Count.PRESENT, Count.HOUSEHOLDS_PRESENT):
            raise InvalidRule("err_bad_rule", detail="a quorum counts present or households_present")
        households = self.counted is Count.HOUSEHOLDS_PRESENT
        if households != (self.base is Count.HOUSEHOLDS):
            raise InvalidRule("err_bad_rule",
                              detail="households_present is counted against households, and only it")

    @property
    def needs_households(self) -> bool:
        return self.counted is Count.HOUSEHOLDS_PRESENT

    def to_data(self) -> dict[str, str]:
        return {"counted": self.counted.value, "base": self.base.value, **self.threshold.to_data()}


@dataclass(frozen=True, slots=True)
class PassRule:
    """Approvals against ``threshold`` of ``base`` (those present, expected, or all members)."""

    base: Count
    threshold: Threshold

    def __post_init__(self) -> None:
        object.__setattr__(self, "base", _enum(Count, self.base, "passing.base"))
        if self.base not in (Count.PRESENT, Count.EXPECTED, Count.MEMBERS):
            raise InvalidRule("err_bad_rule", detail="approvals are counted against present, "
                                                     "expected or members")

    def to_data(self) -> dict[str, str]:
        return {"base": self.base.value, **self.threshold.to_data()}


@dataclass(frozen=True, slots=True)
class Wording:
    """A short text in the three languages."""

    zh_Hans: str
    zh_Hant: str
    en: str

    def __post_init__(self) -> None:
        for lang in LANGS:
            if not isinstance(getattr(self, lang), str) or not getattr(self, lang).strip():
                raise InvalidRule("err_bad_rule", detail=f"wording in {lang} is empty")

    def __str__(self) -> str:
        return self.zh_Hans

    def text(self, lang: str = DEFAULT_LANG) -> str:
        return getattr(self, check_lang(lang))

    def to_data(self) -> dict[str, str]:
        return {lang: getattr(self, lang) for lang in LANGS}

    @classmethod
    def from_data(cls, data: object, where: str = "wording") -> Wording:
        if not isinstance(data, Mapping):
            raise InvalidRule("err_bad_rule", detail=f"{where} must be a mapping of languages")
        missing = [lang for lang in LANGS if lang not in data]
        if missing:
            raise InvalidRule("err_bad_rule", detail=f"{where} lacks {', '.join(missing)}")
        return cls(*(data[lang] for lang in LANGS))


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a rule comes from, and which edition of the text it reads.

    ``numbering``: said beside the article wherever an explanation cites it, when the article
    numbers are those of an edition since renumbered (the village law's 2018 numbers, after the
    2025 amendment: "2018年文本条号"). A jurisdiction's profile may carry corrected citations as
    data (Rule.from_data), with no numbering note or another one.
    """

    source: Wording
    edition: str
    numbering: Wording | None = None

    def __str__(self) -> str:
        return self.text()

    def text(self, lang: str = DEFAULT_LANG) -> str:
        return self.source.text(lang)

    def cited(self, lang: str = DEFAULT_LANG) -> str:
        """The citation as an explanation gives it: with its numbering note, if any."""
        if self.numbering is None:
            return self.text(lang)
        open_, close = ("(", ")") if lang == "en" else ("（", "）")
        return f"{self.text(lang)}{' ' if lang == 'en' else ''}{open_}{self.numbering.text(lang)}{close}"

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {**self.source.to_data(), "edition": self.edition}
        if self.numbering is not None:
            data["numbering"] = self.numbering.to_data()
        return data

    @classmethod
    def from_data(cls, data: object, where: str = "citation") -> Citation:
        if not isinstance(data, Mapping) or not isinstance(data.get("edition"), str):
            raise InvalidRule("err_bad_rule", detail=f"{where} needs an edition")
        numbering = data.get("numbering")
        return cls(Wording.from_data(data, where), data["edition"],
                   None if numbering is None else Wording.from_data(numbering, f"{where}.numbering"))


@dataclass(frozen=True, slots=True)
class Rule:
    """How one body decides: who must be there, what passes, and where that is written.

    ``quorum`` clauses are alternatives (any one suffices). ``notice_days`` is the advance notice
    for convening the body (``None``: no rule), with ``notice_citation``. ``excusable``: whether
    members may be excused from the expected count (a party members' meeting counts only those who
    should attend).
    """

    name: str
    body: Body
    title: Wording
    quorum: tuple[QuorumClause, ...]
    passing: PassRule
    citation: Citation
    notice_days: int | None = None
    notice_citation: Citation | None = None
    excusable: bool = False
    note: Wording | None = field(default=None)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise InvalidRule("err_bad_rule", detail="a rule needs a name")
        object.__setattr__(self, "body", _enum(Body, self.body, "body"))
        object.__setattr__(self, "quorum", tuple(self.quorum))
        if not self.quorum or not all(isinstance(c, QuorumClause) for c in self.quorum):
            raise InvalidRule("err_bad_rule", detail="a rule needs at least one quorum clause")
        if not isinstance(self.passing, PassRule):
            raise InvalidRule("err_bad_rule", detail="passing must be a PassRule")
        if self.notice_days is not None and (type(self.notice_days) is not int
                                             or self.notice_days < 0):
            raise InvalidRule("err_bad_rule", detail="notice_days must be a whole number ≥ 0")

    @property
    def needs_households(self) -> bool:
        return any(c.needs_households for c in self.quorum)

    def replace(self, **changes: Any) -> Rule:
        """A copy with ``changes`` — how a village builds its own rule from a preset."""
        return replace(self, **changes)

    def decide(self, attendance: Attendance, tally: Tally) -> Outcome:
        """Whether the sitting was quorate and the motion passed. Refuses impossible numbers."""
        from .outcome import decide  # outcome imports this module

        return decide(self, attendance, tally)

    def explain_text(self, lang: str = DEFAULT_LANG) -> str:
        """The rule in words, for notices and the docs.

        >>> from deliberate import rules
        >>> rules.preset("representatives_meeting").explain_text("en")
        'quorum: those present at least 2/3 of all members; approvals more than 1/2 of those present'
        """
        sep = "; " if lang == "en" else "；"
        quorum = (" or " if lang == "en" else "，或").join(_clause_text(c, lang)
                                                         for c in self.quorum)
        return text("rule_words", lang, quorum=quorum, passing=_pass_text(self.passing, lang),
                    sep=sep)

    def to_data(self) -> dict[str, Any]:
        """Plain data (str, int, bool, lists, dicts) for settings and for the record."""
        return {
            "name": self.name,
            "body": self.body.value,
            "title": self.title.to_data(),
            "quorum": [c.to_data() for c in self.quorum],
            "passing": self.passing.to_data(),
            "citation": self.citation.to_data(),
            "notice_days": self.notice_days,
            "notice_citation": self.notice_citation.to_data() if self.notice_citation else None,
            "excusable": self.excusable,
            "note": self.note.to_data() if self.note else None,
        }

    @classmethod
    def from_data(cls, data: object) -> Rule:
        """Rebuild a rule from :meth:`to_data` output; malformed data raises InvalidRule."""
        if not isinstance(data, Mapping):
            raise InvalidRule("err_bad_rule", detail="a rule is a mapping")
        try:
            quorum = tuple(
                QuorumClause(c["counted"], c["base"],
                             Threshold(_fraction(c["share"], "quorum.share"),
                                       _enum(Comparison, c["comparison"], "quorum.comparison")))
                for c in data["quorum"])
            p = data["passing"]
            passing = PassRule(p["base"], Threshold(_fraction(p["share"], "passing.share"),
                                                    _enum(Comparison, p["comparison"],
                                                          "passing.comparison")))
            notice_citation = data.get("notice_citation")
            note = data.get("note")
            return cls(
                name=data["name"],
                body=data["body"],
                title=Wording.from_data(data["title"], "title"),
                quorum=quorum,
                passing=passing,
                citation=Citation.from_data(data["citation"]),
                notice_days=data.get("notice_days"),
                notice_citation=(Citation.from_data(notice_citation, "notice_citation")
                                 if notice_citation is not None else None),
                excusable=bool(data.get("excusable", False)),
                note=Wording.from_data(note, "note") if note is not None else None,
            )
        except (KeyError, TypeError) as exc:
            raise InvalidRule("err_bad_rule", detail=f"missing or malformed {exc}") from exc


def _share_text(share: Fraction, lang: str) -> str:
    if share == 1:
        return "全部" if lang != "en" else "all"
    return chinese_fraction(share.numerator, share.denominator, lang)


def _clause_text(clause: QuorumClause, lang: str) -> str:
    counted = clause.counted.label(lang)
    base = clause.base.label(lang)
    cmp = clause.threshold.comparison.label(lang)
    share = _share_text(clause.threshold.share, lang)
    if lang == "en":
        return f"{counted} {cmp} {share} of {base}"
    return f"{counted}{cmp}{base}的{share}"


def _pass_text(passing: PassRule, lang: str) -> str:
    return text("pass_rule", lang, comparison=passing.threshold.comparison.label(lang),
                base=passing.base.label(lang), share=_share_text(passing.threshold.share, lang))
