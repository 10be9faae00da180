"""Canonical JSON, and events to and from the plain payloads the record stores.

Canonical JSON (ARCHITECTURE.md, "The record"): keys sorted, no insignificant white space, UTF-8,
and no floats anywhere — ratios are written ``"n/d"``, dates and times in ISO 8601. Two parties
who hold the same facts therefore hash the same bytes.

>>> canonical({"b": 1, "a": [True, None, "公示"]})
b'{"a":[true,null,"\xe5\x85\xac\xe7\xa4\xba"],"b":1}'
>>> encode({"share": 0.5})
Traceback (most recent call last):
  ...
deliberate.errors.InvalidInput: 不能写入记录的值：floats are not allowed in the record: 0.5
"""

from __future__ import annotations

import dataclasses
import json
import typing
from collections.abc import Callable, Mapping
from datetime import date, datetime
from enum import Enum
from fractions import Fraction
from types import NoneType, UnionType
from typing import Any

from .errors import InvalidInput, MalformedEntry
from .events import EVENT_TYPES
from .periods import HolidayCalendar
from .procedure import Procedure
from .roster import BodyRoster
from .rules.model import Rule

__all__ = ["canonical", "decode_event", "encode", "encode_event", "event_type"]

_TYPE_OF = {cls: name for name, cls in EVENT_TYPES.items()}


def _reject_float(value: float) -> None:
    raise InvalidInput("err_not_recordable", detail=f"floats are not allowed in the record: {value}")


def canonical(obj: Any) -> bytes:
    """The canonical JSON bytes of plain data (str, int, bool, None, lists, dicts of str keys).

    Floats are kept out where data enters the record — :func:`encode` and the JSON Lines reader
    refuse them — so hashing, the hot path of verification, does not walk the data twice.
    """
    try:
        return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                          allow_nan=False, default=_unencodable).encode()
    except ValueError as exc:
        if isinstance(exc, InvalidInput):
            raise
        raise InvalidInput("err_not_recordable", detail=str(exc)) from exc


def _unencodable(value: Any) -> Any:
    raise InvalidInput("err_not_recordable", detail=f"not plain data: {type(value).__name__}")


def encode(value: Any) -> Any:
    """Plain, canonical-JSON-ready data for a value of the domain."""
    if value is None or type(value) in (str, int, bool):
        return value
    if type(value) is float:
        _reject_float(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise InvalidInput("err_naive_time", value=value.isoformat())
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, Rule | Procedure | BodyRoster | HolidayCalendar):
        return value.to_data()
    if isinstance(value, tuple | list):
        return [encode(v) for v in value]
    if isinstance(value, frozenset | set):
        return sorted(encode(v) for v in value)
    if isinstance(value, Mapping):
        return {str(k): encode(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    raise InvalidInput("err_not_recordable", detail=f"cannot encode {type(value).__name__}")


def event_type(event: Any) -> str:
    return _TYPE_OF[type(event)]


def encode_event(event: Any) -> tuple[str, dict[str, Any], datetime]:
    """(type, payload, at) for ``event``; ``at`` becomes the entry's time, not part of the payload."""
    payload = {f.name: encode(getattr(event, f.name)) for f in dataclasses.fields(event)
               if f.name != "at"}
    return _TYPE_OF[type(event)], payload, event.at


# --- decoding -------------------------------------------------------------------------------

Decoder = Callable[[Any], Any]


def _expect(kind: type) -> Decoder:
    def check(v: Any) -> Any:
        if type(v) is not kind:
            raise TypeError(f"expected {kind.__name__}, got {type(v).__name__}")
        return v
    return check


def _decoder(tp: Any) -> Decoder:
    origin = typing.get_origin(tp)
    if origin in (UnionType, typing.Union):
        args = [a for a in typing.get_args(tp) if a is not NoneType]
        inner = _decoder(args[0])
        return lambda v: None if v is None else inner(v)
    if origin is tuple:
        inner = _decoder(typing.get_args(tp)[0])

        def tuple_of(v: Any) -> tuple[Any, ...]:
            if type(v) is not list:
                raise TypeError("expected a list")
            return tuple(inner(x) for x in v)
        return tuple_of
    if tp in (str, int, bool):
        return _expect(tp)
    if tp is datetime:
        def when(v: Any) -> datetime:
            t = datetime.fromisoformat(_expect(str)(v))
            if t.tzinfo is None:
                raise ValueError(f"naive time {v}")
            return t
        return when
    if tp is date:
        return lambda v: date.fromisoformat(_expect(str)(v))
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp
    if tp in (Rule, Procedure, BodyRoster, HolidayCalendar):
        return tp.from_data
    if dataclasses.is_dataclass(tp):
        return _dataclass_decoder(tp)
    raise TypeError(f"no decoder for {tp!r}")  # pragma: no cover - a programming error


def _dataclass_decoder(cls: type, skip: frozenset[str] = frozenset()) -> Decoder:
    """A decoder compiled for ``cls``: plain fields are checked inline, others call their decoder.

    Replaying a log decodes every entry, so this is a hot path; the generated function does no
    per-field dictionary building or looping.
    """
    hints = typing.get_type_hints(cls)
    fields = [f.name for f in dataclasses.fields(cls) if f.name not in skip]
    # A field added later with a default (e.g. the account of a teller entry) may be missing
    # from an entry written before it existed: it decodes to the default, and the entry's hash,
    # taken over the payload as written, still holds. Any other difference is malformed. The
    # defaults are kept encoded, since they pass through the field's decoder like the payload.
    defaults = {f.name: encode(f.default if f.default is not dataclasses.MISSING else f.default_factory())
                for f in dataclasses.fields(cls) if f.name not in skip
                and (f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING)}
    namespace: dict[str, Any] = {"C": cls, "N": len(fields), "KEYS": frozenset(fields),
                                 "OPTIONAL": frozenset(defaults), "DEFAULTS": defaults}
    lines = ["def build(v, **extra):",
             "    if type(v) is not dict:",
             f"        raise TypeError('{cls.__name__} expects an object')",
             "    if len(v) != N or v.keys() != KEYS:",
             "        if not (v.keys() <= KEYS and KEYS - v.keys() <= OPTIONAL):",
             f"            raise TypeError('{cls.__name__} expects exactly its fields')",
             "        v = {**DEFAULTS, **v}"]
    args = []
    for i, name in enumerate(fields):
        tp = hints[name]
        if tp in (str, int, bool):
            namespace[f"T{i}"] = tp
            lines += [f"    x{i} = v[{name!r}]",
                      f"    if type(x{i}) is not T{i}:",
                      f"        raise TypeError('{name}: expected {tp.__name__}')"]
        else:
            namespace[f"D{i}"] = _decoder(tp)
            lines.append(f"    x{i} = D{i}(v[{name!r}])")
        args.append(f"{name}=x{i}")
    lines.append(f"    return C({', '.join(args)}, **extra)")
    exec("\n".join(lines), namespace)
    return namespace["build"]


_EVENT_DECODERS = {name: _dataclass_decoder(cls, frozenset({"at"}))
                   for name, cls in EVENT_TYPES.items()}


def decode_event(type_: str, payload: Any, at: datetime) -> Any:
    """The event an entry records; MalformedEntry if the payload does not fit its type."""
    try:
        return _EVENT_DECODERS[type_](payload, at=at)
    except KeyError:
        raise MalformedEntry("err_entry", line=0, detail=f"unknown event type {type_!r}") from None
    except (TypeError, ValueError) as exc:
        if isinstance(exc, MalformedEntry):
            raise
        raise MalformedEntry("err_entry", line=0, detail=f"{type_}: {exc}") from exc
