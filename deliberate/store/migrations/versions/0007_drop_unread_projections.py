"""drop the projections nothing read: matter, sitting, attendance, vote_result, notice, objection, progress

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 10:00:00

Seven of the eight projection tables were written with every append and read by nothing but
tests: pages, the HTTP API and the command line read the village's state, which the store caches
and catches up from the log. They go; ``ballot`` stays (its key is the database's guard of one
person one ballot). Everything they held is in the log. The downgrade creates them again, empty:
``deliberate db rebuild`` of the version before fills them from the log.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

_S = sqlmodel.sql.sqltypes.AutoString
_TIME = sqlmodel.sql.sqltypes.UTCDateTime
# Each table's indexes, dropped before it and created again after it.
_INDEXES = {"matter": ("ix_matter_stage", ["stage"]), "vote_result": ("ix_vote_result_matter", ["matter"])}
_DROPPED = ("attendance", "matter", "notice", "objection", "progress", "sitting", "vote_result")


def upgrade() -> None:
    for table in _DROPPED:
        if table in _INDEXES:
            with op.batch_alter_table(table, schema=None) as batch_op:
                batch_op.drop_index(_INDEXES[table][0])
        op.drop_table(table)


def downgrade() -> None:
    op.create_table('attendance',
    sa.Column('village', _S(length=64), nullable=False),
    sa.Column('sitting', _S(length=200), nullable=False),
    sa.Column('person', _S(length=200), nullable=False),
    sa.Column('household', _S(length=200), nullable=True),
    sa.Column('since', _S(length=40), nullable=False),
    sa.ForeignKeyConstraint(['village'], ['village.id'], ),
    sa.PrimaryKeyConstraint('village', 'sitting', 'person')
    )
    op.create_table('matter',
    sa.Column('village', _S(length=64), nullable=False),
    sa.Column('id', _S(length=200), nullable=False),
    sa.Column('title', _S(length=500), nullable=False),
    sa.Column('stage', _S(length=32), nullable=False),
    sa.Column('procedure', _S(length=100), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=True),
    sa.Column('spent', sa.Integer(), nullable=False),
    sa.Column('raised_by', _S(length=200), nullable=False),
    sa.ForeignKeyConstraint(['village'], ['village.id'], ),
    sa.PrimaryKeyConstraint('village', 'id')
    )
    op.create_table('notice',
    sa.Column('village', _S(length=64), nullable=False),
    sa.Column('matter', _S(length=200), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('stage', _S(length=32), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('contacts', sa.Text(), nullable=False),
    sa.Column('issued_by', _S(length=500), nullable=False),
    sa.ForeignKeyConstraint(['village'], ['village.id'], ),
    sa.PrimaryKeyConstraint('village', 'matter', 'number')
    )
    op.create_table('objection',
    sa.Column('village', _S(length=64), nullable=False),
    sa.Column('matter', _S(length=200), nullable=False),
    sa.Column('id', _S(length=200), nullable=False),
    sa.Column('notice', sa.Integer(), nullable=False),
    sa.Column('lodged_on', sa.Date(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('answered_on', sa.Date(), nullable=True),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('upheld', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['village'], ['village.id'], ),
    sa.PrimaryKeyConstraint('village', 'matter', 'id')
    )
    op.create_table('progress',
    sa.Column('village', _S(length=64), nullable=False),
    sa.Column('matter', _S(length=200), nullable=False),
    sa.Column('entry', _S(length=200), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('spent', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['village'], ['village.id'], ),
    sa.PrimaryKeyConstraint('village', 'matter', 'entry')
    )
    op.create_table('sitting',
    sa.Column('village', _S(length=64), nullable=False),
    sa.Column('id', _S(length=200), nullable=False),
    sa.Column('body', _S(length=64), nullable=False),
    sa.Column('rule', _S(length=200), nullable=False),
    sa.Column('state', _S(length=32), nullable=False),
    sa.Column('scheduled_for', _TIME(), nullable=False),
    sa.Column('place', _S(length=500), nullable=False),
    sa.Column('agenda', sa.Text(), nullable=False),
    sa.Column('expected', sa.Integer(), nullable=False),
    sa.Column('present', sa.Integer(), nullable=False),
    sa.Column('open_vote', _S(length=200), nullable=True),
    sa.ForeignKeyConstraint(['village'], ['village.id'], ),
    sa.PrimaryKeyConstraint('village', 'id')
    )
    op.create_table('vote_result',
    sa.Column('village', _S(length=64), nullable=False),
    sa.Column('sitting', _S(length=200), nullable=False),
    sa.Column('vote', _S(length=200), nullable=False),
    sa.Column('matter', _S(length=200), nullable=False),
    sa.Column('stage', _S(length=32), nullable=False),
    sa.Column('body', _S(length=64), nullable=False),
    sa.Column('rule', _S(length=200), nullable=False),
    sa.Column('motion', sa.Text(), nullable=False),
    sa.Column('secret', sa.Boolean(), nullable=False),
    sa.Column('expected', sa.Integer(), nullable=False),
    sa.Column('present', sa.Integer(), nullable=False),
    sa.Column('approve', sa.Integer(), nullable=False),
    sa.Column('oppose', sa.Integer(), nullable=False),
    sa.Column('abstain', sa.Integer(), nullable=False),
    sa.Column('cards_approve', sa.Integer(), nullable=True),
    sa.Column('cards_oppose', sa.Integer(), nullable=True),
    sa.Column('cards_abstain', sa.Integer(), nullable=True),
    sa.Column('quorate', sa.Boolean(), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('action', _S(length=32), nullable=False),
    sa.Column('opened_at', _TIME(), nullable=False),
    sa.Column('closed_at', _TIME(), nullable=False),
    sa.Column('receipts_digest', _S(length=64), nullable=True),
    sa.ForeignKeyConstraint(['village'], ['village.id'], ),
    sa.PrimaryKeyConstraint('village', 'sitting', 'vote')
    )
    for table, (name, columns) in _INDEXES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, columns, unique=False)
