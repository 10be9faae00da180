r"""Small things every value passes through: a fast ``dataclasses.replace``, and the one check
of text that people will read.

``dataclasses.replace`` walks the class's fields and builds a keyword dict on every call; replaying
a village's log calls it hundreds of thousands of times. :func:`updated` does the same thing with a
function compiled once per class that passes every field positionally.

>>> from deliberate.tally import Tally
>>> updated(Tally(1, 2, 3), oppose=0)
Tally(approve=1, oppose=0, abstain=3)

:func:`printable` is the check of text that enters the record (a title, a plan, an answer) and of
the roster's names and ids: no control characters, and none of the invisible marks that reorder
text on screen (bidirectional controls such as U+202E), which can make a name, an id or an amount
read as something other than what is stored ("Trojan Source", CVE-2021-42574).

>>> unprintable("王\u202e建国"), unprintable("第一行\n第二行"), unprintable("a\nb", one_line=True)
(True, False, True)
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any, TypeVar

from .errors import InvalidInput

__all__ = ["printable", "unprintable", "updated"]

# Bidirectional controls: the Arabic letter mark, LRM/RLM, the embeddings and overrides
# (U+202A–U+202E) and the isolates (U+2066–U+2069).
_BIDI = r"\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# Text: control characters other than tab and line breaks (NUL cannot even be stored in
# PostgreSQL's text), and the bidirectional controls.
_TEXT = re.compile(rf"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}]")
# One line (a name, an id): no tab or line break either, nor the zero-width characters that make
# two ids look alike (zero-width space, word joiner, byte-order mark). Joiners (U+200C/U+200D)
# stay: some scripts need them to shape a name.
_LINE = re.compile(rf"[\x00-\x1f\x7f-\x9f{_BIDI}\u200b\u2028\u2029\u2060\ufeff]")


def unprintable(value: str, *, one_line: bool = False) -> bool:
    """Whether ``value`` holds a character :func:`printable` refuses."""
    return (_LINE if one_line else _TEXT).search(value) is not None


def printable(field: str, value: str, *, one_line: bool = False) -> str:
    """``value``, or InvalidInput naming ``field`` if it holds a control character or a
    bidirectional control (with ``one_line``, also a line break, tab or zero-width character)."""
    if unprintable(value, one_line=one_line):
        raise InvalidInput("err_control_chars", field=field)
    return value

T = TypeVar("T")
_MISSING: Any = object()
_REPLACERS: dict[type, Callable[..., Any]] = {}


def _replacer(cls: type) -> Callable[..., Any]:
    fields = [f for f in dataclasses.fields(cls) if f.init]
    params = ", ".join(f"{f.name}=_M" for f in fields)
    # Positional where the class allows it (the fast path); by keyword, after those, where it does
    # not — the events are keyword-only.
    fields.sort(key=lambda f: f.kw_only)
    args = ", ".join(f"{f.name + '=' if f.kw_only else ''}o.{f.name} if {f.name} is _M else {f.name}"
                     for f in fields)
    namespace: dict[str, Any] = {"_M": _MISSING, "C": cls}
    exec(f"def replace(o, *, {params}):\n    return C({args})", namespace)
    return namespace["replace"]


def updated(obj: T, **changes: Any) -> T:
    """A copy of the dataclass ``obj`` with ``changes``, like ``dataclasses.replace``."""
    cls = type(obj)
    replace = _REPLACERS.get(cls)
    if replace is None:
        replace = _REPLACERS[cls] = _replacer(cls)
    return replace(obj, **changes)
