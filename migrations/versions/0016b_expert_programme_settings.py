"""expert programme settings: the allowances and reminder days as 職員 set them; the 経営カルテ
a request was made from

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
    with op.batch_alter_table('expert_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('benchmark_report_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('report_photo', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('report_photo_type', sa.String(length=20), nullable=False, server_default=''))
        batch_op.create_foreign_key(batch_op.f('fk_expert_requests_benchmark_report_id_benchmark_reports'),
                                    'benchmark_reports', ['benchmark_report_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('expert_requests', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_expert_requests_benchmark_report_id_benchmark_reports'),
                                 type_='foreignkey')
        batch_op.drop_column('report_photo_type')
        batch_op.drop_column('report_photo')
        batch_op.drop_column('benchmark_report_id')
    op.drop_table('expert_programme_settings')
