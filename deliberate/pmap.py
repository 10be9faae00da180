"""A small persistent (immutable) mapping, so that ``evolve`` can stay pure and still be cheap.

``evolve(state, event)`` returns a new state and must leave the old one intact. Copying a dict of
1,500 ballots for every ballot would make a vote quadratic; :class:`PMap` instead keeps a frozen
base dict plus a small dict of recent changes, and folds the changes into a new base once they
outgrow the square root of the base. An update costs O(√n) amortised, a lookup O(1).

>>> a = PMap({"x": 1})
>>> b = a.set("y", 2)
>>> dict(a), dict(b)
({'x': 1}, {'x': 1, 'y': 2})
>>> b.delete("x") == {"y": 2}
True
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from math import isqrt
from typing import Any, Generic, TypeVar

__all__ = ["PMap"]

K = TypeVar("K")
V = TypeVar("V")
_GONE: Any = object()  # a deletion recorded in the delta
_MIN_DELTA = 32


class PMap(Mapping[K, V], Generic[K, V]):
    """An immutable mapping whose ``set`` and ``delete`` return new mappings."""

    __slots__ = ("_base", "_delta", "_limit", "_size")

    def __init__(self, items: Mapping[K, V] | None = None) -> None:
        self._base: dict[K, V] = dict(items) if items else {}
        self._delta: dict[K, V] = {}
        self._size = len(self._base)
        self._limit = max(_MIN_DELTA, isqrt(self._size))

    def _make(self, delta: dict[K, V], size: int) -> PMap[K, V]:
        new = object.__new__(type(self))
        base, limit = self._base, self._limit
        if len(delta) > limit:
            base = {**base, **delta}
            for k, v in delta.items():
                if v is _GONE:
                    del base[k]
            delta = {}
            limit = max(_MIN_DELTA, isqrt(len(base)))
        new._base, new._delta, new._size, new._limit = base, delta, size, limit
        return new

    def __getitem__(self, key: K) -> V:
        delta = self._delta
        if key in delta:
            value = delta[key]
            if value is _GONE:
                raise KeyError(key)
            return value
        return self._base[key]

    def __contains__(self, key: object) -> bool:
        delta = self._delta
        if key in delta:
            return delta[key] is not _GONE
        return key in self._base

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[K]:
        delta = self._delta
        for k in self._base:
            if k not in delta:
                yield k
        for k, v in delta.items():
            if v is not _GONE:
                yield k

    def __hash__(self) -> int:
        return hash(frozenset(self.items()))

    def __repr__(self) -> str:
        return f"PMap({dict(self)!r})"

    def set(self, key: K, value: V) -> PMap[K, V]:
        """A new map with ``key`` set to ``value``."""
        delta = self._delta.copy()
        delta[key] = value
        return self._make(delta, self._size + (0 if key in self else 1))

    def delete(self, key: K) -> PMap[K, V]:
        """A new map without ``key``; KeyError if it is absent."""
        if key not in self:
            raise KeyError(key)
        delta = self._delta.copy()
        delta[key] = _GONE
        return self._make(delta, self._size - 1)
