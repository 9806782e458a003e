"""connections: a business's links to connectors, their sync runs and the changes they propose

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from alembic import op
import sqlalchemy as sa
import portal.models.base


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('connections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('business_id', sa.Integer(), nullable=False),
    sa.Column('connector', sa.String(length=40), nullable=False),
    sa.Column('state', sa.Enum('unlinked', 'linked', 'error', name='connection_state', native_enum=False, length=20), nullable=False),
    sa.Column('mode', sa.String(length=10), nullable=False),
    sa.Column('consented_at', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_sync_at', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('credentials', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['business_id'], ['businesses.id'], name=op.f('fk_connections_business_id_businesses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_connections')),
    sa.UniqueConstraint('business_id', 'connector', name='uq_connections_business_connector')
    )
    with op.batch_alter_table('connections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_connections_business_id'), ['business_id'], unique=False)

    op.create_table('proposed_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('connection_id', sa.Integer(), nullable=False),
    sa.Column('business_id', sa.Integer(), nullable=False),
    sa.Column('section', sa.String(length=20), nullable=False),
    sa.Column('record_key', sa.JSON(), nullable=False),
    sa.Column('field', sa.String(length=50), nullable=False),
    sa.Column('old_value', sa.Text(), nullable=True),
    sa.Column('new_value', sa.Text(), nullable=True),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('created_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decision', sa.Enum('pending', 'accepted', 'rejected', name='proposal_decision', native_enum=False, length=20), nullable=False),
    sa.ForeignKeyConstraint(['business_id'], ['businesses.id'], name=op.f('fk_proposed_changes_business_id_businesses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['connection_id'], ['connections.id'], name=op.f('fk_proposed_changes_connection_id_connections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposed_changes'))
    )
    with op.batch_alter_table('proposed_changes', schema=None) as batch_op:
        batch_op.create_index('ix_proposed_changes_business_decision', ['business_id', 'decision'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposed_changes_connection_id'), ['connection_id'], unique=False)

    op.create_table('sync_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('connection_id', sa.Integer(), nullable=False),
    sa.Column('started_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.Enum('running', 'ok', 'error', name='sync_outcome', native_enum=False, length=20), nullable=False),
    sa.Column('records', sa.Integer(), nullable=False),
    sa.Column('error', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['connection_id'], ['connections.id'], name=op.f('fk_sync_runs_connection_id_connections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_runs'))
    )
    with op.batch_alter_table('sync_runs', schema=None) as batch_op:
        batch_op.create_index('ix_sync_runs_connection_started', ['connection_id', 'started_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('sync_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_sync_runs_connection_started')

    op.drop_table('sync_runs')
    with op.batch_alter_table('proposed_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposed_changes_connection_id'))
        batch_op.drop_index('ix_proposed_changes_business_decision')

    op.drop_table('proposed_changes')
    with op.batch_alter_table('connections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_connections_business_id'))

    op.drop_table('connections')
