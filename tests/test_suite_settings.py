"""What the test suite changes for its own speed stays out of production: the password hashes'
work factor (tests/conftest.py) and the demo village copied rather than installed for each test
(tests/helpers.py)."""

from __future__ import annotations

import subprocess
import sys

from helpers import demo_app
from werkzeug.security import check_password_hash

from deliberate import Ledger
from deliberate.usecases import accounts


def test_outside_the_suite_passwords_are_hashed_at_scrypts_full_work_factor():
    code = ("from webui.auth import PASSWORD_HASH_METHOD, hash_password\n"
            "print(PASSWORD_HASH_METHOD, hash_password('x').split('$')[0])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["scrypt", "scrypt:32768:8:1"]


def test_a_copied_demo_is_a_whole_demo_of_its_own(tmp_path):
    first, second = demo_app(tmp_path / "a.sqlite3"), demo_app(tmp_path / "b.sqlite3")
    one, two = (Ledger("demo", app.extensions["deliberate"]) for app in (first, second))
    assert one.checkpoint == two.checkpoint and "live" in one.state.sittings
    assert set(accounts.usernames(first.extensions["deliberate"])) >= {"admin", "chair", "clerk", "counter",
                                                                       "scrutineer", "supervisor"}
    chair = accounts.load_account(first.extensions["deliberate"], "chair")
    assert check_password_hash(chair.password_hash, "demo1234")
    # Each its own file: what one test writes, another never sees.
    from deliberate import commands as c
    one.handle(c.CheckIn("live", sorted(one.state.sittings["live"].roster.voters)[0]), one.state.last_at)
    assert Ledger("demo", second.extensions["deliberate"]).checkpoint == two.checkpoint != one.checkpoint
