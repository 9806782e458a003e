"""jobs: the background-job ledger, worker heartbeats and keys shared by every instance

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-05
"""

from alembic import op
import sqlalchemy as sa
import portal.models.base


revision = "0012"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('max_attempts', sa.Integer(), nullable=False),
    sa.Column('run_after', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('enqueued_at', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('started_at', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('worker', sa.String(length=120), nullable=True),
    sa.Column('lease_until', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs')),
    sa.UniqueConstraint('key', name=op.f('uq_jobs_key'))
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index('ix_jobs_state_run_after', ['state', 'run_after'], unique=False)
        batch_op.create_index('ix_jobs_worker', ['worker'], unique=False)

    op.create_table('job_workers',
    sa.Column('id', sa.String(length=120), nullable=False),
    sa.Column('host', sa.String(length=200), nullable=False),
    sa.Column('pid', sa.Integer(), nullable=False),
    sa.Column('scheduler', sa.Boolean(), nullable=False),
    sa.Column('started_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('seen_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_workers'))
    )
    with op.batch_alter_table('job_workers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_workers_seen_at'), ['seen_at'], unique=False)

    op.create_table('site_keys',
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('created_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_site_keys'))
    )


def downgrade() -> None:
    op.drop_table('site_keys')
    with op.batch_alter_table('job_workers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_workers_seen_at'))
    op.drop_table('job_workers')
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_jobs_worker')
        batch_op.drop_index('ix_jobs_state_run_after')
    op.drop_table('jobs')
