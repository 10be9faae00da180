"""login limits and sessions

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 13:30:00.000000

``login_attempt``: recent logins by username and address, so every worker process counts the same
failures; ``login_session``: one row per login, so logging out ends the session on the server.
Existing logins (cookies naming a user, from before this revision) stop working: everyone logs in
once more.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('login_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_login_attempt_at'), 'login_attempt', ['at'], unique=False)
    op.create_index('login_attempt_address', 'login_attempt', ['address', 'username', 'at'], unique=False)
    op.create_table('login_session',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('username', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['username'], ['account.username'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_login_session_expires_at'), 'login_session', ['expires_at'], unique=False)
    op.create_index(op.f('ix_login_session_username'), 'login_session', ['username'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_login_session_username'), table_name='login_session')
    op.drop_index(op.f('ix_login_session_expires_at'), table_name='login_session')
    op.drop_table('login_session')
    op.drop_index('login_attempt_address', table_name='login_attempt')
    op.drop_index(op.f('ix_login_attempt_at'), table_name='login_attempt')
    op.drop_table('login_attempt')
