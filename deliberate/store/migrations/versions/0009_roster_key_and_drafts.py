"""roster key and drafts

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 10:00:00

``roster_key``: the random key a village's derived person and household ids are made under, for
roster files without 编号 or 户号 (a household register, a voter list). ``roster_draft``: a roster
previewed on the admin page, waiting for its confirmation — the records the preview showed,
imported as they are. Neither holds an identity number. Nothing existing changes; the downgrade
drops both (ids already derived stay in the roster, but a later import of the same register would
derive new ones under a new key).
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

_S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table('roster_draft',
    sa.Column('id', _S(length=64), nullable=False),
    sa.Column('village', _S(length=64), nullable=False),
    sa.Column('owner', _S(length=100), nullable=False),
    sa.Column('digest', _S(length=64), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['village'], ['village.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('roster_draft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roster_draft_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_roster_draft_village'), ['village'], unique=False)
    op.create_table('roster_key',
    sa.Column('village', _S(length=64), nullable=False),
    sa.Column('key', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['village'], ['village.id'], ),
    sa.PrimaryKeyConstraint('village')
    )


def downgrade() -> None:
    op.drop_table('roster_key')
    with op.batch_alter_table('roster_draft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roster_draft_village'))
        batch_op.drop_index(batch_op.f('ix_roster_draft_created_at'))
    op.drop_table('roster_draft')
