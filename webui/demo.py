"""The demo: a village with its record, a sitting ready to run, and a login for every role."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from deliberate.usecases import SqlRepository, accounts, demo

from .auth import add_account

__all__ = ["DEMO_ACCOUNTS", "DEMO_PASSWORD", "ensure_demo"]

DEMO_PASSWORD = "demo1234"
# username, roles, display name, roster person (tellers act under their own names)
DEMO_ACCOUNTS = (
    ("admin", {"admin"}, "管理员", None),
    ("chair", {"chair"}, "主持人（陈建国）", "p0001"),
    ("clerk", {"clerk"}, "村委文书", "p0002"),
    ("counter", {"counter"}, "计票人", "p0009"),
    ("scrutineer", {"scrutineer"}, "监票人", "p0010"),
    ("supervisor", {"supervisor"}, "村务监督委员会", "p0011"),
)


def ensure_demo(store: SqlRepository, now: datetime | None = None) -> bool:
    """Install the demo village and its accounts, but only into a database that is empty or
    already the demo's: a real village's database never gets accounts with a published password.
    Existing accounts are left alone. Returns whether the demo is there."""
    villages = {v for v, _ in store.villages()}
    if villages - {"demo"}:
        return False
    demo.install_demo(store, now or datetime.now(timezone(timedelta(hours=8))))
    existing = accounts.usernames(store)
    for username, roles, name, person in DEMO_ACCOUNTS:
        if username not in existing:
            add_account(store, username, DEMO_PASSWORD, roles, name, village="demo",
                        person=person)
    return True

