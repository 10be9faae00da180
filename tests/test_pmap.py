"""The persistent map against ``dict``, and ``values.updated`` against ``dataclasses.replace``.

Both are hot-path stand-ins for something in the standard library, so the standard library is
their specification: a :class:`~deliberate.pmap.PMap` must behave as a ``dict`` that is never
changed in place, and :func:`~deliberate.values.updated` exactly as ``dataclasses.replace``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from deliberate.errors import InvalidNumbers
from deliberate.pmap import PMap
from deliberate.tally import Attendance, Tally
from deliberate.values import updated

# Few keys, so that sets overwrite and deletes hit; values include None and equal-but-distinct ones.
KEYS = st.integers(0, 60) | st.sampled_from(["a", "b", "公示"])
VALUES = st.none() | st.integers(-3, 3) | st.text(max_size=3)


class PMapAgainstDict(RuleBasedStateMachine):
    """Drive a PMap and a dict side by side; every version of the map stays what it was."""

    def __init__(self) -> None:
        super().__init__()
        self.map: PMap = PMap()
        self.model: dict = {}
        self.versions: list[tuple[PMap, dict]] = []

    @initialize(start=st.dictionaries(KEYS, VALUES, max_size=80))
    def start(self, start):
        self.map, self.model = PMap(start), dict(start)

    def _moved(self, new: PMap) -> None:
        self.versions.append((self.map, dict(self.model)))
        self.versions = self.versions[-20:]
        self.map = new

    @rule(key=KEYS, value=VALUES)
    def set(self, key, value):
        note(f"set {key!r} = {value!r}")
        self._moved(self.map.set(key, value))
        self.model[key] = value

    @precondition(lambda self: self.model)
    @rule(data=st.data())
    def delete(self, data):
        key = data.draw(st.sampled_from(sorted(self.model, key=repr)))
        note(f"delete {key!r}")
        self._moved(self.map.delete(key))
        del self.model[key]

    @rule(key=KEYS)
    def delete_absent_or_present(self, key):
        if key in self.model:
            return
        with pytest.raises(KeyError):
            self.map.delete(key)

    @invariant()
    def behaves_as_the_dict(self):
        m, d = self.map, self.model
        assert len(m) == len(d)
        keys = list(m)
        assert len(keys) == len(set(keys)) and set(keys) == set(d)  # each key once
        assert dict(m.items()) == d and m == d and d == m
        for k in d:
            assert k in m and m[k] == d[k] and m.get(k) == d[k]
        for k in (-1, 61, "absent"):
            assert k not in m and m.get(k, "dflt") == "dflt"
            with pytest.raises(KeyError):
                m[k]
        assert m == PMap(d) and hash(m) == hash(PMap(d))

    @invariant()
    def old_versions_are_untouched(self):
        for old, snapshot in self.versions:
            assert dict(old) == snapshot and len(old) == len(snapshot)


PMapAgainstDict.TestCase.settings = settings(max_examples=60, stateful_step_count=120, deadline=None)
test_pmap_behaves_as_a_dict_never_changed_in_place = PMapAgainstDict.TestCase

OPS = st.lists(st.tuples(st.booleans(), st.integers(0, 4000), st.integers()), max_size=400)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 3000), OPS)
def test_a_large_map_folds_its_changes_and_stays_equal_to_the_dict(size, ops):
    """Past a thousand entries the delta may grow to √n before it is folded into a new base:
    a list of operations on a large map, checked against the dict at the end and at each fold."""
    m, d = PMap({i: i for i in range(size)}), {i: i for i in range(size)}
    first = m
    for is_set, key, value in ops:
        if is_set or key not in d:
            m, d[key] = m.set(key, value), value
        else:
            m = m.delete(key)
            del d[key]
        assert len(m) == len(d)
    assert m == d and set(m) == set(d)
    assert dict(first) == {i: i for i in range(size)}


# --- values.updated against dataclasses.replace ------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Frozen:
    """Shaped as an event: frozen, slotted, keyword-only."""

    a: int
    b: str = "b"
    c: tuple[int, ...] = ()
    d: int | None = None


@dataclass
class Plain:
    """Mutable, positional, with a default factory and a field computed after init."""

    a: int
    b: list[int] = field(default_factory=list)
    total: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self.total = self.a + sum(self.b)


@dataclass(frozen=True)
class Mixed:
    """A keyword-only field declared before positional ones."""

    a: int = field(kw_only=True)
    b: int
    c: int = 0


FROZEN = st.builds(Frozen, a=st.integers(), b=st.text(max_size=4), c=st.lists(st.integers(), max_size=3).map(tuple),
                   d=st.none() | st.integers())
PLAIN = st.builds(Plain, a=st.integers(), b=st.lists(st.integers(), max_size=3))
MIXED = st.builds(Mixed, a=st.integers(), b=st.integers(), c=st.integers())
TALLY = st.builds(Tally, st.integers(0, 9), st.integers(0, 9), st.integers(0, 9))
ATTENDANCE = st.builds(Attendance, st.integers(5, 9), st.integers(0, 5))


def _changes(obj) -> st.SearchStrategy[dict]:
    """Some of ``obj``'s init fields, each with a value of roughly its kind (or a wrong one)."""
    names = [f.name for f in dataclasses.fields(obj) if f.init]
    value = st.integers(-2, 12) | st.none() | st.text(max_size=2) | st.lists(st.integers(), max_size=2)
    return st.dictionaries(st.sampled_from(names), value, max_size=len(names))


def _outcome(make):
    try:
        return "ok", make()
    except (TypeError, ValueError) as exc:  # InvalidNumbers is a ValueError
        return "refused", type(exc)


@settings(max_examples=300, deadline=None)
@given(st.data(), st.sampled_from([FROZEN, MIXED, PLAIN, TALLY, ATTENDANCE]))
def test_updated_is_dataclasses_replace(data, objects):
    obj = data.draw(objects)
    before = dataclasses.replace(obj)
    changes = data.draw(_changes(obj))
    mine, theirs = _outcome(lambda: updated(obj, **changes)), _outcome(lambda: dataclasses.replace(obj, **changes))
    assert mine == theirs  # the same copy, or the same error (a Tally's check refuses a bad count)
    if mine[0] == "ok":
        assert type(mine[1]) is type(obj) and mine[1] is not obj
    assert obj == before  # the original is left alone


def test_updated_refuses_what_replace_refuses():
    with pytest.raises(TypeError):
        updated(Tally(), nope=1)
    with pytest.raises(TypeError):
        dataclasses.replace(Tally(), nope=1)
    with pytest.raises(InvalidNumbers):
        updated(Attendance(5, 3), present=6)  # the class's own check runs, as with replace
    # A field not set by __init__ is computed again, not copied: both agree.
    assert updated(Plain(1, [2]), a=5).total == dataclasses.replace(Plain(1, [2]), a=5).total == 7
