"""a ballot box without history: one row per open secret vote, rewritten whole by every ballot

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 16:20:00

The box of 0005 kept a row per ballot. Its slots said nothing, but the database stamps each row
with what wrote it — PostgreSQL's transaction id, which the voter's ``took_part`` entry written in
the same transaction shares — so a copy taken while a vote was open could still join a ballot to
its voter until the box was next re-mixed. Now each open secret vote has one row whose text lists
its ballots sorted by receipt, and every ballot replaces the whole text: the row depends only on
which ballots the box holds. Ballots of open votes are carried over; open secret votes without a
ballot get an empty box.
"""

import json

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

_S = sqlmodel.sql.sqltypes.AutoString
# How the box's text marks a choice; change-code digests keep their first 128 bits, as the core
# now computes them (deliberate.state.change_code_digest).
_MARK = {"approve": "+", "oppose": "-", "abstain": "0"}


def _secret_votes(bind) -> tuple[set[tuple[str, str, str]], set[tuple[str, str, str]]]:
    """(village, sitting, vote) of the secret votes opened, and of every vote closed."""
    opened, closed = set(), set()
    for village, type_, payload in bind.execute(sa.text(
            "SELECT village, type, payload FROM log_entry WHERE type IN ('vote_opened', 'vote_closed')")):
        data = json.loads(payload)
        key = (village, data["sitting"], data["vote"])
        if type_ == "vote_closed":
            closed.add(key)
        elif data.get("secret"):
            opened.add(key)
    return opened, closed


def upgrade() -> None:
    bind = op.get_bind()
    opened, closed = _secret_votes(bind)
    boxes: dict[tuple[str, str, str], list[str]] = {key: [] for key in opened - closed}
    for village, sitting, vote, receipt, choice, digest in bind.execute(sa.text(
            "SELECT village, sitting, vote, receipt, choice, code_digest FROM ballot_box "
            "WHERE receipt IS NOT NULL")):
        if (village, sitting, vote) not in closed:
            boxes.setdefault((village, sitting, vote), []).append(
                f"{receipt}\t{_MARK[choice]}\t{(digest or '')[:32]}")
    op.drop_table('ballot_box')
    op.create_table('ballot_box',
    sa.Column('village', _S(length=64), nullable=False),
    sa.Column('sitting', _S(length=200), nullable=False),
    sa.Column('vote', _S(length=200), nullable=False),
    sa.Column('ballots', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['village'], ['village.id'], ),
    sa.PrimaryKeyConstraint('village', 'sitting', 'vote'),
    sqlite_with_rowid=False,
    )
    if bind.dialect.name == "postgresql":
        # Random receipts and digests barely compress; uncompressed, a ballot's write costs less.
        op.execute("ALTER TABLE ballot_box ALTER COLUMN ballots SET STORAGE EXTERNAL")
    if boxes:
        bind.execute(sa.text("INSERT INTO ballot_box (village, sitting, vote, ballots) "
                             "VALUES (:village, :sitting, :vote, :ballots)"),
                     [{"village": v, "sitting": s, "vote": vote, "ballots": "\n".join(sorted(lines))}
                      for (v, s, vote), lines in sorted(boxes.items())])


def downgrade() -> None:
    import secrets

    bind = op.get_bind()
    kept = bind.execute(sa.text("SELECT village, sitting, vote, ballots FROM ballot_box")).all()
    op.drop_table('ballot_box')
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
    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE ballot_box SET (fillfactor = 50)")
    rows = sorted(({"village": v, "sitting": s, "vote": vote, "slot": secrets.token_hex(16),
                    "receipt": receipt, "choice": {m: c for c, m in _MARK.items()}[mark],
                    "digest": digest or None}
                   for v, s, vote, text in kept if text
                   for receipt, mark, digest in (line.split("\t") for line in text.split("\n"))),
                  key=lambda row: row["slot"])
    if rows:
        bind.execute(sa.text("INSERT INTO ballot_box (village, sitting, vote, slot, receipt, choice, "
                             "code_digest) VALUES (:village, :sitting, :vote, :slot, :receipt, :choice, "
                             ":digest)"), rows)
