"""expert programme settings: the allowances and reminder days as 職員 set them

Revision ID: 0016b
Revises: 0016
Create Date: 2026-12-06
"""

from alembic import op
import sqlalchemy as sa
import portal.models.base


revision = "0016b"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('expert_programme_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('allowance', sa.Integer(), nullable=False),
    sa.Column('allowance_it_dx', sa.Integer(), nullable=False),
    sa.Column('agency_reminder_days', sa.String(length=50), nullable=False),
    sa.Column('business_reminder_days', sa.Integer(), nullable=False),
    sa.Column('expiry_days', sa.Integer(), nullable=False),
    sa.Column('confirm_reminder_days', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_expert_programme_settings_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_programme_settings'))
    )


def downgrade() -> None:
    op.drop_table('expert_programme_settings')
