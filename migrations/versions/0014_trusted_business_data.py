"""trusted business data: invitations to share a business, sync runs' mode and proposals, deleted data of a link

Revision ID: 0014
Revises: 0010
Create Date: 2026-12-05
"""

from alembic import op
import sqlalchemy as sa
import portal.models.base


revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('business_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('business_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('role', sa.Enum('owner', 'member', name='member_role', native_enum=False, length=20), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['business_id'], ['businesses.id'], name=op.f('fk_business_invitations_business_id_businesses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_business_invitations_invited_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['users.id'], name=op.f('fk_business_invitations_accepted_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_business_invitations'))
    )
    with op.batch_alter_table('business_invitations', schema=None) as batch_op:
        batch_op.create_index('ix_business_invitations_business_email', ['business_id', 'email'], unique=False)

    with op.batch_alter_table('sync_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mode', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('proposals', sa.Integer(), nullable=False, server_default='0'))

    with op.batch_alter_table('connections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('data_removed_at', portal.models.base.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('connections', schema=None) as batch_op:
        batch_op.drop_column('data_removed_at')

    with op.batch_alter_table('sync_runs', schema=None) as batch_op:
        batch_op.drop_column('proposals')
        batch_op.drop_column('mode')

    with op.batch_alter_table('business_invitations', schema=None) as batch_op:
        batch_op.drop_index('ix_business_invitations_business_email')

    op.drop_table('business_invitations')
