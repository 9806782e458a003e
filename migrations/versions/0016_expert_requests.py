"""expert requests: 専門家派遣依頼, their transitions, reminder claims and the agency's reads

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

from alembic import op
import sqlalchemy as sa
import portal.models.base


revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

STATES = ("draft", "sent", "accepted", "scheduled", "done", "completed", "declined", "withdrawn", "expired")


def upgrade() -> None:
    op.create_table('expert_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('business_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.Enum(*STATES, name='expert_request_state', native_enum=False, length=20), nullable=False),
    sa.Column('themes', sa.JSON(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('format', sa.Enum('visit', 'online', name='expert_request_format', native_enum=False, length=20),
              nullable=False),
    sa.Column('preferred_dates', sa.String(length=500), nullable=False),
    sa.Column('consented_sections', sa.JSON(), nullable=False),
    sa.Column('support_id', sa.Integer(), nullable=True),
    sa.Column('fiscal_year', sa.Integer(), nullable=True),
    sa.Column('sent_at', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('accepted_at', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('decline_reason', sa.Text(), nullable=False),
    sa.Column('visit_on', sa.Date(), nullable=True),
    sa.Column('visit_time', sa.String(length=20), nullable=False),
    sa.Column('visit_place', sa.String(length=300), nullable=False),
    sa.Column('online_url', sa.String(length=500), nullable=False),
    sa.Column('expert_name', sa.String(length=100), nullable=False),
    sa.Column('report_discussed', sa.Text(), nullable=False),
    sa.Column('report_advice', sa.Text(), nullable=False),
    sa.Column('report_next_steps', sa.Text(), nullable=False),
    sa.Column('report_minutes', sa.Integer(), nullable=True),
    sa.Column('reported_at', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('rated_contacted', sa.Boolean(), nullable=True),
    sa.Column('rated_useful', sa.Boolean(), nullable=True),
    sa.Column('closed_at', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['support_agencies.id'], name=op.f('fk_expert_requests_agency_id_support_agencies')),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_expert_requests_assignee_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['business_id'], ['businesses.id'], name=op.f('fk_expert_requests_business_id_businesses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_expert_requests_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['support_id'], ['supports.id'], name=op.f('fk_expert_requests_support_id_supports'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_requests'))
    )
    with op.batch_alter_table('expert_requests', schema=None) as batch_op:
        batch_op.create_index('ix_expert_requests_agency_state', ['agency_id', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_requests_business_id'), ['business_id'], unique=False)

    op.create_table('expert_request_transitions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=20), nullable=False),
    sa.Column('from_state', sa.String(length=20), nullable=True),
    sa.Column('to_state', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['expert_requests.id'], name=op.f('fk_expert_request_transitions_request_id_expert_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_expert_request_transitions_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_request_transitions'))
    )
    with op.batch_alter_table('expert_request_transitions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_request_transitions_request_id'), ['request_id'], unique=False)

    op.create_table('expert_request_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('sent_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['expert_requests.id'], name=op.f('fk_expert_request_reminders_request_id_expert_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_request_reminders')),
    sa.UniqueConstraint('request_id', 'kind', name='uq_expert_request_reminders_request_kind')
    )
    op.create_table('expert_request_reads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('business_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('sections', sa.JSON(), nullable=False),
    sa.Column('at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['business_id'], ['businesses.id'], name=op.f('fk_expert_request_reads_business_id_businesses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['expert_requests.id'], name=op.f('fk_expert_request_reads_request_id_expert_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_expert_request_reads_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_request_reads'))
    )
    with op.batch_alter_table('expert_request_reads', schema=None) as batch_op:
        batch_op.create_index('ix_expert_request_reads_business_at', ['business_id', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_request_reads_request_id'), ['request_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('expert_request_reads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_request_reads_request_id'))
        batch_op.drop_index('ix_expert_request_reads_business_at')
    op.drop_table('expert_request_reads')
    op.drop_table('expert_request_reminders')
    with op.batch_alter_table('expert_request_transitions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_request_transitions_request_id'))
    op.drop_table('expert_request_transitions')
    with op.batch_alter_table('expert_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_requests_business_id'))
        batch_op.drop_index('ix_expert_requests_agency_state')
    op.drop_table('expert_requests')
