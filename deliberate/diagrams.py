"""Mermaid diagrams of the procedure's tables, for docs/procedure.md and docs/concepts.md
(``python docs/make_procedure.py``): drawn from :mod:`deliberate.procedure`, never by hand."""

from __future__ import annotations

from .i18n import DEFAULT_LANG
from .procedure import SITTING_TABLE, Action, Procedure, SittingState, Stage

__all__ = ["mermaid", "sitting_mermaid"]

_BACKWARD = frozenset({Action.RETURN, Action.REHOLD, Action.UPHOLD_OBJECTION})


def mermaid(proc: Procedure, lang: str = DEFAULT_LANG, *, backward: bool = False) -> str:
    """A Mermaid state diagram of ``proc``'s table.

    Self-loops are left out, and so are the returns to earlier steps unless ``backward``: they
    connect almost every pair of steps and would hide the forward path; the tables list them.
    """
    lines = ["stateDiagram-v2"]
    for stage in proc.stages:
        step = proc.step(stage)
        title = step.title(lang) if step else stage.label(lang)
        number = f"{step.number} " if step and step.number else ""
        lines.append(f"    {stage.value}: {number}{title}")
    lines.append(f"    [*] --> {Stage.NEW.value}")
    edges: dict[tuple[Stage, Stage], list[str]] = {}
    for (stage, action), targets in proc.table.items():
        if action in _BACKWARD and not backward:
            continue
        for target in sorted(targets, key=proc.stages.index):
            if target is not stage:
                edges.setdefault((stage, target), []).append(action.label(lang))
    for (a, b), actions in edges.items():
        lines.append(f"    {a.value} --> {b.value}: {' / '.join(actions)}")
    lines += [f"    {s.value} --> [*]" for s in (Stage.DONE, Stage.WITHDRAWN)]
    return "\n".join(lines) + "\n"


def sitting_mermaid(lang: str = DEFAULT_LANG) -> str:
    """A Mermaid state diagram of a sitting's lifecycle."""
    lines = ["stateDiagram-v2", f"    [*] --> {SittingState.CONVENED.value}"]
    lines += [f"    {s.value}: {s.label(lang)}" for s in SittingState]
    edges: dict[tuple[SittingState, SittingState], list[str]] = {}
    for (state, action), target in SITTING_TABLE.items():
        edges.setdefault((state, target), []).append(action.label(lang))
    for (a, b), actions in edges.items():
        lines.append(f"    {a.value} --> {b.value}: {' / '.join(actions)}")
    return "\n".join(lines) + "\n"
