"""The hall's network: the address phones should open, found without sending a packet, whether a
phone can open a given address at all, and an address as a QR code a console can show.

A laptop in a village hall is on the hall's Wi-Fi, or is itself the hotspot the phones join. Its
address on that network is what voters' cards, the printed notice and the projector must carry:
never 127.0.0.1 or ``localhost``, which on a phone means the phone itself.

:func:`lan_addresses` asks the operating system's routing table which local address it would
use to reach a few private networks. ``connect()`` on a UDP socket only chooses a route and a
source address: it sends no datagram and resolves no neighbour (no ARP), and nothing is ever
sent on the socket (tests/test_hallnet.py::test_finding_the_address_sends_no_packet counts the
packets on a private network interface around it). The host name is not resolved either, since
that may ask a DNS server or send multicast DNS.

Standard library and webui.qr only; no Flask, so the console can use it before the app exists.
"""

from __future__ import annotations

import ipaddress
import socket
import sys
from collections.abc import Callable, Iterable
from typing import TextIO
from urllib.parse import urlsplit

from .qr import console_qr

__all__ = [
    "HOTSPOT_ADDRESSES",
    "PROBES",
    "console_qr",
    "console_style",
    "hall_url",
    "is_loopback_host",
    "is_wildcard",
    "lan_addresses",
    "problem_with",
]

# Where the routing table is asked to send a datagram (none is sent): the first finds the
# default route's interface; the others, an interface on a private network that is not the
# default route — above all the laptop's own hotspot.
PROBES = (
    "10.254.254.254",    # the default route, unless 10/8 is on a local network (then that one)
    "192.168.137.254",   # Windows 移动热点 (Mobile Hotspot, Internet Connection Sharing)
    "192.168.2.254",     # macOS Internet Sharing
    "10.42.0.254",       # Linux NetworkManager hotspot
    "192.168.255.254",
    "172.31.255.254",
    "192.168.1.254",
    "192.168.0.254",
)

# The address the laptop has when it is the hotspot: phones joined to it reach it only there.
HOTSPOT_ADDRESSES = frozenset({"192.168.137.1", "192.168.2.1", "10.42.0.1"})

_WILDCARDS = frozenset({"", "0.0.0.0", "::", "*"})


def is_wildcard(host: str) -> bool:
    """Whether listening on ``host`` means every network of this computer."""
    return host.strip("[]") in _WILDCARDS


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` (a name or an address, IPv6 with or without brackets) is this computer
    only: 127.0.0.0/8, ::1 (also as ::ffff:127.x), ``localhost``."""
    host = host.strip("[]").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def _source_for(target: str) -> str | None:
    """The local address the routing table would use for ``target``; None without a route."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect((target, 9))  # UDP: chooses a route, sends nothing
            return probe.getsockname()[0]
        except OSError:
            return None


def _phone_reachable_ip(text: str) -> bool:
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return False
    return not (ip.is_loopback or ip.is_link_local or ip.is_unspecified or ip.is_multicast)


def lan_addresses(source_for: Callable[[str], str | None] = _source_for,
                  probes: Iterable[str] = PROBES) -> tuple[str, ...]:
    """This computer's IPv4 addresses that phones on a local network may reach, best first: the
    laptop's own hotspot, then the private addresses in the order the probes found them, then any
    other. Empty when there is no network. Sends nothing (see the module's docstring)."""
    found: list[str] = []
    for target in probes:
        address = source_for(target)
        if address and address not in found and _phone_reachable_ip(address):
            found.append(address)

    def rank(address: str) -> int:
        if address in HOTSPOT_ADDRESSES:
            return 0
        return 1 if ipaddress.ip_address(address).is_private else 2

    return tuple(sorted(found, key=rank))  # sorted() is stable: the probes' order within a rank


def hall_url(host: str, port: int, scheme: str = "http") -> str:
    """``scheme://host[:port]``, the port left out where it is the scheme's own."""
    shown = f"[{host}]" if ":" in host else host
    default = {"http": 80, "https": 443}.get(scheme)
    return f"{scheme}://{shown}" + ("" if port == default else f":{port}")


def problem_with(url: str | None) -> str | None:
    """Why a phone cannot open ``url``, as a message key of webui.i18n — or None when it may.

    ``phones_no_address``: there is none (this computer has no network); ``phones_loopback``:
    127.0.0.0/8, ::1 or ``localhost`` — on a phone that is the phone; ``phones_link_local``:
    169.254.0.0/16 or fe80::/10, an address a computer gives itself when no network gave it one;
    ``phones_unspecified``: 0.0.0.0 or ::, which is where to listen, not an address to open. A
    name is taken as reachable: resolving it here could send a DNS query."""
    if not url:
        return "phones_no_address"
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if not host:
        return "phones_no_address"
    if is_loopback_host(host):
        return "phones_loopback"
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_link_local:
        return "phones_link_local"
    if ip.is_unspecified:
        return "phones_unspecified"
    return None


# ANSI colours: bright white and black backgrounds (and foregrounds, for the compact style), so the
# code reads dark-on-light whatever the terminal's own colours are.
def _windows_ansi() -> bool:  # pragma: no cover - Windows only
    """Turn on the Windows console's ANSI colours (Windows 10 and later); whether that worked."""
    try:
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.GetStdHandle(-11)
        mode = ctypes.c_uint32()
        if not kernel32.GetConsoleMode(handle, ctypes.byref(mode)):
            return False
        return bool(kernel32.SetConsoleMode(handle, mode.value | 0x0004))  # ENABLE_VIRTUAL_TERMINAL_PROCESSING
    except (AttributeError, OSError):
        return False


def console_style(stream: TextIO) -> str | None:
    """The :func:`console_qr` style ``stream`` shows best; None: let webui.qr.print_qr draw it through the
    console's own API (an old Windows console without ANSI colours)."""
    if not stream.isatty():
        return "plain"
    if sys.platform == "win32":  # pragma: no cover - Windows only
        # Block elements may be drawn double width on a Chinese Windows console: spaces only.
        return "ansi" if _windows_ansi() else None
    return "ansi_compact"
