"""The hash chain: tampering of every kind is caught at the first bad height."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from helpers import Village
from hypothesis import given
from hypothesis import strategies as st

from deliberate import ChainBroken, Checkpoint, MalformedEntry, Stage, from_jsonl, to_jsonl, verify
from deliberate.record import GENESIS, Entry, entry_hash, events_of
from deliberate.village import replay


@pytest.fixture(scope="module")
def chain() -> list[Entry]:
    v = Village()
    v.to_stage("m1", Stage.RESOLUTION_NOTICE)
    return list(v.ledger.entries())


def test_an_honest_chain_verifies_and_replays(chain):
    check = verify(chain)
    assert check.ok and check.head == chain[-1].checkpoint and check.first_bad is None
    assert replay(events_of(chain)).matters["m1"].stage is Stage.RESOLUTION_NOTICE
    lines = list(to_jsonl(chain))
    assert list(from_jsonl(lines)) == chain
    assert verify(from_jsonl(line + "\n" for line in lines)).ok


def _tamper_payload(entry: Entry) -> Entry:
    payload = json.loads(json.dumps(entry.payload))
    payload["sitting" if "sitting" in payload else "matter"] = "forged"
    return replace(entry, payload=payload)


@given(st.data())
def test_a_modified_entry_is_caught_at_its_height(chain, data):
    i = data.draw(st.integers(0, len(chain) - 1))
    forged = [*chain[:i], _tamper_payload(chain[i]), *chain[i + 1:]]
    check = verify(forged)
    assert not check.ok and check.first_bad == i + 1 and "changed" in check.reason


@given(st.data())
def test_a_modified_entry_with_a_recomputed_hash_is_caught_at_the_next(chain, data):
    i = data.draw(st.integers(0, len(chain) - 2))
    e = _tamper_payload(chain[i])
    e = replace(e, hash=entry_hash(e.height, e.parent_hash, e.type, e.payload, e.time))
    check = verify([*chain[:i], e, *chain[i + 1:]])
    # The next entry no longer names it as its parent; if what it now says contradicts the votes
    # before it (a ballot or a count changed), the audit refuses the entry itself.
    assert not check.ok and (check.first_bad == i + 2 or (check.first_bad == i + 1 and "vote" in check.reason))


@given(st.data())
def test_a_removed_entry_is_caught(chain, data):
    i = data.draw(st.integers(0, len(chain) - 2))
    check = verify(chain[:i] + chain[i + 1:])
    assert not check.ok and check.first_bad == i + 1


@given(st.data())
def test_an_inserted_entry_is_caught(chain, data):
    i = data.draw(st.integers(0, len(chain) - 1))
    k = data.draw(st.integers(0, len(chain) - 1))
    check = verify([*chain[:i], chain[k], *chain[i:]])
    # A copy of the very entry that stands there is the genuine one; the break is just after it.
    assert not check.ok and check.first_bad == (i + 2 if k == i else i + 1)


@given(st.data())
def test_reordered_entries_are_caught(chain, data):
    i = data.draw(st.integers(0, len(chain) - 2))
    j = data.draw(st.integers(i + 1, len(chain) - 1))
    swapped = list(chain)
    swapped[i], swapped[j] = swapped[j], swapped[i]
    check = verify(swapped)
    assert not check.ok and check.first_bad == i + 1


def test_a_rewritten_history_is_caught_by_a_printed_checkpoint(chain):
    printed = chain[10].checkpoint
    assert verify(chain, printed).ok
    # A forger rewrites entry 5 and recomputes every hash after it: the chain is consistent...
    forged, head = [], GENESIS
    for e in chain:
        if e.height == 5:
            e = _tamper_payload(e)
        e = replace(e, parent_hash=head.hash)
        e = replace(e, hash=entry_hash(e.height, e.parent_hash, e.type, e.payload, e.time))
        forged.append(e)
        head = e.checkpoint
    assert verify(forged).ok
    # ...but not with what was printed on the notice.
    check = verify(forged, printed)
    assert not check.ok and check.first_bad == 11
    truncated = verify(chain[:5], printed)
    assert not truncated.ok and truncated.first_bad == 6 and "before the checkpoint" in truncated.reason
    with pytest.raises(ChainBroken) as info:
        check.raise_if_broken()
    assert info.value.height == 11


def test_checkpoint_text_round_trips(chain):
    cp = chain[-1].checkpoint
    assert Checkpoint.parse(str(cp)) == cp
    with pytest.raises(MalformedEntry):
        Checkpoint.parse("12:abc")


@pytest.mark.parametrize(("line", "detail"), [
    ("not json", "Expecting value"),
    ("[1, 2]", "fields"),
    ('{"height": 1}', "fields"),
    ('{"height": 1.5, "parent_hash": "0", "type": "x", "payload": {}, "time": "t", "hash": "h"}', "float"),
    ('{"height": "1", "parent_hash": "0", "type": "x", "payload": {}, "time": "t", "hash": "h"}', "height"),
    ('{"height": 1, "parent_hash": "0", "type": "x", "payload": [], "time": "t", "hash": "h"}', "payload"),
    ('{"height": 1, "parent_hash": "0", "type": "x", "payload": {"a": NaN}, "time": "t", "hash": "h"}', "NaN"),
])
def test_malformed_lines_name_their_line(line, detail):
    with pytest.raises(MalformedEntry) as info:
        list(from_jsonl(["", line]))
    assert "第2行" in str(info.value) and detail in str(info.value)


def test_an_entry_of_an_unknown_type_or_shape_is_refused(chain):
    bad = replace(chain[0], type="coup_detat")
    with pytest.raises(MalformedEntry):
        list(events_of([bad]))
    bad = replace(chain[0], payload={**chain[0].payload, "extra": 1})
    with pytest.raises(MalformedEntry):
        list(events_of([bad]))
    bad = replace(chain[0], payload={**chain[0].payload, "title": 7})
    with pytest.raises(MalformedEntry):
        list(events_of([bad]))
