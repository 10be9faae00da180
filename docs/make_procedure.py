"""Generate docs/procedure.md from the procedure tables: python docs/make_procedure.py

The diagrams and tables are derived from deliberate.procedure, never drawn by hand; a test
checks that the committed file is what this script writes.
"""

from __future__ import annotations

from pathlib import Path

from deliberate.diagrams import mermaid, sitting_mermaid
from deliberate.procedure import PARTY_DISCUSSES_FIRST, PROCEDURES, REVIEWS, SITTING_TABLE, STATUTORY

HEADER = """# The procedure, generated from its table

This page is written by `python docs/make_procedure.py` from `deliberate/procedure.py`; do not edit
it by hand (a test fails when it is stale). Each procedure is a list of steps; the table of what
may happen at a step depends only on the step's kind (a sitting, an external review, a notice,
the implementation). The diagrams show the forward path; returns to earlier steps (退回重议,
监督委员会要求重新议定, 异议成立退回) are listed in the tables. A step decided from outside (乡镇审核)
names whose review decides it and where the practice comes from; a review is recorded only at such a
step (通过 and 退回 exist at other steps too, taken there by a vote or by the village).

**A sitting is convened under its step's rule and no other.** The rule each sitting step names is
part of the procedure: convening one under another rule — the same body under another quorum,
majority or notice included — is refused with `WrongRule`, naming the step and both rules. A
jurisdiction's profile adapts a procedure to its own rules before a matter is raised under it
(`Profile.procedure`), and a village's own procedure may name a rule of its own.

**The party organisation discusses first.** Every procedure starts with a sitting of the village
party organisation (the branch committee, or the two committees it leads), as the 2025 amendment
requires: {party}.
"""


def _targets(targets, proc) -> str:
    return ", ".join(f"{t.label()} `{t.value}`" for t in sorted(targets, key=proc.stages.index))


def render() -> str:
    out = [HEADER.format(party=PARTY_DISCUSSES_FIRST.text())]
    for proc in PROCEDURES.values():
        out.append(f"\n## {proc.title.zh_Hans} — `{proc.name}`\n\n{proc.title.en}.\n")
        out.append("| 步骤 | stage | kind | 议定机构 body | rule | citation |\n|---|---|---|---|---|---|")
        for step in proc.steps:
            rule = step.decides_by
            review = REVIEWS.get(step.kind)  # a step decided from outside: whose review, and why
            by = rule.body.label() if rule else review.by.text() if review else "—"
            citation = rule.citation if rule else review.citation if review else "—"
            out.append(f"| {step.number or '—'} {step.title()} | `{step.stage.value}` | "
                       f"{step.kind.label()} | {by} | {f'`{rule.name}`' if rule else '—'} | {citation} |")
        out.append(f"\n```mermaid\n{mermaid(proc)}```\n")
        out.append("| stage | action | may lead to |\n|---|---|---|")
        for (stage, action), targets in proc.table.items():
            out.append(f"| {stage.label()} `{stage.value}` | {action.label()} `{action.value}` | "
                       f"{_targets(targets, proc)} |")
    out.append("\n## A sitting — `SittingState`\n\nConvened → in session ⇄ voting → closed or "
               "adjourned. Check-in and check-out are allowed until the sitting ends.\n")
    out.append(f"```mermaid\n{sitting_mermaid()}```\n")
    out.append("| state | action | next state |\n|---|---|---|")
    for (state, action), target in SITTING_TABLE.items():
        out.append(f"| {state.label()} `{state.value}` | {action.label()} `{action.value}` | "
                   f"{target.label()} `{target.value}` |")
    return "\n".join(out) + "\n"


START, END = "<!-- diagram:start -->", "<!-- diagram:end -->"


def concepts(text: str) -> str:
    """concepts.md with the statutory diagram between its markers brought up to date."""
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n```mermaid\n{mermaid(STATUTORY)}```\n{END}{tail}"


if __name__ == "__main__":
    path = Path(__file__).with_name("procedure.md")
    path.write_text(render(), encoding="utf-8")
    page = Path(__file__).with_name("concepts.md")
    page.write_text(concepts(page.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote {path} and the diagram in {page}")
