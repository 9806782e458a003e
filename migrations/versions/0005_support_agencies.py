"""support agencies: the 認定支援機関 directory, its staff, each business's agency, and 申請履歴

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from alembic import op
import sqlalchemy as sa
import portal.models.base


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

AGENCY_KINDS = ("tax_accountant", "cpa", "lawyer", "sme_consultant", "financial_institution", "chamber",
                "consulting_firm", "npo", "other")


def upgrade() -> None:
    op.create_table('support_agencies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('certification_number', sa.String(length=30), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum(*AGENCY_KINDS, name='agency_kind', native_enum=False, length=30), nullable=False),
    sa.Column('certified_on', sa.Date(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('prefecture', sa.String(length=2), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('phone', sa.String(length=30), nullable=True),
    sa.Column('url', sa.String(length=500), nullable=True),
    sa.Column('specialties', sa.JSON(), nullable=False),
    sa.Column('regions', sa.JSON(), nullable=False),
    sa.Column('nationwide', sa.Boolean(), nullable=False),
    sa.Column('created_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_agencies')),
    sa.UniqueConstraint('certification_number', name=op.f('uq_support_agencies_certification_number'))
    )

    op.create_table('agency_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['support_agencies.id'], name=op.f('fk_agency_members_agency_id_support_agencies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_agency_members_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_members')),
    sa.UniqueConstraint('user_id', name=op.f('uq_agency_members_user_id'))
    )
    with op.batch_alter_table('agency_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agency_members_agency_id'), ['agency_id'], unique=False)

    op.create_table('business_agency_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('business_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('linked_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('source', sa.String(length=50), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['support_agencies.id'], name=op.f('fk_business_agency_links_agency_id_support_agencies')),
    sa.ForeignKeyConstraint(['business_id'], ['businesses.id'], name=op.f('fk_business_agency_links_business_id_businesses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_business_agency_links')),
    sa.UniqueConstraint('business_id', name=op.f('uq_business_agency_links_business_id'))
    )
    with op.batch_alter_table('business_agency_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_business_agency_links_agency_id'), ['agency_id'], unique=False)

    op.create_table('business_applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('business_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=50), nullable=False),
    sa.Column('external_id', sa.String(length=100), nullable=False),
    sa.Column('measure_title', sa.String(length=300), nullable=False),
    sa.Column('measure_external_id', sa.String(length=100), nullable=True),
    sa.Column('applied_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=50), nullable=True),
    sa.Column('requested_amount', sa.BigInteger(), nullable=True),
    sa.Column('granted_amount', sa.BigInteger(), nullable=True),
    sa.Column('updated_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['business_id'], ['businesses.id'], name=op.f('fk_business_applications_business_id_businesses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_business_applications')),
    sa.UniqueConstraint('business_id', 'source', 'external_id', name='uq_business_applications_key')
    )
    with op.batch_alter_table('business_applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_business_applications_business_id'), ['business_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('business_applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_business_applications_business_id'))
    op.drop_table('business_applications')
    with op.batch_alter_table('business_agency_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_business_agency_links_agency_id'))
    op.drop_table('business_agency_links')
    with op.batch_alter_table('agency_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agency_members_agency_id'))
    op.drop_table('agency_members')
    op.drop_table('support_agencies')
