"""login sessions and abuse limits: server-side sessions, failed log-ins per account, limit counters

Revision ID: 0015
Revises: 0014b
Create Date: 2026-12-04
"""

from alembic import op
import sqlalchemy as sa
import portal.models.base


revision = "0015"
down_revision = "0014b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('limit_counters',
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('window', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('window_end', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'key_hash', 'window', name=op.f('pk_limit_counters'))
    )
    with op.batch_alter_table('limit_counters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_limit_counters_window_end'), ['window_end'], unique=False)

    op.create_table('login_throttles',
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('blocked_until', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('email', name=op.f('pk_login_throttles'))
    )
    op.create_table('login_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('remember', sa.Boolean(), nullable=False),
    sa.Column('device', sa.String(length=120), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=True),
    sa.Column('created_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('end_reason', sa.String(length=30), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_login_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_sessions')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_login_sessions_key_hash'))
    )
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_login_sessions_user_ended', ['user_id', 'ended_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_login_sessions_user_ended')

    op.drop_table('login_sessions')
    op.drop_table('login_throttles')
    with op.batch_alter_table('limit_counters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_limit_counters_window_end'))

    op.drop_table('limit_counters')
