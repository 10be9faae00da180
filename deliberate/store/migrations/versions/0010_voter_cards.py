"""voter cards

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 10:00:00

``voter_card``: a villager's durable card, serving sitting after sitting, by the HMAC of its code
(keyed by the site's secret, never in the database) — never the code itself. ``card_phone``: the
phone a card is bound to for one sitting, by the HMAC of the phone's cookie. Nothing existing
changes; the downgrade drops both (every card printed stops working: the per-sitting links remain).
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

_S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table('voter_card',
    sa.Column('id', _S(length=32), nullable=False),
    sa.Column('village', _S(length=64), nullable=False),
    sa.Column('person', _S(length=200), nullable=False),
    sa.Column('digest', _S(length=64), nullable=False),
    sa.Column('issued_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['village'], ['village.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('digest')
    )
    with op.batch_alter_table('voter_card', schema=None) as batch_op:
        batch_op.create_index('ix_voter_card_person', ['village', 'person'], unique=False)
    op.create_table('card_phone',
    sa.Column('village', _S(length=64), nullable=False),
    sa.Column('sitting', _S(length=200), nullable=False),
    sa.Column('person', _S(length=200), nullable=False),
    sa.Column('card', _S(length=32), nullable=False),
    sa.Column('phone', _S(length=64), nullable=False),
    sa.Column('bound_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['card'], ['voter_card.id'], ),
    sa.ForeignKeyConstraint(['village'], ['village.id'], ),
    sa.PrimaryKeyConstraint('village', 'sitting', 'person')
    )


def downgrade() -> None:
    op.drop_table('card_phone')
    with op.batch_alter_table('voter_card', schema=None) as batch_op:
        batch_op.drop_index('ix_voter_card_person')
    op.drop_table('voter_card')
