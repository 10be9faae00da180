"""Voter cards, through their use cases (no Flask): issuing, check-in by card, opening on a phone,
the one-phone binding and its release, revoking a lost card — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from deliberate.errors import NotFound
from deliberate.tally import Choice
from deliberate.usecases import ballot, cards, demo, hall, open_store
from deliberate.usecases.cards import CardRefusal

CST = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 24, 9, tzinfo=CST)
KEY = b"site secret for the tests"


@pytest.fixture
def store(store_url):
    found = open_store(store_url)
    demo.install_demo(found, NOW, secret=b"cards")
    return found


def _voter(store, n=0):
    return sorted(hall.hall_view(store, "demo", "live", teller=False).sitting.roster.voters)[n]


def _card(store, person):
    (issued,) = cards.issue_cards(store, KEY, "demo", [person], NOW)
    return issued


def test_a_code_is_sixteen_unambiguous_signs_read_in_four_groups(store):
    issued = _card(store, _voter(store))
    assert len(issued.raw) == 16 and set(issued.raw) <= set(cards.ALPHABET)
    assert not set("01OI") & set(cards.ALPHABET) and len(cards.ALPHABET) == 32
    assert issued.code.count("-") == 3 and all(len(g) == 4 for g in issued.code.split("-"))
    assert issued.village_name == "示范村" and issued.name
    # Scanned or typed as people do: lower case, spaces, dashes, or the whole URL of the QR code.
    for typed in (issued.raw.lower(), " ".join(issued.code.split("-")), f"http://h/card#{issued.code}"):
        assert cards.card_code(typed) == issued.raw
    assert cards.card_code(issued.raw[:15]) is None and cards.card_code("O" * 16) is None


def test_missing_cards_go_to_every_adult_once(store):
    made = cards.issue_missing_cards(store, KEY, "demo", NOW)
    assert len(made) == 320  # the demo's adults
    assert len({c.raw for c in made}) == 320
    assert cards.issue_missing_cards(store, KEY, "demo", NOW) == []  # a second run makes none
    holders = cards.card_holders(store, "demo", NOW)
    assert len(holders) == 320 and all(h.issued_at is not None and h.revoked == 0 for h in holders)


def test_a_card_works_only_after_check_in_and_serves_the_voting_page(store):
    person = _voter(store)
    issued = _card(store, person)
    refused = cards.open_card(store, KEY, issued.raw, None, NOW)
    assert refused.refusal is CardRefusal.NOT_CHECKED_IN and refused.phone is None
    done = cards.check_in_by_card(store, KEY, "demo", "live", f"http://h/card#{issued.code}", NOW)
    assert done.refusal is None and done.checked.person == person
    opened = cards.open_card(store, KEY, issued.raw, None, NOW)
    assert (opened.refusal, opened.village, opened.sitting, opened.person) == (None, "demo", "live", person)
    assert opened.phone and cards.phone_may_vote(store, KEY, "demo", "live", person, opened.phone)
    again = cards.open_card(store, KEY, issued.raw, opened.phone, NOW)  # the same phone, later
    assert again.refusal is None and again.phone is None  # its cookie stays as it is
    # The card's holder votes like any voter of the sitting.
    for other in sorted(hall.hall_view(store, "demo", "live", teller=False).sitting.roster.voters)[1:25]:
        hall.check_in(store, "demo", "live", other, NOW)
    hall.open_sitting(store, "demo", "live", "p0001", NOW)
    hall.open_vote(store, "demo", "live", "channel", "同意修建水渠", False, NOW)
    assert ballot.cast_ballot(store, "demo", "live", person, "v1", Choice.APPROVE, None, NOW).fresh is None
    assert ballot.voter_page(store, "demo", "live", person).recorded is Choice.APPROVE


def test_a_second_phone_is_refused_until_the_clerk_releases_the_card(store):
    person = _voter(store)
    issued = _card(store, person)
    cards.check_in_by_card(store, KEY, "demo", "live", issued.raw, NOW)
    first = cards.open_card(store, KEY, issued.raw, None, NOW).phone
    second = cards.open_card(store, KEY, issued.raw, None, NOW)
    assert second.refusal is CardRefusal.OTHER_PHONE and second.phone is None
    name, was_bound = cards.release_phone(store, "demo", "live", person)
    assert was_bound and name
    assert not cards.phone_may_vote(store, KEY, "demo", "live", person, first)
    moved = cards.open_card(store, KEY, issued.raw, None, NOW)
    assert moved.refusal is None and cards.phone_may_vote(store, KEY, "demo", "live", person, moved.phone)
    assert cards.open_card(store, KEY, issued.raw, first, NOW).refusal is CardRefusal.OTHER_PHONE
    assert cards.release_phone(store, "demo", "live", "没有这个人") is None


def test_a_lost_card_is_revoked_by_its_replacement(store):
    person = _voter(store)
    old = _card(store, person)
    cards.check_in_by_card(store, KEY, "demo", "live", old.raw, NOW)
    phone = cards.open_card(store, KEY, old.raw, None, NOW).phone
    new = _card(store, person)
    assert new.raw != old.raw
    assert cards.open_card(store, KEY, old.raw, None, NOW).refusal is CardRefusal.REVOKED
    assert not cards.phone_may_vote(store, KEY, "demo", "live", person, phone)  # the finder's phone
    at_door = cards.check_in_by_card(store, KEY, "demo", "live", old.raw, NOW)
    assert at_door.refusal is CardRefusal.REVOKED and at_door.holder == new.name
    assert cards.open_card(store, KEY, new.raw, phone, NOW).refusal is None  # the holder's own phone again
    holder = next(h for h in cards.card_holders(store, "demo", NOW) if h.person == person)
    assert holder.revoked == 1 and holder.issued_at is not None


def test_unknown_and_other_villages_cards_are_named_at_the_door(store):
    demo.install_demo(store, NOW, village="east", name="东村", secret=b"east")
    theirs = cards.issue_cards(store, KEY, "east", ["p0005"], NOW)[0]
    done = cards.check_in_by_card(store, KEY, "demo", "live", theirs.raw, NOW)
    assert done.refusal is CardRefusal.OTHER_VILLAGE and done.village_name == "东村" and done.checked is None
    assert cards.check_in_by_card(store, KEY, "demo", "live", "ABCD" * 4, NOW).refusal is CardRefusal.UNKNOWN
    assert cards.check_in_by_card(store, KEY, "demo", "live", "not a card", NOW).refusal is CardRefusal.UNKNOWN
    assert cards.open_card(store, KEY, None, None, NOW).refusal is CardRefusal.UNKNOWN


def test_issuing_for_someone_not_in_the_roster_is_refused(store):
    with pytest.raises(NotFound):
        cards.issue_cards(store, KEY, "demo", ["nobody"], NOW)
    assert cards.card_holders(store, "demo", NOW)[0].issued_at is None


def test_a_closed_sitting_opens_no_card(store):
    person = _voter(store)
    issued = _card(store, person)
    cards.check_in_by_card(store, KEY, "demo", "live", issued.raw, NOW)
    hall.open_sitting(store, "demo", "live", "p0001", NOW)
    hall.close_sitting(store, "demo", "live", NOW)
    assert cards.open_card(store, KEY, issued.raw, None, NOW).refusal is CardRefusal.NO_SITTING
