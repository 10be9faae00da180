"""Run the hall: ``python -m webui`` serves the 议事厅 so that villagers' phones on the hall's
Wi-Fi, or on the laptop's own hotspot, reach it.

It listens on every network of this computer (``--host``, default 0.0.0.0) with waitress, a
production WSGI server that runs on Windows, macOS and Linux alike (the development server is
not used). It finds the address phones should open without sending a packet (webui.hallnet) and
makes it the site's public address, so that every QR code and absolute link carries it and a
request's ``Host`` header never does; ``--url`` (or ``DELIBERATE_PUBLIC_URL``) gives it instead.
It prints that address with its QR code, warns when phones cannot open it, and watches it: when
it changes mid-sitting, new links follow and the console says so. The demo village is installed
into an empty database (``--no-demo``: never).

A county server serves ``webui:create_app()`` with gunicorn behind HTTPS instead: see
docs/deployment.md. Voters' links never reach either server's logs (webui.logprivacy).
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from collections.abc import Sequence
from typing import Any

from . import create_app
from .address import PUBLIC_URL_ENV, parse_public_url
from .demo import DEMO_ACCOUNTS, DEMO_PASSWORD, ensure_demo
from .hallnet import (
    console_qr,
    console_style,
    hall_url,
    is_loopback_host,
    is_wildcard,
    lan_addresses,
    problem_with,
)
from .i18n import WORDS
from .qr import print_qr

__all__ = ["main"]

# How often the watcher looks at the address (a few sockets, no packet).
WATCH_SECONDS = 5.0


def _options(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m webui", description="议事厅 — the hall, served to the "
                                     "phones on this computer's network (docs/deployment.md)")
    parser.add_argument("--host", default="0.0.0.0",
                        help="where to listen: 0.0.0.0 (default) every network of this computer; "
                             "127.0.0.1 this computer only (phones cannot connect)")
    parser.add_argument("--port", type=int, default=8000, help="the port (default 8000)")
    parser.add_argument("--url", default=None,
                        help=f"the address phones open, e.g. http://192.168.137.1:8000 (default: "
                             f"${PUBLIC_URL_ENV}, else found from this computer's network)")
    parser.add_argument("--threads", type=int, default=8, help="worker threads (default 8)")
    parser.add_argument("--no-demo", action="store_true", help="do not install the demo village")
    return parser.parse_args(argv)


def _say(key: str, **fields: Any) -> None:
    """A console message: Simplified Chinese, then English."""
    print(WORDS.text(key, "zh_Hans", **fields))
    print("  " + WORDS.text(key, "en", **fields))


def _warn(problem: str, address: str) -> None:
    print()
    print("!! " + WORDS.text("phones_warning", "zh_Hans") + " / " + WORDS.text("phones_warning", "en"))
    _say(problem, address=address)


def _show_qr(url: str) -> None:
    style = console_style(sys.stdout)
    try:
        if style is None:  # pragma: no cover - an old Windows console
            print_qr(url)
        else:
            sys.stdout.write(console_qr(url, style))
    except UnicodeEncodeError:  # a console that cannot show blocks: the address above will do
        pass


def _phones_url(args: argparse.Namespace) -> tuple[str | None, tuple[str, ...]]:
    """The address phones open (None: this computer has none), and the others it has."""
    given = args.url or os.environ.get(PUBLIC_URL_ENV)
    if given:
        try:
            return parse_public_url(given), ()
        except ValueError as bad:
            _say("console_bad_url", reason=str(bad))
            raise SystemExit(2) from None
    if not is_wildcard(args.host):
        return hall_url(args.host.strip("[]"), args.port), ()
    found = lan_addresses()
    urls = tuple(hall_url(address, args.port) for address in found)
    return (urls[0] if urls else None), urls[1:]


def _install_demo(app: Any) -> bool | None:
    try:
        return ensure_demo(app.extensions["deliberate"])
    except Exception as failed:
        # E.g. a record that fails its check: serve anyway, so that every page shows the
        # integrity alarm rather than nothing at all.
        print(f"示范数据未能安装 / the demo could not be installed: {failed}".strip())
        return None


def _banner(args: argparse.Namespace, url: str | None, others: tuple[str, ...], demo: bool | None) -> None:
    print(WORDS.text("console_started", "zh_Hans") + " / " + WORDS.text("console_started", "en"))
    problem = problem_with(url)
    if url and problem is None:
        _say("console_phones", url=url + "/")
        _show_qr(url + "/")
    if others:
        _say("console_others", urls="  ".join(u + "/" for u in others))
    if is_wildcard(args.host) or is_loopback_host(args.host):
        _say("console_here", url=hall_url("127.0.0.1", args.port) + "/")
    if is_loopback_host(args.host):
        _warn("phones_listen_local", url or "")  # whatever the address, nothing from outside gets in
    elif problem is not None:
        _warn(problem, url or "")
    if demo:
        print(f"演示账号 / demo logins (password {DEMO_PASSWORD}): "
              + ", ".join(username for username, *_ in DEMO_ACCOUNTS))
        if not is_loopback_host(args.host):
            _say("console_demo_open")
    elif demo is False:
        print("此数据库已有村庄，未安装示范数据 / this database holds villages: no demo installed")
    _say("console_stop")


def _watch(app: Any, port: int, stop: threading.Event) -> None:
    """Follow the laptop's address: links, QR codes and the projector use the new one; the
    console says what changed and shows the new code."""
    current = app.config["PUBLIC_URL"]
    while not stop.wait(WATCH_SECONDS):
        found = lan_addresses()
        new = hall_url(found[0], port) if found else hall_url("127.0.0.1", port)
        if new == current:
            continue
        app.config["PUBLIC_URL"] = new  # one assignment: a request sees the old address or the new
        print()
        _say("console_changed", old=current, new=new)
        if found:
            _show_qr(new + "/")
        else:
            _warn("phones_no_address", new)
        current = new


def main(argv: Sequence[str] | None = None) -> None:
    if hasattr(sys.stdout, "reconfigure"):
        # Lines reach a log or a pipe at once; a console that cannot show a character gets "?".
        sys.stdout.reconfigure(line_buffering=True, errors="replace")
    args = _options(argv)
    url, others = _phones_url(args)
    detected = not (args.url or os.environ.get(PUBLIC_URL_ENV)) and is_wildcard(args.host)
    # Hall mode always has a public address, so a request's Host never chooses a link: with no
    # network yet, it is this computer's own (and every page that shows it warns) until one comes.
    app = create_app({"PUBLIC_URL": url or hall_url("127.0.0.1", args.port), "LISTEN_HOST": args.host})
    demo = False if args.no_demo else _install_demo(app)

    from waitress import create_server

    try:
        # connection_limit: many phones at once (below Windows' 512 sockets for select());
        # channel_timeout: a phone that went quiet frees its connection within a minute.
        server = create_server(app, host=args.host, port=args.port, threads=args.threads, connection_limit=500,
                               channel_timeout=60, asyncore_use_poll=True, ident="deliberate")
    except OSError as busy:
        _say("console_port_busy", port=args.port, reason=busy.strerror or str(busy))
        raise SystemExit(2) from None
    _banner(args, url, others, demo)
    stop = threading.Event()
    if detected:
        threading.Thread(target=_watch, args=(app, args.port, stop), daemon=True, name="hall-address").start()
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.close()


if __name__ == "__main__":
    main()
