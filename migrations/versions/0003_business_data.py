"""business data: the once-only store (事業データ), its members, value sources and history

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from alembic import op
import sqlalchemy as sa
import portal.models.base


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('businesses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('corporation', 'sole_proprietor', name='business_kind', native_enum=False, length=20), nullable=False),
    sa.Column('corporate_number', sa.String(length=13), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_kana', sa.String(length=200), nullable=True),
    sa.Column('postal_code', sa.String(length=7), nullable=True),
    sa.Column('prefecture', sa.String(length=2), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('industry', sa.String(length=1), nullable=True),
    sa.Column('representative_title', sa.String(length=50), nullable=True),
    sa.Column('representative_name', sa.String(length=100), nullable=True),
    sa.Column('established_on', sa.Date(), nullable=True),
    sa.Column('capital', sa.BigInteger(), nullable=True),
    sa.Column('contact_name', sa.String(length=100), nullable=True),
    sa.Column('contact_phone', sa.String(length=20), nullable=True),
    sa.Column('contact_email', sa.String(length=254), nullable=True),
    sa.Column('website', sa.String(length=500), nullable=True),
    sa.Column('created_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_businesses')),
    sa.UniqueConstraint('corporate_number', name=op.f('uq_businesses_corporate_number'))
    )
    op.create_table('business_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('business_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('owner', 'member', name='member_role', native_enum=False, length=20), nullable=False),
    sa.Column('created_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['business_id'], ['businesses.id'], name=op.f('fk_business_members_business_id_businesses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_business_members_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_business_members')),
    sa.UniqueConstraint('user_id', name=op.f('uq_business_members_user_id'))
    )
    with op.batch_alter_table('business_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_business_members_business_id'), ['business_id'], unique=False)

    op.create_table('business_officers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('business_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=50), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('appointed_on', sa.Date(), nullable=True),
    sa.Column('created_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['business_id'], ['businesses.id'], name=op.f('fk_business_officers_business_id_businesses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_business_officers'))
    )
    with op.batch_alter_table('business_officers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_business_officers_business_id'), ['business_id'], unique=False)

    op.create_table('business_offices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('business_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('postal_code', sa.String(length=7), nullable=True),
    sa.Column('prefecture', sa.String(length=2), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('employees', sa.Integer(), nullable=True),
    sa.Column('created_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['business_id'], ['businesses.id'], name=op.f('fk_business_offices_business_id_businesses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_business_offices'))
    )
    with op.batch_alter_table('business_offices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_business_offices_business_id'), ['business_id'], unique=False)

    op.create_table('business_periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('business_id', sa.Integer(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('employees', sa.Integer(), nullable=True),
    sa.Column('regular_employees', sa.Integer(), nullable=True),
    sa.Column('total_assets', sa.BigInteger(), nullable=True),
    sa.Column('current_assets', sa.BigInteger(), nullable=True),
    sa.Column('cash_and_deposits', sa.BigInteger(), nullable=True),
    sa.Column('notes_receivable', sa.BigInteger(), nullable=True),
    sa.Column('accounts_receivable', sa.BigInteger(), nullable=True),
    sa.Column('inventories', sa.BigInteger(), nullable=True),
    sa.Column('fixed_assets', sa.BigInteger(), nullable=True),
    sa.Column('total_liabilities', sa.BigInteger(), nullable=True),
    sa.Column('current_liabilities', sa.BigInteger(), nullable=True),
    sa.Column('notes_payable', sa.BigInteger(), nullable=True),
    sa.Column('accounts_payable', sa.BigInteger(), nullable=True),
    sa.Column('short_term_borrowings', sa.BigInteger(), nullable=True),
    sa.Column('fixed_liabilities', sa.BigInteger(), nullable=True),
    sa.Column('long_term_borrowings', sa.BigInteger(), nullable=True),
    sa.Column('net_assets', sa.BigInteger(), nullable=True),
    sa.Column('capital_stock', sa.BigInteger(), nullable=True),
    sa.Column('net_sales', sa.BigInteger(), nullable=True),
    sa.Column('cost_of_sales', sa.BigInteger(), nullable=True),
    sa.Column('gross_profit', sa.BigInteger(), nullable=True),
    sa.Column('sga_expenses', sa.BigInteger(), nullable=True),
    sa.Column('depreciation', sa.BigInteger(), nullable=True),
    sa.Column('personnel_expenses', sa.BigInteger(), nullable=True),
    sa.Column('operating_income', sa.BigInteger(), nullable=True),
    sa.Column('ordinary_income', sa.BigInteger(), nullable=True),
    sa.Column('net_income', sa.BigInteger(), nullable=True),
    sa.Column('created_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['business_id'], ['businesses.id'], name=op.f('fk_business_periods_business_id_businesses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_business_periods')),
    sa.UniqueConstraint('business_id', 'period_end', name='uq_business_periods_end')
    )
    with op.batch_alter_table('business_periods', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_business_periods_business_id'), ['business_id'], unique=False)

    op.create_table('business_shareholders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('business_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('shares', sa.BigInteger(), nullable=True),
    sa.Column('investment', sa.BigInteger(), nullable=True),
    sa.Column('relation', sa.String(length=100), nullable=True),
    sa.Column('created_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['business_id'], ['businesses.id'], name=op.f('fk_business_shareholders_business_id_businesses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_business_shareholders'))
    )
    with op.batch_alter_table('business_shareholders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_business_shareholders_business_id'), ['business_id'], unique=False)

    op.create_table('business_value_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('business_id', sa.Integer(), nullable=False),
    sa.Column('section', sa.String(length=20), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('record_label', sa.String(length=200), nullable=False),
    sa.Column('field', sa.String(length=50), nullable=False),
    sa.Column('old_value', sa.Text(), nullable=True),
    sa.Column('new_value', sa.Text(), nullable=True),
    sa.Column('source', sa.String(length=50), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['business_id'], ['businesses.id'], name=op.f('fk_business_value_history_business_id_businesses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_business_value_history_changed_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_business_value_history'))
    )
    with op.batch_alter_table('business_value_history', schema=None) as batch_op:
        batch_op.create_index('ix_business_value_history_business_at', ['business_id', 'at'], unique=False)

    op.create_table('business_value_sources',
    sa.Column('business_id', sa.Integer(), nullable=False),
    sa.Column('section', sa.String(length=20), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=50), nullable=False),
    sa.Column('source', sa.String(length=50), nullable=False),
    sa.Column('updated_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['business_id'], ['businesses.id'], name=op.f('fk_business_value_sources_business_id_businesses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_business_value_sources_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('business_id', 'section', 'record_id', 'field', name=op.f('pk_business_value_sources'))
    )
    with op.batch_alter_table('business_value_sources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_business_value_sources_source'), ['source'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('business_value_sources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_business_value_sources_source'))

    op.drop_table('business_value_sources')
    with op.batch_alter_table('business_value_history', schema=None) as batch_op:
        batch_op.drop_index('ix_business_value_history_business_at')

    op.drop_table('business_value_history')
    with op.batch_alter_table('business_shareholders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_business_shareholders_business_id'))

    op.drop_table('business_shareholders')
    with op.batch_alter_table('business_periods', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_business_periods_business_id'))

    op.drop_table('business_periods')
    with op.batch_alter_table('business_offices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_business_offices_business_id'))

    op.drop_table('business_offices')
    with op.batch_alter_table('business_officers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_business_officers_business_id'))

    op.drop_table('business_officers')
    with op.batch_alter_table('business_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_business_members_business_id'))

    op.drop_table('business_members')
    op.drop_table('businesses')
