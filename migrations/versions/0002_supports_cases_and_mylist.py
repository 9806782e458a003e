"""supports, cases and mylist

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from alembic import op
import sqlalchemy as sa
import portal.models.base


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('source_id', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('company_name', sa.String(length=200), nullable=False),
    sa.Column('company_type', sa.String(length=20), nullable=False),
    sa.Column('employees', sa.Integer(), nullable=True),
    sa.Column('location_name', sa.String(length=100), nullable=False),
    sa.Column('background', sa.Text(), nullable=False),
    sa.Column('challenges', sa.Text(), nullable=False),
    sa.Column('results', sa.Text(), nullable=False),
    sa.Column('keywords', sa.JSON(), nullable=False),
    sa.Column('support_refs', sa.JSON(), nullable=False),
    sa.Column('source_url', sa.String(length=1000), nullable=False),
    sa.Column('created_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('imported_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('source', 'source_id', name='uq_cases_source')
    )
    op.create_table('content_state',
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('changed_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('kind', name=op.f('pk_content_state'))
    )
    op.create_table('supports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('source_id', sa.String(length=64), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('subtitle', sa.String(length=300), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('body_format', sa.String(length=10), nullable=False),
    sa.Column('target', sa.Text(), nullable=False),
    sa.Column('usage', sa.Text(), nullable=False),
    sa.Column('inquiry', sa.Text(), nullable=False),
    sa.Column('reference', sa.Text(), nullable=False),
    sa.Column('support_organization', sa.String(length=500), nullable=False),
    sa.Column('governing_law', sa.Text(), nullable=False),
    sa.Column('application_url', sa.String(length=1000), nullable=False),
    sa.Column('source_url', sa.String(length=1000), nullable=False),
    sa.Column('reception_start', sa.Date(), nullable=True),
    sa.Column('reception_end', sa.Date(), nullable=True),
    sa.Column('reception_remarks', sa.Text(), nullable=False),
    sa.Column('publish_date', sa.Date(), nullable=True),
    sa.Column('unpublish_date', sa.Date(), nullable=True),
    sa.Column('special_measure', sa.String(length=100), nullable=False),
    sa.Column('max_employees', sa.Integer(), nullable=True),
    sa.Column('max_capital', sa.BigInteger(), nullable=True),
    sa.Column('max_established_years', sa.Integer(), nullable=True),
    sa.Column('subsidy_max_limit', sa.BigInteger(), nullable=True),
    sa.Column('subsidy_rate', sa.String(length=200), nullable=False),
    sa.Column('authorities', sa.JSON(), nullable=False),
    sa.Column('keywords', sa.JSON(), nullable=False),
    sa.Column('related_refs', sa.JSON(), nullable=False),
    sa.Column('created_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('imported_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supports')),
    sa.UniqueConstraint('source', 'source_id', name='uq_supports_source')
    )
    op.create_table('case_supports',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('support_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_supports_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['support_id'], ['supports.id'], name=op.f('fk_case_supports_support_id_supports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', 'support_id', name=op.f('pk_case_supports'))
    )
    with op.batch_alter_table('case_supports', schema=None) as batch_op:
        batch_op.create_index('ix_case_supports_support_id', ['support_id'], unique=False)

    op.create_table('case_tags',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('value', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_tags_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', 'kind', 'value', name=op.f('pk_case_tags'))
    )
    with op.batch_alter_table('case_tags', schema=None) as batch_op:
        batch_op.create_index('ix_case_tags_kind_value', ['kind', 'value'], unique=False)

    op.create_table('saved_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('support_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('created_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(support_id IS NULL) <> (case_id IS NULL)', name=op.f('ck_saved_items_one_item')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_saved_items_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['support_id'], ['supports.id'], name=op.f('fk_saved_items_support_id_supports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_saved_items_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_items')),
    sa.UniqueConstraint('user_id', 'case_id', name='uq_saved_items_user_case'),
    sa.UniqueConstraint('user_id', 'support_id', name='uq_saved_items_user_support')
    )
    with op.batch_alter_table('saved_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_items_user_id'), ['user_id'], unique=False)

    op.create_table('saved_searches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('query', sa.String(length=2000), nullable=False),
    sa.Column('created_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_saved_searches_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_searches'))
    )
    with op.batch_alter_table('saved_searches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_searches_user_id'), ['user_id'], unique=False)

    op.create_table('support_tags',
    sa.Column('support_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('value', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['support_id'], ['supports.id'], name=op.f('fk_support_tags_support_id_supports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('support_id', 'kind', 'value', name=op.f('pk_support_tags'))
    )
    with op.batch_alter_table('support_tags', schema=None) as batch_op:
        batch_op.create_index('ix_support_tags_kind_value', ['kind', 'value'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('support_tags', schema=None) as batch_op:
        batch_op.drop_index('ix_support_tags_kind_value')

    op.drop_table('support_tags')
    with op.batch_alter_table('saved_searches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_searches_user_id'))

    op.drop_table('saved_searches')
    with op.batch_alter_table('saved_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_items_user_id'))

    op.drop_table('saved_items')
    with op.batch_alter_table('case_tags', schema=None) as batch_op:
        batch_op.drop_index('ix_case_tags_kind_value')

    op.drop_table('case_tags')
    with op.batch_alter_table('case_supports', schema=None) as batch_op:
        batch_op.drop_index('ix_case_supports_support_id')

    op.drop_table('case_supports')
    op.drop_table('supports')
    op.drop_table('content_state')
    op.drop_table('cases')
