"""a ballot box with no order: random slots, no time, no sequence; sealed card counts

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 13:40:00

The old box kept each secret ballot with its time and an arrival sequence, both of which matched
the voter's ``took_part`` entry: one join named every voter's choice. The new box holds, for each
open secret vote, slots made in random order when the vote opens; a ballot takes a random empty
slot and a change rewrites it in place. Nothing stored says when, or in which order, a slot was
taken. Ballots still in an old box (votes open during the upgrade) keep their latest choice; they
have no change code, so they can no longer be changed. Rows of closed votes are not carried over.
"""

import json
import secrets

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

_S = sqlmodel.sql.sqltypes.AutoString


def _new_box() -> None:
    op.create_table('ballot_box',
    sa.Column('village', _S(length=64), nullable=False),
    sa.Column('sitting', _S(length=200), nullable=False),
    sa.Column('vote', _S(length=200), nullable=False),
    sa.Column('slot', _S(length=32), nullable=False),
    sa.Column('receipt', _S(length=128), nullable=True),
    sa.Column('choice', _S(length=16), nullable=True),
    sa.Column('code_digest', _S(length=64), nullable=True),
    sa.ForeignKeyConstraint(['village'], ['village.id'], ),
    sa.PrimaryKeyConstraint('village', 'sitting', 'vote', 'slot'),
    sqlite_with_rowid=False,
    )
    if op.get_bind().dialect.name == "postgresql":
        # Room on each page for a ballot to rewrite its slot in place (a HOT update), so the heap
        # keeps the slots in the random order they were made in.
        op.execute("ALTER TABLE ballot_box SET (fillfactor = 50)")


def _closed_votes(bind) -> set[tuple[str, str, str]]:
    """(village, sitting, vote) of every closed vote: their ballots are in their closing entries."""
    closed = set()
    for village, payload in bind.execute(sa.text(
            "SELECT village, payload FROM log_entry WHERE type = 'vote_closed'")):
        data = json.loads(payload)
        closed.add((village, data["sitting"], data["vote"]))
    return closed


def upgrade() -> None:
    bind = op.get_bind()
    latest = bind.execute(sa.text(
        "SELECT village, sitting, vote, receipt, choice FROM ballot_box b WHERE seq = "
        "(SELECT MAX(seq) FROM ballot_box o WHERE o.village = b.village AND o.sitting = b.sitting "
        "AND o.vote = b.vote AND o.receipt = b.receipt)")).all()
    closed = _closed_votes(bind)
    op.drop_table('ballot_box')
    _new_box()
    # Only the ballots of votes still open; the store adds a slot when a vote that opened before
    # the upgrade (and so has no empty slots) receives its next ballot.
    rows = sorted(({"village": v, "sitting": s, "vote": vote, "slot": secrets.token_hex(16),
                    "receipt": r, "choice": ch} for v, s, vote, r, ch in latest
                   if (v, s, vote) not in closed),
                  key=lambda row: row["slot"])
    if rows:
        bind.execute(sa.text("INSERT INTO ballot_box (village, sitting, vote, slot, receipt, choice) "
                             "VALUES (:village, :sitting, :vote, :slot, :receipt, :choice)"), rows)
    op.create_table('sealed_count',
    sa.Column('village', _S(length=64), nullable=False),
    sa.Column('sitting', _S(length=200), nullable=False),
    sa.Column('vote', _S(length=200), nullable=False),
    sa.Column('tally', _S(length=200), nullable=False),
    sa.Column('nonce', _S(length=128), nullable=False),
    sa.ForeignKeyConstraint(['village'], ['village.id'], ),
    sa.PrimaryKeyConstraint('village', 'sitting', 'vote')
    )
    # A plain rename: a batch rebuild of ``village`` would drop a table other tables point at.
    op.execute("ALTER TABLE village RENAME COLUMN box_seq TO box_version")


def downgrade() -> None:
    op.execute("ALTER TABLE village RENAME COLUMN box_version TO box_seq")
    op.drop_table('sealed_count')
    bind = op.get_bind()
    kept = bind.execute(sa.text("SELECT village, sitting, vote, receipt, choice FROM ballot_box "
                                "WHERE receipt IS NOT NULL ORDER BY village, slot")).all()
    op.drop_table('ballot_box')
    op.create_table('ballot_box',
    sa.Column('village', _S(length=64), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('sitting', _S(length=200), nullable=False),
    sa.Column('vote', _S(length=200), nullable=False),
    sa.Column('receipt', _S(length=128), nullable=False),
    sa.Column('choice', _S(length=16), nullable=False),
    sa.Column('time', _S(length=40), nullable=False),
    sa.ForeignKeyConstraint(['village'], ['village.id'], ),
    sa.PrimaryKeyConstraint('village', 'seq')
    )
    if kept:
        bind.execute(sa.text("INSERT INTO ballot_box (village, seq, sitting, vote, receipt, choice, time) "
                             "VALUES (:v, :seq, :s, :vote, :r, :ch, '1970-01-01T00:00:00+00:00')"),
                     [{"v": v, "seq": i + 1, "s": s, "vote": vote, "r": r, "ch": ch}
                      for i, (v, s, vote, r, ch) in enumerate(kept)])
