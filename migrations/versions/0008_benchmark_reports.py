"""benchmark reports: saved 経営カルテ (ローカルベンチマーク) of a business, shareable with its 支援機関

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27
"""

from alembic import op
import sqlalchemy as sa
import portal.models.base


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('benchmark_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('business_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('industry_code', sa.String(length=4), nullable=False),
    sa.Column('size', sa.String(length=20), nullable=False),
    sa.Column('inputs', sa.JSON(), nullable=False),
    sa.Column('results', sa.JSON(), nullable=False),
    sa.Column('sheets', sa.JSON(), nullable=False),
    sa.Column('shared_agency_id', sa.Integer(), nullable=True),
    sa.Column('shared_at', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['business_id'], ['businesses.id'], name=op.f('fk_benchmark_reports_business_id_businesses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_benchmark_reports_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['shared_agency_id'], ['support_agencies.id'], name=op.f('fk_benchmark_reports_shared_agency_id_support_agencies'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_benchmark_reports'))
    )
    with op.batch_alter_table('benchmark_reports', schema=None) as batch_op:
        batch_op.create_index('ix_benchmark_reports_business_created', ['business_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_benchmark_reports_shared_agency_id'), ['shared_agency_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('benchmark_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_benchmark_reports_shared_agency_id'))
        batch_op.drop_index('ix_benchmark_reports_business_created')

    op.drop_table('benchmark_reports')
