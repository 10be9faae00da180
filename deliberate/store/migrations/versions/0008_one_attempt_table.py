"""one table of attempts for every limit: logins, villagers' public forms, typed ballot codes

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 10:00:00

``login_attempt`` becomes ``attempt`` with a ``kind`` (``login`` for the rows it held) and a
``subject`` (the username). The limits on the villagers' public forms and on the codes typed on a
voter's page, kept until now in each worker's memory, count here too (see
:mod:`deliberate.store.limits`). The downgrade keeps the login rows and drops the others.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

_S = sqlmodel.sql.sqltypes.AutoString
_TIME = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table('attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', _S(length=32), nullable=False),
    sa.Column('subject', _S(length=100), nullable=False),
    sa.Column('address', _S(length=64), nullable=False),
    sa.Column('at', _TIME(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_attempt_at'), 'attempt', ['at'], unique=False)
    op.create_index('attempt_address', 'attempt', ['kind', 'address', 'subject', 'at'], unique=False)
    op.execute("INSERT INTO attempt (kind, subject, address, at) "
               "SELECT 'login', username, address, at FROM login_attempt")
    op.drop_index('login_attempt_address', table_name='login_attempt')
    op.drop_index(op.f('ix_login_attempt_at'), table_name='login_attempt')
    op.drop_table('login_attempt')


def downgrade() -> None:
    op.create_table('login_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', _S(length=100), nullable=False),
    sa.Column('address', _S(length=64), nullable=False),
    sa.Column('at', _TIME(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_login_attempt_at'), 'login_attempt', ['at'], unique=False)
    op.create_index('login_attempt_address', 'login_attempt', ['address', 'username', 'at'], unique=False)
    op.execute("INSERT INTO login_attempt (username, address, at) "
               "SELECT subject, address, at FROM attempt WHERE kind = 'login'")
    op.drop_index('attempt_address', table_name='attempt')
    op.drop_index(op.f('ix_attempt_at'), table_name='attempt')
    op.drop_table('attempt')
