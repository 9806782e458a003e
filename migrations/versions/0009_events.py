"""events and interests: the usage event log behind おすすめ, and the interests a business chose

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

import portal.models.base

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('visitor', sa.String(length=32), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('item_type', sa.String(length=10), nullable=True),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_events_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_at', ['at'], unique=False)
        batch_op.create_index('ix_events_user_at', ['user_id', 'at'], unique=False)
        batch_op.create_index('ix_events_visitor', ['visitor'], unique=False)

    op.create_table('business_interests',
    sa.Column('business_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('purpose', 'stage')", name=op.f('ck_business_interests_kind')),
    sa.ForeignKeyConstraint(['business_id'], ['businesses.id'], name=op.f('fk_business_interests_business_id_businesses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('business_id', 'kind', 'value', name=op.f('pk_business_interests'))
    )


def downgrade() -> None:
    op.drop_table('business_interests')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_visitor')
        batch_op.drop_index('ix_events_user_at')
        batch_op.drop_index('ix_events_at')

    op.drop_table('events')
