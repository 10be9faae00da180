"""A matter's story, as a villager reads it: the procedure's steps in order, each with where the
matter stands on it and what happened there — the sittings that took it up, each with its result
once, and the notices posted with the objections lodged against them.

One story for the public page and the clerk's page, built here rather than in a template, so the
two pages cannot drift apart again (they once showed the first date of a step on one and the last
on the other). The dates are :meth:`deliberate.state.Matter.timeline`'s.
"""

from __future__ import annotations

from dataclasses import dataclass

from .procedure import Stage, Step
from .state import Notice, Objection, Sitting, StageMark, StepStatus, TimelineStep, VillageState, VoteResult

__all__ = ["Chapter", "SittingOutcome", "story"]


@dataclass(frozen=True, slots=True)
class SittingOutcome:
    """A sitting that had the matter on its agenda for a step, and the matter's votes there (none
    while the sitting is to come, or when it ended without a vote on the matter)."""

    sitting: Sitting
    results: tuple[VoteResult, ...]


@dataclass(frozen=True, slots=True)
class Chapter:
    """One step of the matter's procedure and what happened at it, earliest first."""

    line: TimelineStep
    sittings: tuple[SittingOutcome, ...] = ()
    notices: tuple[Notice, ...] = ()
    objections: tuple[Objection, ...] = ()

    @property
    def step(self) -> Step:
        return self.line.step

    @property
    def status(self) -> StepStatus:
        return self.line.status

    @property
    def reached(self) -> StageMark | None:
        return self.line.reached


def story(state: VillageState, matter: str) -> tuple[Chapter, ...]:
    """The chapters of ``matter``'s story, one per step of its procedure (KeyError if unknown)."""
    m = state.matters[matter]
    sittings: dict[Stage, list[SittingOutcome]] = {}
    for s in state.sittings_for(matter):
        results = tuple(r for r in s.results if r.matter == matter)
        stage = results[0].stage if results else s.stage_for(matter)
        sittings.setdefault(stage, []).append(SittingOutcome(s, results))
    return tuple(Chapter(line, tuple(sittings.get(line.step.stage, ())),
                         tuple(n for n in m.notices if n.stage is line.step.stage),
                         tuple(o for o in m.objections if o.stage is line.step.stage))
                 for line in m.timeline())
