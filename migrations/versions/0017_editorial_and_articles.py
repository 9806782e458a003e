"""editorial: revisions with review, editor roles, articles of 経営お役立ちコンテンツ

Revision ID: 0017
Revises: 0016b
Create Date: 2026-12-06
"""

from alembic import op
import sqlalchemy as sa
import portal.models.base


revision = "0017"
down_revision = "0016b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('editor_role', sa.String(length=20), nullable=True))

    op.create_table('revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('major', sa.Boolean(), nullable=False),
    sa.Column('origin', sa.String(length=20), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('review_comment', sa.Text(), nullable=False),
    sa.Column('publish_at', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('published_at', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_revisions_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_revisions_reviewer_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_revisions'))
    )
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.create_index('ix_revisions_object', ['kind', 'object_id', 'number'], unique=False)
        batch_op.create_index('ix_revisions_state', ['state'], unique=False)

    op.create_table('articles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=True),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.String(length=400), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('keywords', sa.JSON(), nullable=False),
    sa.Column('published_at', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('unpublish_at', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_articles_author_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_articles')),
    sa.UniqueConstraint('key', name=op.f('uq_articles_key'))
    )
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.create_index('ix_articles_published_at', ['published_at'], unique=False)

    op.create_table('article_supports',
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('support_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_article_supports_article_id_articles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['support_id'], ['supports.id'], name=op.f('fk_article_supports_support_id_supports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('article_id', 'support_id', name=op.f('pk_article_supports'))
    )
    with op.batch_alter_table('article_supports', schema=None) as batch_op:
        batch_op.create_index('ix_article_supports_support_id', ['support_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('article_supports', schema=None) as batch_op:
        batch_op.drop_index('ix_article_supports_support_id')
    op.drop_table('article_supports')
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_index('ix_articles_published_at')
    op.drop_table('articles')
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.drop_index('ix_revisions_state')
        batch_op.drop_index('ix_revisions_object')
    op.drop_table('revisions')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('editor_role')
