"""A fast ``dataclasses.replace`` for the frozen values that ``evolve`` copies on every event.

``dataclasses.replace`` walks the class's fields and builds a keyword dict on every call; replaying
a village's log calls it hundreds of thousands of times. :func:`updated` does the same thing with a
function compiled once per class that passes every field positionally.

>>> from deliberate.tally import Tally
>>> updated(Tally(1, 2, 3), oppose=0)
Tally(approve=1, oppose=0, abstain=3)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["updated"]

T = TypeVar("T")
_MISSING: Any = object()
_REPLACERS: dict[type, Callable[..., Any]] = {}


def _replacer(cls: type) -> Callable[..., Any]:
    names = [f.name for f in dataclasses.fields(cls) if f.init]
    params = ", ".join(f"{n}=_M" for n in names)
    args = ", ".join(f"o.{n} if {n} is _M else {n}" for n in names)
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
