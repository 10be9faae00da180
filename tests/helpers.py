"""The test driver: deliberate.demo.Driver on the tests' small village."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from deliberate import Ledger
from deliberate.demo import DEMO_CONTACTS, Driver
from deliberate.testing import sample_roster

CST = timezone(timedelta(hours=8))
START = datetime(2026, 3, 2, 9, 0, tzinfo=CST)
ON = START.date()
ROSTER = sample_roster(adults=60, households=20, on=ON, party_full=12, party_probationary=2,
                       branch=5, village_committee=5, overlap=2, supervisory=3,
                       representatives=10)
CONTACTS = DEMO_CONTACTS


class Village(Driver):
    """A ledger (in memory, or on the repository given) for the tests' village."""

    def __init__(self, village: str = "v", repository=None) -> None:
        super().__init__(Ledger(village, repository), ROSTER, START)
