"""The 四议两公开 procedure as a table.

Theory of operation
-------------------
A matter (议题) moves through steps: 提议 → 商议 → 审议 → 决议 → 决议公开 → (实施) → 实施结果公开.
Each step is of a *kind*: a sitting of a body that votes, an external review (the township's
legality review, in the variant that has one), a public notice with an objection window, or the
implementation itself. What may happen at a step depends only on its kind, so the whole procedure is
written once, in ``_BY_KIND`` below, as ``action -> where it leads`` — the same step, the next step,
an earlier step, or a terminal stage. A concrete :class:`Procedure` lists its steps in order and
expands that table into ``(stage, action) -> allowed next stages``; the statutory template and its
variants are different step lists over the same parts.

Legality is decided only by looking the pair up (:meth:`Procedure.targets`): a missing pair raises
:class:`~deliberate.errors.IllegalAction` naming the stage and the action, before anything changes.
Who may take it is table data too: a review from outside (the township's) adopts or returns only
at a step of a kind ``REVIEWS`` lists, with its citation (:meth:`Procedure.reviewed`). Whether a
*legal* action may happen now (is the notice period over? was the vote quorate?) is a guard in
:mod:`deliberate.village`, never a second table.

A sitting has its own small lifecycle (``SITTING_TABLE``): convened → in session ⇄ voting →
closed or adjourned.

The diagrams in docs/procedure.md are generated from these tables (:mod:`deliberate.diagrams`).

>>> STATUTORY.next(Stage.REVIEW, Action.ADOPT)
<Stage.RESOLUTION: 'resolution'>
>>> STATUTORY.next(Stage.PROPOSAL, Action.CLOSE_NOTICE)
Traceback (most recent call last):
  ...
deliberate.errors.IllegalAction: 事项处于“提议”阶段，不能执行“公示期满”
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import Enum
from types import MappingProxyType
from typing import Any

from .bodies import Body
from .errors import IllegalAction, InvalidInput
from .i18n import DEFAULT_LANG
from .rules.model import Citation, Rule, Wording
from .rules.presets import PRESETS
from .stages import TERMINAL, Action, SittingAction, SittingState, Stage, StepKind

__all__ = [
    "COMBINED_PROPOSAL",
    "LAND_CONTRACTING",
    "LAND_CONTRACTING_REPRESENTATIVES",
    "PARTY_DISCUSSES_FIRST",
    "PROCEDURES",
    "REPRESENTATIVES",
    "REVIEWS",
    "SITTING_TABLE",
    "STATUTORY",
    "TOWNSHIP_REVIEW",
    "Action",
    "Procedure",
    "Review",
    "SittingAction",
    "SittingState",
    "Stage",
    "Step",
    "StepKind",
    "procedure",
    "sitting_next",
]




class _To(Enum):
    """Where an action leads, relative to the step it is taken at."""

    SAME = "same"
    NEXT = "next"
    EARLIER = "earlier"  # an earlier sitting or implementation step (to do it again)
    EARLIER_SITTING = "earlier_sitting"  # an earlier sitting, to be held again
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


# THE TABLE. Every step of a kind allows exactly these actions, leading there.
_BY_KIND: Mapping[StepKind, Mapping[Action, _To]] = MappingProxyType({
    StepKind.SITTING: {
        Action.AMEND_PLAN: _To.SAME,
        Action.CONVENE: _To.SAME,
        Action.ADJOURN: _To.SAME,  # a vote that was not quorate: the matter stays at its step
        Action.ADOPT: _To.NEXT,
        Action.REJECT: _To.REJECTED,
    },
    StepKind.EXTERNAL_REVIEW: {
        Action.ADOPT: _To.NEXT,  # approved by the township
    },
    StepKind.NOTICE: {
        Action.PUBLISH_NOTICE: _To.SAME,
        Action.LODGE_OBJECTION: _To.SAME,
        Action.ANSWER_OBJECTION: _To.SAME,
        Action.UPHOLD_OBJECTION: _To.EARLIER,
        Action.CLOSE_NOTICE: _To.NEXT,
    },
    StepKind.IMPLEMENTATION: {
        Action.RECORD_PROGRESS: _To.SAME,
        Action.COMPLETE: _To.NEXT,
    },
})
# Allowed at every step that is not terminal.
_EVERY_STEP: Mapping[Action, _To] = MappingProxyType({
    Action.WITHDRAW: _To.WITHDRAWN,
    Action.RETURN: _To.EARLIER,
    Action.REHOLD: _To.EARLIER_SITTING,
})


@dataclass(frozen=True, slots=True)
class Review:
    """A finding from outside the village that decides a step: whose, the actions it may take, and
    where the practice comes from."""

    by: Wording
    actions: frozenset[Action]
    citation: Citation


# Who decides a step from outside. ADOPT and RETURN are in the table at other steps too (a vote
# adopts, the village returns), but a review takes them only at a step of a kind listed here.
REVIEWS: Mapping[StepKind, Review] = MappingProxyType({
    StepKind.EXTERNAL_REVIEW: Review(
        Wording("乡镇", "鄉鎮", "the township"), frozenset({Action.ADOPT, Action.RETURN}),
        Citation(Wording("无全国性规定，按地方规定（乡镇对村级重大事项的合法性审查）",
                         "無全國性規定，按地方規定（鄉鎮對村級重大事項的合法性審查）",
                         "no national text; local rules (the township's legality review of "
                         "major village matters)"), "—")),
})

SITTING_TABLE: Mapping[tuple[SittingState, SittingAction], SittingState] = MappingProxyType({
    **{(SittingState.CONVENED, a): SittingState.CONVENED for a in (
        SittingAction.CHECK_IN, SittingAction.CHECK_OUT, SittingAction.APPOINT_TELLERS)},
    (SittingState.CONVENED, SittingAction.OPEN): SittingState.IN_SESSION,
    (SittingState.CONVENED, SittingAction.ADJOURN): SittingState.ADJOURNED,
    **{(SittingState.IN_SESSION, a): SittingState.IN_SESSION for a in (
        SittingAction.CHECK_IN, SittingAction.CHECK_OUT, SittingAction.APPOINT_TELLERS,
        SittingAction.RECORD_MINUTES)},
    (SittingState.IN_SESSION, SittingAction.OPEN_VOTE): SittingState.VOTING,
    (SittingState.IN_SESSION, SittingAction.ADJOURN): SittingState.ADJOURNED,
    (SittingState.IN_SESSION, SittingAction.CLOSE): SittingState.CLOSED,
    # Tellers may still be changed while a vote is open (a chair who appointed the wrong person
    # must not be stuck with a card count nobody can enter); the village's rule refuses the change
    # once a card count is entered, since the count's counter must stay one of the tellers.
    **{(SittingState.VOTING, a): SittingState.VOTING for a in (
        SittingAction.CHECK_IN, SittingAction.CHECK_OUT, SittingAction.CAST_BALLOT,
        SittingAction.ENTER_CARD_COUNT, SittingAction.CONFIRM_CARD_COUNT,
        SittingAction.RECORD_MINUTES, SittingAction.APPOINT_TELLERS)},
    (SittingState.VOTING, SittingAction.CLOSE_VOTE): SittingState.IN_SESSION,
    (SittingState.CLOSED, SittingAction.RECORD_MINUTES): SittingState.CLOSED,
    (SittingState.ADJOURNED, SittingAction.RECORD_MINUTES): SittingState.ADJOURNED,
})


def sitting_next(state: SittingState, action: SittingAction) -> SittingState:
    """The sitting's state after ``action``; IllegalAction if the table has no such pair."""
    try:
        return SITTING_TABLE[state, action]
    except KeyError:
        raise IllegalAction("err_illegal_sitting_action", state=state, action=action) from None


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a procedure. A sitting step names the rule its body decides by: a statutory
    preset by its name, or — in a village's own procedure, or one a jurisdiction's profile has
    adapted (:meth:`Procedure.under`) — the :class:`~deliberate.rules.Rule` itself. A sitting for
    the step is convened under exactly that rule and no other (deliberate.village.sittings)."""

    stage: Stage
    kind: StepKind
    number: int | None = None  # 1–6 for the statutory steps; None for implementation, township
    rule: str | Rule | None = None
    label: Wording | None = None

    def __post_init__(self) -> None:
        if (self.kind is StepKind.SITTING) != (self.rule is not None):
            raise InvalidInput("err_bad_value", field="step",
                               detail=f"{self.stage.value}: a sitting step names its rule, "
                                      "and only it")
        if self.rule is not None and not isinstance(self.rule, Rule) and (
                not isinstance(self.rule, str) or self.rule not in PRESETS):
            raise InvalidInput("err_bad_value", field="step.rule", detail=repr(self.rule))

    @property
    def decides_by(self) -> Rule | None:
        """The rule a sitting for this step is convened under (None: not a sitting step)."""
        if self.rule is None or isinstance(self.rule, Rule):
            return self.rule
        return PRESETS[self.rule]

    @property
    def body(self) -> Body | None:
        rule = self.decides_by
        return rule.body if rule is not None else None

    def title(self, lang: str = DEFAULT_LANG) -> str:
        return self.label.text(lang) if self.label else self.stage.label(lang)


@dataclass(frozen=True)
class Procedure:
    """An ordered list of steps, expanded into the transition table."""

    name: str
    title: Wording
    steps: tuple[Step, ...]
    table: Mapping[tuple[Stage, Action], frozenset[Stage]] = field(init=False, repr=False,
                                                                   compare=False)
    # The pairs of ``table`` a review from outside the village may take (see REVIEWS).
    reviews: frozenset[tuple[Stage, Action]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        stages = [s.stage for s in self.steps]
        if len(set(stages)) != len(stages) or not stages:
            raise InvalidInput("err_bad_value", field="procedure", detail="steps must be distinct")
        if set(stages) & {Stage.NEW, *TERMINAL, Stage.REJECTED}:
            raise InvalidInput("err_bad_value", field="procedure",
                               detail="new, done, rejected and withdrawn are not steps")
        if self.steps[0].kind is not StepKind.SITTING:
            raise InvalidInput("err_bad_value", field="procedure",
                               detail="a procedure starts with a sitting")
        table = self._expand()
        object.__setattr__(self, "table", MappingProxyType(table))
        object.__setattr__(self, "reviews", frozenset(
            (s.stage, a) for s in self.steps if s.kind in REVIEWS for a in REVIEWS[s.kind].actions
            if (s.stage, a) in table))

    def _expand(self) -> dict[tuple[Stage, Action], frozenset[Stage]]:
        table: dict[tuple[Stage, Action], frozenset[Stage]] = {
            (Stage.NEW, Action.RAISE): frozenset({self.steps[0].stage})}
        sittings = [s.stage for s in self.steps if s.kind is StepKind.SITTING]
        for i, step in enumerate(self.steps):
            earlier = self.steps[:i]
            resolve = {
                _To.SAME: frozenset({step.stage}),
                _To.NEXT: frozenset({self.steps[i + 1].stage if i + 1 < len(self.steps)
                                     else Stage.DONE}),
                _To.EARLIER: frozenset(s.stage for s in earlier if s.kind in
                                       (StepKind.SITTING, StepKind.IMPLEMENTATION)),
                _To.EARLIER_SITTING: frozenset(s.stage for s in earlier
                                               if s.kind is StepKind.SITTING),
                _To.REJECTED: frozenset({Stage.REJECTED}),
                _To.WITHDRAWN: frozenset({Stage.WITHDRAWN}),
            }
            for action, to in {**_BY_KIND[step.kind], **_EVERY_STEP}.items():
                if resolve[to]:  # the first step has nothing earlier to return to
                    table[step.stage, action] = resolve[to]
        # A rejected matter may be revised and taken up again at any sitting step, or dropped.
        table[Stage.REJECTED, Action.RETURN] = frozenset(sittings)
        table[Stage.REJECTED, Action.WITHDRAW] = frozenset({Stage.WITHDRAWN})
        return table

    @property
    def party_discusses_first(self) -> bool:
        """Whether the first step is the village party organisation's discussion (a sitting of
        the branch committee, or of the two committees it leads): what the 2025 amendment of
        the village law requires of a matter the villagers' or representatives' meeting decides
        (:data:`PARTY_DISCUSSES_FIRST`). Every procedure of :data:`PROCEDURES` does."""
        return self.steps[0].body in (Body.BRANCH_COMMITTEE, Body.TWO_COMMITTEES)

    @property
    def stages(self) -> tuple[Stage, ...]:
        """Every stage a matter under this procedure can be at, in order."""
        return (Stage.NEW, *(s.stage for s in self.steps), Stage.DONE, Stage.REJECTED,
                Stage.WITHDRAWN)

    def step(self, stage: Stage) -> Step | None:
        for s in self.steps:
            if s.stage is stage:
                return s
        return None

    def targets(self, stage: Stage, action: Action) -> frozenset[Stage]:
        """The stages ``action`` may lead to from ``stage``; IllegalAction if none."""
        try:
            return self.table[stage, action]
        except KeyError:
            raise IllegalAction(stage=stage, action=action) from None

    def next(self, stage: Stage, action: Action, target: Stage | None = None) -> Stage:
        """The stage after ``action``; where several are allowed, ``target`` chooses one."""
        allowed = self.targets(stage, action)
        if target is None:
            if len(allowed) != 1:
                raise IllegalAction("err_illegal_target", stage=stage, action=action,
                                    target="?")
            (target,) = allowed
        elif target not in allowed:
            raise IllegalAction("err_illegal_target", stage=stage, action=action, target=target)
        return target

    def reviewed(self, stage: Stage, action: Action, target: Stage | None = None) -> Stage:
        """The stage after a review from outside takes ``action``; IllegalAction at a step no
        review decides, though the table has the pair there for a vote or the village."""
        if (stage, action) not in self.reviews:
            raise IllegalAction(stage=stage, action=action)
        return self.next(stage, action, target)

    def under(self, rules: Mapping[str, Rule]) -> Procedure:
        """This procedure with each step that names a preset deciding by ``rules[name]`` instead,
        where that differs from the statutory preset — how a jurisdiction's profile
        (:meth:`deliberate.profiles.Profile.procedure`) adapts a procedure before a matter is
        raised under it, so that its sittings are convened under the jurisdiction's rules."""
        steps = tuple(
            replace(s, rule=rules[s.rule]) if isinstance(s.rule, str) and s.rule in rules
            and rules[s.rule] != PRESETS[s.rule] else s
            for s in self.steps)
        return self if steps == self.steps else replace(self, steps=steps)

    def to_data(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title.to_data(),
                "steps": [{"stage": s.stage.value, "kind": s.kind.value, "number": s.number,
                           "rule": s.rule.to_data() if isinstance(s.rule, Rule) else s.rule,
                           "label": s.label.to_data() if s.label else None}
                          for s in self.steps]}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Procedure:
        try:
            steps = tuple(Step(Stage(s["stage"]), StepKind(s["kind"]), s.get("number"),
                               Rule.from_data(s["rule"]) if isinstance(s.get("rule"), Mapping)
                               else s.get("rule"),
                               Wording.from_data(s["label"]) if s.get("label") else None)
                          for s in data["steps"])
            return cls(data["name"], Wording.from_data(data["title"]), steps)
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, InvalidInput):
                raise
            raise InvalidInput("err_bad_value", field="procedure", detail=str(exc)) from exc


# The 2025-10-28 amendment (in force 2026-01-01): what the villagers' meeting or the representatives'
# meeting is to decide is first studied and discussed by the village party organisation. Its
# consolidated text (and so the article's new number) is not at hand: cited by the amendment.
PARTY_DISCUSSES_FIRST = Citation(Wording(
    "《中华人民共和国村民委员会组织法》（2025年10月28日修正，2026年1月1日施行）：需由村民会议或者"
    "村民代表会议决定的重要事项，应当先经村党组织研究讨论（修正后条号待核对合并文本）",
    "《中華人民共和國村民委員會組織法》（2025年10月28日修正，2026年1月1日施行）：需由村民會議或者"
    "村民代表會議決定的重要事項，應當先經村黨組織研究討論（修正後條號待核對合併文本）",
    "Organic Law of the Villagers' Committees (amended 28 October 2025, in force 1 January 2026): "
    "an important matter for the villagers' or representatives' meeting to decide is first studied "
    "and discussed by the village party organisation (article number to be checked against the "
    "consolidated text)"), "2025")


def procedure(name: str, title: Wording, *, combined_proposal: bool = False,
              township_review: bool = False,
              resolution_rule: str = "villagers_meeting") -> Procedure:
    """Build a procedure from the statutory parts.

    ``combined_proposal``: steps 1 and 2 held as one sitting of the two committees (一肩挑).
    ``township_review``: the township's review of a major matter before the vote of step 4.
    ``resolution_rule``: the preset step 4 decides by — ``representatives_meeting`` where the
    villagers' meeting has authorised its representatives, ``land_contracting`` for land matters.
    """
    steps: list[Step] = []
    if combined_proposal:
        steps.append(Step(Stage.PROPOSAL, StepKind.SITTING, 1, "two_committees",
                          Wording("提议、商议（合并召开）", "提議、商議（合併召開）",
                                  "proposal and consultation (one sitting)")))
    else:
        steps += [Step(Stage.PROPOSAL, StepKind.SITTING, 1, "branch_committee"),
                  Step(Stage.CONSULTATION, StepKind.SITTING, 2, "two_committees")]
    steps.append(Step(Stage.REVIEW, StepKind.SITTING, 3, "party_members_meeting"))
    if township_review:
        steps.append(Step(Stage.TOWNSHIP_REVIEW, StepKind.EXTERNAL_REVIEW))
    steps += [
        Step(Stage.RESOLUTION, StepKind.SITTING, 4, resolution_rule),
        Step(Stage.RESOLUTION_NOTICE, StepKind.NOTICE, 5),
        Step(Stage.IMPLEMENTATION, StepKind.IMPLEMENTATION),
        Step(Stage.IMPLEMENTATION_NOTICE, StepKind.NOTICE, 6),
    ]
    return Procedure(name, title, tuple(steps))


STATUTORY = procedure("four_deliberations_two_disclosures",
                      Wording("四议两公开", "四議兩公開", "four deliberations, two disclosures"))
COMBINED_PROPOSAL = procedure(
    "combined_proposal", Wording("四议两公开（提议商议合并）", "四議兩公開（提議商議合併）",
                                 "four deliberations, steps 1–2 in one sitting"),
    combined_proposal=True)
TOWNSHIP_REVIEW = procedure(
    "township_review", Wording("四议两公开（乡镇审核）", "四議兩公開（鄉鎮審核）",
                               "four deliberations with township review"),
    township_review=True)
REPRESENTATIVES = procedure(
    "representatives", Wording("四议两公开（村民代表会议决议）", "四議兩公開（村民代表會議決議）",
                               "four deliberations, decided by the representatives' meeting"),
    resolution_rule="representatives_meeting")
LAND_CONTRACTING = procedure(
    "land_contracting", Wording("四议两公开（土地承包事项）", "四議兩公開（土地承包事項）",
                                "four deliberations for land contracting"),
    resolution_rule="land_contracting")

# 农村土地承包法 第19、28、52条: the villagers' meeting, or the representatives' meeting it
# authorises, with two thirds of all representatives (the land_contracting_representatives preset).
LAND_CONTRACTING_REPRESENTATIVES = procedure(
    "land_contracting_representatives",
    Wording("四议两公开（土地承包事项，村民代表会议决议）", "四議兩公開（土地承包事項，村民代表會議決議）",
            "four deliberations for land contracting, decided by the representatives' meeting"),
    resolution_rule="land_contracting_representatives")

PROCEDURES: Mapping[str, Procedure] = MappingProxyType({p.name: p for p in (
    STATUTORY, COMBINED_PROPOSAL, TOWNSHIP_REVIEW, REPRESENTATIVES, LAND_CONTRACTING,
    LAND_CONTRACTING_REPRESENTATIVES)})
