"""The store's tables (SQLModel): the log, the ballot box, the ballot projection, and the roster.

- ``village``: one row per village and the head of its chain; the row every append updates, so
  appends to one village are serialised on it (``revision`` is the optimistic lock).
- ``log_entry``: the hash chain, insert-only (database triggers refuse UPDATE and DELETE).
- ``ballot_box``: secret ballots of open votes, kept apart from the chain and from voters: one row
  per vote whose text, sorted by receipt, every ballot rewrites whole; no time, no sequence, no
  order of arrival (see :mod:`deliberate.store.box`). Emptied when the vote closes (its
  closing entry publishes the receipts). ``sealed_count``: a secret vote's card count until the close.
- the one projection, ``ballot``: one row per person per vote, written in the same transaction as
  the append and rebuildable from the log at any time (``deliberate.store.projections.rebuild``);
  its key is the second guard, after the core, of one person one ballot. Pages, the API and the
  command line read the village's state, not tables: the seven other projections (``matter``,
  ``sitting``, ``attendance``, ``vote_result``, ``notice``, ``objection``, ``progress``) had no
  reader and migration 0007 dropped them.
- personal data kept out of the public log: ``personal`` (who lodged an objection or a submission
  and how to reach them) and ``attachment_file`` (the files progress entries name by SHA-256).
- officials: ``account`` and their ``login_session`` (one row per login, so logging out ends it on
  the server).
- ``attempt``: recent attempts at what is limited — logins, villagers' public forms, codes typed on
  a voter's page — by kind, subject and address (:mod:`deliberate.store.limits`).
- roster: ``household``, ``person``, ``party_membership``, ``seat``, ``representation``,
  ``kinship`` — what ``deliberate roster import`` writes; ``roster_key``, the key a village's
  derived person and household ids are made under, and ``roster_draft``, a roster previewed on the
  admin page and waiting for its confirmation. No table holds an identity number.
- voter cards: ``voter_card`` (a villager's durable card, by the HMAC of its code) and
  ``card_phone`` (the phone bound to a card for one sitting, by the HMAC of its cookie).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, LargeBinary, PrimaryKeyConstraint, Text
from sqlmodel import Field, SQLModel

__all__ = [
    "AccountRow",
    "AttachmentFileRow",
    "AttemptRow",
    "BallotBoxRow",
    "BallotRow",
    "CardPhoneRow",
    "HouseholdRow",
    "KinshipRow",
    "LogEntryRow",
    "LoginSessionRow",
    "PartyMembershipRow",
    "PersonRow",
    "PersonalRow",
    "RepresentationRow",
    "RosterDraftRow",
    "RosterKeyRow",
    "SealedCountRow",
    "SeatRow",
    "VillageRow",
    "VoterCardRow",
    "metadata",
]

metadata = SQLModel.metadata
_GENESIS = "0" * 64


def _text() -> Column:
    return Column(Text, nullable=False)


class VillageRow(SQLModel, table=True):
    __tablename__ = "village"
    id: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=200)
    head_height: int = 0
    head_hash: str = Field(default=_GENESIS, max_length=64)
    revision: int = 0
    # How many times the ballot box was written: a worker whose cached box is older reads the
    # open votes' boxes again. A counter of writes, not a position: no ballot row carries it.
    box_version: int = 0
    settings: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    created_at: datetime


class LogEntryRow(SQLModel, table=True):
    __tablename__ = "log_entry"
    village: str = Field(foreign_key="village.id", primary_key=True, max_length=64)
    height: int = Field(primary_key=True)
    parent_hash: str = Field(max_length=64)
    type: str = Field(max_length=64)
    payload: str = Field(sa_column=_text())  # canonical JSON, exactly as hashed
    time: str = Field(max_length=40)
    hash: str = Field(max_length=64)


class BallotBoxRow(SQLModel, table=True):
    """The box of one open secret vote: one row, whose text lists the ballots — a line each of
    receipt, choice and change-code digest, tab-separated — sorted by receipt.

    Every ballot replaces the whole text, so the row depends only on which ballots are in the box:
    it carries one write's traces (its transaction id on PostgreSQL), the latest, which every
    ballot shares. A row per ballot would carry each ballot's own, matching its voter's
    ``took_part`` entry. On PostgreSQL the text is stored uncompressed (set by the migration):
    random receipts and digests barely compress, and a write costs less without.
    """

    __tablename__ = "ballot_box"
    __table_args__ = {"sqlite_with_rowid": False}
    village: str = Field(foreign_key="village.id", primary_key=True, max_length=64)
    sitting: str = Field(primary_key=True, max_length=200)
    vote: str = Field(primary_key=True, max_length=200)
    ballots: str = Field(default="", sa_column=_text())


class SealedCountRow(SQLModel, table=True):
    """A secret vote's card count, kept apart from the chain until the close (the chain has its
    seal; the closing entry publishes the count and its nonce)."""

    __tablename__ = "sealed_count"
    village: str = Field(foreign_key="village.id", primary_key=True, max_length=64)
    sitting: str = Field(primary_key=True, max_length=200)
    vote: str = Field(primary_key=True, max_length=200)
    tally: str = Field(max_length=200)  # canonical JSON of the Tally
    nonce: str = Field(max_length=128)


class BallotRow(SQLModel, table=True):
    """One row per person per vote; ``choice`` is NULL for a secret vote (only participation)."""

    __tablename__ = "ballot"
    # The key is the rule: one row per person per vote.
    __table_args__ = (PrimaryKeyConstraint("village", "sitting", "vote", "voter",
                                           name="one_ballot_per_person_per_vote"),)
    village: str = Field(foreign_key="village.id", max_length=64)
    sitting: str = Field(max_length=200)
    vote: str = Field(max_length=200)
    voter: str = Field(max_length=200)
    choice: str | None = Field(default=None, max_length=16)
    height: int  # the entry that recorded it last


class HouseholdRow(SQLModel, table=True):
    __tablename__ = "household"
    village: str = Field(foreign_key="village.id", primary_key=True, max_length=64)
    id: str = Field(primary_key=True, max_length=200)
    name: str = Field(max_length=200)
    group: str | None = Field(default=None, max_length=200)


class PersonRow(SQLModel, table=True):
    __tablename__ = "person"
    __table_args__ = (Index("person_household", "village", "household"),)
    village: str = Field(foreign_key="village.id", primary_key=True, max_length=64)
    id: str = Field(primary_key=True, max_length=200)
    name: str = Field(max_length=200)
    birth_date: date
    sex: str = Field(max_length=8)
    household: str = Field(max_length=200)
    group: str | None = Field(default=None, max_length=200)
    grid: str | None = Field(default=None, max_length=200)
    collective_member: bool = True
    full_capacity: bool = True
    left_on: date | None = None


class PartyMembershipRow(SQLModel, table=True):
    __tablename__ = "party_membership"
    village: str = Field(foreign_key="village.id", primary_key=True, max_length=64)
    person: str = Field(primary_key=True, max_length=200)
    admitted_on: date
    full_on: date | None = None
    left_on: date | None = None


class SeatRow(SQLModel, table=True):
    __tablename__ = "seat"
    village: str = Field(foreign_key="village.id", primary_key=True, max_length=64)
    person: str = Field(primary_key=True, max_length=200)
    committee: str = Field(primary_key=True, max_length=64)
    start: date = Field(primary_key=True)
    end: date | None = None
    role: str = Field(max_length=100)


class RepresentationRow(SQLModel, table=True):
    __tablename__ = "representation"
    village: str = Field(foreign_key="village.id", primary_key=True, max_length=64)
    person: str = Field(primary_key=True, max_length=200)
    start: date = Field(primary_key=True)
    end: date | None = None
    households: str = Field(sa_column=_text())  # JSON list
    group: str | None = Field(default=None, max_length=200)


class KinshipRow(SQLModel, table=True):
    __tablename__ = "kinship"
    village: str = Field(foreign_key="village.id", primary_key=True, max_length=64)
    a: str = Field(primary_key=True, max_length=200)
    b: str = Field(primary_key=True, max_length=200)
    relation: str = Field(max_length=32)


class RosterKeyRow(SQLModel, table=True):
    """The random key under which the ids of people and households a roster file does not number
    are derived (deliberate.store.roster_file.ids). Made with the first import that needs it; it
    never enters the record, so the ids in the record say nothing about the people they name."""

    __tablename__ = "roster_key"
    village: str = Field(foreign_key="village.id", primary_key=True, max_length=64)
    key: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class RosterDraftRow(SQLModel, table=True):
    """A roster file read and previewed on the admin page, waiting for the admin who uploaded it
    to confirm: the records the preview showed (JSON; never an identity number, which no record
    carries), imported as they are — the file is not read again. ``digest``: SHA-256 of
    ``payload``, which the confirmation names. Deleted when imported or discarded, replaced by
    the same admin's next upload, and purged an hour after it was made."""

    __tablename__ = "roster_draft"
    id: str = Field(primary_key=True, max_length=64)
    village: str = Field(foreign_key="village.id", index=True, max_length=64)
    owner: str = Field(max_length=100)
    digest: str = Field(max_length=64)
    payload: str = Field(sa_column=_text())
    created_at: datetime = Field(index=True)


class AccountRow(SQLModel, table=True):
    """An official's login. ``roles``: comma-separated — admin, chair, clerk, counter,
    scrutineer, supervisor. ``village`` None: a county-level account that serves every village."""

    __tablename__ = "account"
    username: str = Field(primary_key=True, max_length=100)
    village: str | None = Field(default=None, foreign_key="village.id", max_length=64)
    display_name: str = Field(max_length=200)
    password_hash: str = Field(max_length=300)
    roles: str = Field(max_length=200)
    person: str | None = Field(default=None, max_length=200)
    active: bool = True
    created_at: datetime


class LoginSessionRow(SQLModel, table=True):
    """One login: the browser's cookie holds a random token, this row its SHA-256. Logging out,
    a new password or deactivation deletes the row, and with it every copy of the cookie."""

    __tablename__ = "login_session"
    id: str = Field(primary_key=True, max_length=64)  # SHA-256 (hex) of the cookie's token
    username: str = Field(foreign_key="account.username", index=True, max_length=100)
    created_at: datetime
    expires_at: datetime = Field(index=True)


class AttemptRow(SQLModel, table=True):
    """A recent attempt at something limited (``kind``: ``login``, ``objection``, ``submission``,
    ``recover``), counted per (kind, subject, address) and per (kind, address) in every worker
    process alike; rows older than the kind's window are pruned as new ones of that kind arrive."""

    __tablename__ = "attempt"
    __table_args__ = (Index("attempt_address", "kind", "address", "subject", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32)
    subject: str = Field(max_length=100)  # a username, a voter link's digest, or "" for none
    address: str = Field(max_length=64)  # an IPv4 address, an IPv6 /64 network, or "" for any
    at: datetime = Field(index=True)


class PersonalRow(SQLModel, table=True):
    """Who lodged an objection or a submission, and how to reach them.

    Personal data: the public log must not carry it (anyone may download the log), so it lives
    here, readable by officials only. ``kind`` is ``objection`` (``ref`` = "matter/objection") or
    ``submission`` (``ref`` = the submission's id).
    """

    __tablename__ = "personal"
    village: str = Field(foreign_key="village.id", primary_key=True, max_length=64)
    kind: str = Field(primary_key=True, max_length=16)
    ref: str = Field(primary_key=True, max_length=400)
    name: str | None = Field(default=None, max_length=200)
    contact: str | None = Field(default=None, max_length=200)
    created_at: datetime


class AttachmentFileRow(SQLModel, table=True):
    """A file a progress entry names by SHA-256: the log holds the hash, this table the bytes, so
    anyone who downloads the file can check it against the published record."""

    __tablename__ = "attachment_file"
    village: str = Field(foreign_key="village.id", primary_key=True, max_length=64)
    sha256: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=500)
    media_type: str = Field(max_length=200)
    size: int
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime


class VoterCardRow(SQLModel, table=True):
    """A villager's durable voter card, serving sitting after sitting: only the HMAC of its code
    (keyed by the site's secret, which is not in the database), never the code, so whoever holds
    the database cannot make a card's link. ``revoked_at``: lost and replaced (the code is refused
    from then on, saying so). One current card per person per village."""

    __tablename__ = "voter_card"
    __table_args__ = (Index("ix_voter_card_person", "village", "person"),)
    id: str = Field(primary_key=True, max_length=32)
    village: str = Field(foreign_key="village.id", max_length=64)
    person: str = Field(max_length=200)
    digest: str = Field(max_length=64, unique=True)
    issued_at: datetime
    revoked_at: datetime | None = Field(default=None)


class CardPhoneRow(SQLModel, table=True):
    """The phone a card was first opened on after its holder's check-in, for one sitting: the
    HMAC of the phone's random cookie, never the cookie. A second phone is refused until the
    clerk deletes this row (releasing the card)."""

    __tablename__ = "card_phone"
    village: str = Field(foreign_key="village.id", primary_key=True, max_length=64)
    sitting: str = Field(primary_key=True, max_length=200)
    person: str = Field(primary_key=True, max_length=200)
    card: str = Field(foreign_key="voter_card.id", max_length=32)
    phone: str = Field(max_length=64)
    bound_at: datetime
