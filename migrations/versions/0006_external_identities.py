"""external identities: GビズID accounts linked to users; codes redeemed at the stand-in provider

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

import portal.models.base

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('external_identities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('issuer', sa.String(length=255), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('account_type', sa.String(length=10), nullable=False),
    sa.Column('corp_type', sa.String(length=20), nullable=True),
    sa.Column('corporate_number', sa.String(length=13), nullable=True),
    sa.Column('linked_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_external_identities_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_external_identities')),
    sa.UniqueConstraint('issuer', 'subject', name='uq_external_identities_issuer_subject'),
    sa.UniqueConstraint('user_id', 'issuer', name='uq_external_identities_user_issuer')
    )
    with op.batch_alter_table('external_identities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_external_identities_user_id'), ['user_id'], unique=False)

    op.create_table('gbizid_standin_code_uses',
    sa.Column('code_id', sa.String(length=64), nullable=False),
    sa.Column('expires_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('code_id', name=op.f('pk_gbizid_standin_code_uses'))
    )
    with op.batch_alter_table('gbizid_standin_code_uses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gbizid_standin_code_uses_expires_at'), ['expires_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('gbizid_standin_code_uses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gbizid_standin_code_uses_expires_at'))
    op.drop_table('gbizid_standin_code_uses')
    with op.batch_alter_table('external_identities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_external_identities_user_id'))
    op.drop_table('external_identities')
