"""Every limit the web UI applies, through one mechanism counted in the database
(:mod:`deliberate.usecases.limits`), so every worker process counts alike and a restart forgets
nothing:

- a villager's public forms (objections, submissions): ``PUBLIC_POSTS_PER_HOUR`` from one address
  an hour — it stops a stuck button or a script from flooding the committee's queue, not a
  determined attacker with many addresses;
- the receipt and change code typed, or offered by a planted cookie, on one voter's page: 10 wrong
  ones an hour, so codes cannot be guessed by script (the row names the link only by a keyed
  digest);
- card codes that open no card (:mod:`webui.cards`): ``CARD_MISSES_PER_HOUR`` from one address an
  hour — a code has 80 random bits, so this only stops a script from trying codes at all;
- logins (:mod:`webui.auth`).

Addresses are counted as :func:`client_address` gives them. Behind a reverse proxy set
``DELIBERATE_PROXY_HOPS`` so the address counted is the villager's, not the proxy's
(docs/webui.md, "Production").
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from datetime import UTC, datetime

from flask import current_app, request

from deliberate.usecases import limits

__all__ = ["CARD_MISSES_PER_HOUR", "PER_HOUR", "RECOVER_PER_HOUR", "allow", "card_miss", "card_tries_allowed",
           "client_address", "per_hour", "recovery_allowed", "recovery_failed", "utc_now"]

PER_HOUR = 5  # the default; ``PUBLIC_POSTS_PER_HOUR`` in the app's config overrides it
RECOVER_PER_HOUR = 10  # typed-in receipt and change code, per voter link: no guessing by script
CARD_MISSES_PER_HOUR = 20  # card codes opening no card, per address (a hall's phones have their own)


def utc_now() -> datetime:
    """Now, for sessions and limits: the wall clock, or ``AUTH_CLOCK`` from the config (tests).
    Not the app's ``CLOCK``, which tests move by days while an official stays logged in."""
    clock = current_app.config.get("AUTH_CLOCK")
    return (clock() if clock is not None else datetime.now(UTC)).astimezone(UTC)


def client_address() -> str:
    """The address attempts are counted by: the IPv4 address, or the IPv6 /64 network — whoever
    holds one IPv6 address usually holds its whole /64, billions of them."""
    raw = request.remote_addr or "-"
    try:
        ip = ipaddress.ip_address(raw)
    except ValueError:
        return raw[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _store():  # type: ignore[no-untyped-def]
    return current_app.extensions["deliberate"]


def per_hour() -> int:
    return int(current_app.config.get("PUBLIC_POSTS_PER_HOUR", PER_HOUR))


def allow(form: str) -> bool:
    """Whether this request's address may post ``form`` once more this hour (and count it)."""
    return limits.try_once(_store(), form, "", client_address(), at=utc_now(),
                           limit=limits.Limit(limits.HOUR, per_hour()))


def _link(link: tuple[str, str, str]) -> str:
    # A keyed digest: the table of attempts does not say whose page tried codes, to someone
    # holding the database file without the app's secret key.
    key = current_app.config["SECRET_KEY"]
    return hmac.new(key.encode() if isinstance(key, str) else key, "/".join(link).encode(),
                    hashlib.sha256).hexdigest()


_RECOVER = limits.Limit(limits.HOUR, RECOVER_PER_HOUR)


def recovery_allowed(link: tuple[str, str, str]) -> bool:
    """Whether this voter link may still try codes this hour; nothing is counted."""
    return limits.within(_store(), "recover", _link(link), "", at=utc_now(), limit=_RECOVER)


def recovery_failed(link: tuple[str, str, str]) -> None:
    """Codes tried on this voter link opened no ballot: count it."""
    limits.try_once(_store(), "recover", _link(link), "", at=utc_now(), limit=_RECOVER)


_CARD = limits.Limit(limits.HOUR, CARD_MISSES_PER_HOUR)


def card_tries_allowed() -> bool:
    """Whether this address may still try a card code this hour; nothing is counted."""
    return limits.within(_store(), "card", "", client_address(), at=utc_now(), limit=_CARD)


def card_miss() -> None:
    """A card code from this address opened no card: count it."""
    limits.try_once(_store(), "card", "", client_address(), at=utc_now(), limit=_CARD)
