"""Households where a file has no 户号: from 户主姓名 and 与户主关系, as a register lists them.

A register lists a household's head (与户主关系 户主 or 本人) and then the members; the head's
name may stand on every row (户主姓名), on the first only (a cell merged down the household, or
left blank under it), or nowhere. Read row by row:

1. A head row — 与户主关系 户主/本人, or, without that column, 户主姓名 equal to 姓名 — starts a
   household. If members naming this head were listed before their head's row (a voter list
   sorted another way), and exactly one household of that head's name in that villager group
   waits for its head, the head joins it.
2. A member row naming its head (户主姓名) joins the household being read if that head is its
   head; else the one household of that head's name in its villager group; else — the head is
   not in the file (a voter list without the children, a head who died) — a household of that
   name without a head row. Two such households (two heads of one name in one group) and a row
   not beside its household: the row is refused ("无法判断属于哪一户"), and adding 户号 resolves it.
3. A member row naming no head belongs to the household being read; before the first head row,
   it is refused.
4. A row whose 与户主关系 is 户主 but whose 户主姓名 names another person is refused.
A blank 户主姓名 below a row that has one repeats it (the cell merged down, or "同上").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .cells import shown

__all__ = ["HEAD_WORDS", "Draft", "Member", "assign_households"]

HEAD_WORDS = frozenset({"户主", "本人", "户主本人"})
_DITTO = frozenset({"同上", "〃", '"', "”", "''", "…", "..."})


@dataclass(frozen=True)
class Member:
    """What a row says about its household."""

    line: int
    name: str
    group: str | None
    relation: str | None
    head_name: str | None


@dataclass
class Draft:
    """A household as the file shows it: its head's name, group and row (None: not in the file)."""

    head_name: str
    group: str | None
    head_line: int | None = None
    lines: list[int] = field(default_factory=list)
    ordinal: int = 1  # among households of this head's name in this group, in the file's order


def assign_households(members: Sequence[Member], has_head_name: bool, has_relation: bool
                      ) -> tuple[dict[int, Draft], dict[int, str]]:
    """Each row's household, by line; and the rows that cannot be placed, with the reason."""
    drafts: list[Draft] = []
    by_head: dict[tuple[str | None, str], list[Draft]] = {}
    placed: dict[int, Draft] = {}
    refused: dict[int, str] = {}
    current: Draft | None = None
    above: str | None = None  # the last 户主姓名 written
    broken: int | None = None  # a refused head row, whose members cannot be placed either

    def start(head: str, group: str | None, head_line: int | None) -> Draft:
        same = by_head.setdefault((group, head), [])
        draft = Draft(head, group, head_line, ordinal=len(same) + 1)
        same.append(draft)
        drafts.append(draft)
        return draft

    for m in members:
        relation = (m.relation or "").replace(" ", "") or None
        head_name = m.head_name if m.head_name not in _DITTO else None
        if has_head_name and head_name is None and relation not in HEAD_WORDS:
            head_name = above
        is_head = relation in HEAD_WORDS if has_relation and relation else head_name == m.name
        if is_head:
            if head_name and head_name != m.name:
                refused[m.line] = f"与户主关系是“{shown(relation)}”，但户主姓名是“{shown(head_name)}”，不是本人"
                current, above, broken = None, None, m.line
                continue
            waiting = [d for d in by_head.get((m.group, m.name), ()) if d.head_line is None]
            current = waiting[0] if len(waiting) == 1 else start(m.name, m.group, m.line)
            current.head_line, broken = m.line, None
        elif head_name:
            if current is None or current.head_name != head_name:
                found = by_head.get((m.group, head_name), [])
                if len(found) > 1:
                    lines = "、".join(f"第{d.head_line}行" for d in found if d.head_line) or "多处"
                    refused[m.line] = (f"{shown(m.group or '')}有不止一户的户主叫“{shown(head_name)}”（{lines}），"
                                       "无法判断属于哪一户：请把同户的人排在一起，或加“户号”列")
                    continue
                current = found[0] if found else start(head_name, m.group, None)
                broken = None
        elif has_relation and relation is None:
            refused[m.line] = "与户主关系是空的，无法判断是户主还是家庭成员"
            continue
        elif current is None:
            refused[m.line] = (f"所在户的户主行（第{broken}行）有误，无法判断属于哪一户" if broken else
                               "前面没有户主行，无法判断属于哪一户（每户应从户主这一行开始）")
            continue
        current.lines.append(m.line)
        placed[m.line] = current
        above = current.head_name
    return placed, refused
