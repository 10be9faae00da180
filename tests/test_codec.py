"""The codec: canonical JSON, and every event and command to plain data and back.

The record stores an event as (type, payload, time); replaying it decodes every payload with a
decoder compiled per class. Here each event class and each command class is built from arbitrary
values of its fields' types and must come back equal through canonical JSON; a payload written
before a defaulted field existed must decode to the default; any other difference is malformed.
"""

from __future__ import annotations

import dataclasses
import json
import typing
from datetime import UTC, date, datetime, timedelta, timezone
from enum import Enum
from functools import cache
from types import NoneType, UnionType

import pytest
from helpers import ON, ROSTER, START, Village
from hypothesis import given, settings
from hypothesis import strategies as st

from deliberate import commands, events, rules
from deliberate.bodies import Body
from deliberate.codec import _dataclass_decoder, canonical, decode_event, encode, encode_event, event_type
from deliberate.demo import build_demo
from deliberate.errors import InvalidInput, MalformedEntry
from deliberate.events import EVENT_TYPES
from deliberate.periods import HolidayCalendar
from deliberate.procedure import PROCEDURES, Procedure
from deliberate.roster import BodyRoster
from deliberate.rules.model import Rule
from deliberate.tally import Attendance, Tally

EVENTS = sorted(EVENT_TYPES.values(), key=lambda cls: cls.__name__)
COMMANDS = sorted(typing.get_args(commands.Command), key=lambda cls: cls.__name__)
ZONES = st.sampled_from([UTC, timezone(timedelta(hours=8)), timezone(timedelta(hours=-9, minutes=-30))])
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)  # JSON has no lone surrogates
BODIES = [ROSTER.body(body, ON) for body in (Body.VILLAGERS_MEETING, Body.BRANCH_COMMITTEE,
                                             Body.REPRESENTATIVES_MEETING, Body.PARTY_MEMBERS_MEETING)]


@st.composite
def _attendance(draw) -> Attendance:
    expected = draw(st.integers(0, 500))
    present = draw(st.integers(0, expected))
    households = draw(st.none() | st.integers(0, 200))
    there = None if households is None else draw(st.integers(0, min(households, present)))
    members = draw(st.none() | st.integers(expected, expected + 20))
    return Attendance(expected, present, households, there, members)


_SPECIAL: dict[object, st.SearchStrategy] = {
    str: TEXT,
    int: st.integers(),
    bool: st.booleans(),
    date: st.dates(),
    datetime: st.datetimes(timezones=ZONES),
    Rule: st.sampled_from([rules.preset(name) for name in rules.names()]),
    Procedure: st.sampled_from(list(PROCEDURES.values())),
    BodyRoster: st.sampled_from(BODIES),
    HolidayCalendar: st.builds(HolidayCalendar, st.frozensets(st.dates(), max_size=3),
                               st.frozensets(st.dates(), max_size=3), st.booleans()),
    Tally: st.builds(Tally, st.integers(0, 10**6), st.integers(0, 10**6), st.integers(0, 10**6)),
    Attendance: _attendance(),
}


def values(tp) -> st.SearchStrategy:
    """Arbitrary values of the field type ``tp``, as the events and commands declare them."""
    if tp in _SPECIAL:
        return _SPECIAL[tp]
    origin = typing.get_origin(tp)
    if origin in (UnionType, typing.Union):
        return st.one_of([st.none() if a is NoneType else values(a) for a in typing.get_args(tp)])
    if origin is tuple:
        return st.lists(values(typing.get_args(tp)[0]), max_size=3).map(tuple)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return st.sampled_from(list(tp))
    if dataclasses.is_dataclass(tp):
        return instances(tp)
    raise TypeError(f"no strategy for {tp!r}")  # a new field type: teach this test about it


def instances(cls) -> st.SearchStrategy:
    hints = typing.get_type_hints(cls)
    return st.builds(cls, **{f.name: values(hints[f.name]) for f in dataclasses.fields(cls) if f.init})


def through_json(payload):
    """The payload as the store and an export give it back: canonical JSON, parsed."""
    return json.loads(canonical(payload))


@cache
def command_decoder(cls):
    return _dataclass_decoder(cls)


def _defaulted(cls) -> dict[str, object]:
    """The fields of ``cls`` that have a default, and their defaults."""
    return {f.name: f.default if f.default is not dataclasses.MISSING else f.default_factory()
            for f in dataclasses.fields(cls) if f.name != "at"
            and (f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING)}


# --- round trips -------------------------------------------------------------------------------


@pytest.mark.parametrize("cls", EVENTS, ids=lambda cls: cls.__name__)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_every_event_round_trips_through_canonical_json(cls, data):
    event = data.draw(instances(cls))
    type_, payload, at = encode_event(event)
    assert type_ == event_type(event) and EVENT_TYPES[type_] is cls and "at" not in payload
    decoded = decode_event(type_, through_json(payload), datetime.fromisoformat(at.isoformat()))
    assert decoded == event
    assert encode_event(decoded) == (type_, payload, at)  # the same bytes to hash again


@pytest.mark.parametrize("cls", COMMANDS, ids=lambda cls: cls.__name__)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_every_command_round_trips_through_canonical_json(cls, data):
    command = data.draw(instances(cls))
    assert command_decoder(cls)(through_json(encode(command))) == command


def test_every_class_is_covered():
    """The lists above come from the modules: a new event or command is round-tripped too."""
    assert {cls.__name__ for cls in EVENTS} == set(events.__all__) - {
        "EVENT_TYPES", "PRIVATE_EVENTS", "Event", "Receipt"}
    assert len(COMMANDS) == len(commands.__all__) - 2  # all but Attachment and Command


# --- payloads written before a field existed, and payloads that are wrong -----------------------

WITH_DEFAULTS = [cls for cls in EVENTS + COMMANDS if _defaulted(cls)]


@pytest.mark.parametrize("cls", WITH_DEFAULTS, ids=lambda cls: cls.__name__)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_a_payload_missing_defaulted_fields_decodes_to_their_defaults(cls, data):
    """A field added later with a default (the account of a teller entry, a card-count nonce) is
    missing from entries written before it existed: they decode, to the default."""
    obj = data.draw(instances(cls))
    missing = data.draw(st.sets(st.sampled_from(sorted(_defaulted(cls))), min_size=1))
    defaults = {name: value for name, value in _defaulted(cls).items() if name in missing}
    if cls in EVENT_TYPES.values():
        type_, payload, at = encode_event(obj)
        old = {k: v for k, v in through_json(payload).items() if k not in missing}
        assert decode_event(type_, old, at) == dataclasses.replace(obj, **defaults)
    else:
        old = {k: v for k, v in through_json(encode(obj)).items() if k not in missing}
        assert command_decoder(cls)(old) == dataclasses.replace(obj, **defaults)


@pytest.mark.parametrize("cls", EVENTS, ids=lambda cls: cls.__name__)
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_a_payload_missing_a_required_field_or_with_an_extra_one_is_malformed(cls, data):
    event = data.draw(instances(cls))
    type_, payload, at = encode_event(event)
    required = [f.name for f in dataclasses.fields(cls) if f.name != "at" and f.name not in _defaulted(cls)]
    gone = data.draw(st.sampled_from(required))
    for bad in ({k: v for k, v in payload.items() if k != gone}, {**payload, "extra": 1}, list(payload)):
        with pytest.raises(MalformedEntry) as info:
            decode_event(type_, through_json(bad), at)
        assert type_ in str(info.value)  # names the entry's type


@pytest.mark.parametrize(("field", "value"), [
    ("title", 7), ("title", None), ("amount", "100"), ("amount", True), ("amount", 1.5),
    ("to_stage", "nowhere"), ("procedure", {}), ("matter", ["m1"]),
])
def test_a_field_of_the_wrong_type_is_malformed(field, value):
    v = Village()
    v.raise_matter("m1")
    (entry,) = v.ledger.entries()
    with pytest.raises(MalformedEntry):
        decode_event(entry.type, {**entry.payload, field: value}, START)


def test_an_unknown_type_and_a_naive_time_are_malformed():
    with pytest.raises(MalformedEntry, match="coup_detat"):
        decode_event("coup_detat", {}, START)
    v = Village()
    v.raise_matter("m1")
    s = v.convene("m1")
    (entry,) = [e for e in v.ledger.entries() if e.type == "sitting_convened"]
    assert entry.payload["sitting"] == s
    with pytest.raises(MalformedEntry, match="naive"):
        decode_event(entry.type, {**entry.payload, "scheduled_for": "2026-03-02T09:00:00"}, START)


# --- a real record ------------------------------------------------------------------------------


def test_every_entry_of_a_record_decodes_to_the_event_it_records():
    """The demo village's whole record (and its ballots kept apart): each entry decodes to an
    event that encodes to exactly the entry's type, payload and time."""
    from deliberate import Ledger

    ledger = Ledger("demo")
    build_demo(ledger, ROSTER, START, b"secret")
    entries = list(ledger.entries())
    for entry in entries:
        type_, payload, at = encode_event(entry.event())
        assert (type_, payload, at.isoformat()) == (entry.type, entry.payload, entry.time)
    private = list(ledger.repository.private_events("demo"))
    assert private
    for event in private:
        type_, payload, at = encode_event(event)
        assert decode_event(type_, through_json(payload), at) == event
    assert len({e.type for e in entries}) >= 20  # most of the record's kinds, as they occur


# --- canonical JSON -----------------------------------------------------------------------------

JSON = st.recursive(st.none() | st.booleans() | st.integers() | TEXT,
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
                    max_leaves=20)


@settings(max_examples=200, deadline=None)
@given(JSON, st.randoms(use_true_random=False))
def test_canonical_json_does_not_depend_on_key_order_and_parses_back(data, rng):
    def shuffled(x):
        if isinstance(x, dict):
            items = list(x.items())
            rng.shuffle(items)
            return {k: shuffled(v) for k, v in items}
        if isinstance(x, list):
            return [shuffled(v) for v in x]
        return x

    assert canonical(shuffled(data)) == canonical(data)
    assert json.loads(canonical(data)) == data
    assert b" " not in canonical({"a": [1, 2], "b": {"c": None}})


@pytest.mark.parametrize("value", [0.5, [1, {"share": 0.5}], datetime(2026, 3, 2, 9), {1, 2.0}, object()])
def test_encode_refuses_what_the_record_cannot_hold(value):
    with pytest.raises(InvalidInput):
        canonical(encode(value))
