"""search follows the database: the change log on every database; on PostgreSQL the text index itself

`search_changes` (both databases) records which document changed in which content version, so a
lagging index can be repaired. `search_entries`, `search_words` and `search_state` hold the
PostgreSQL text index (tsvector columns with GIN indexes); SQLite never gets them.

Revision ID: 0013
Revises: 0010
Create Date: 2026-12-05
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
import portal.models.base


revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def _on_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    op.create_table('search_changes',
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('doc_id', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('changed_at', portal.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'doc_id', name=op.f('pk_search_changes'))
    )
    with op.batch_alter_table('search_changes', schema=None) as batch_op:
        batch_op.create_index('ix_search_changes_kind_version', ['kind', 'version'], unique=False)

    if not _on_postgresql():
        return
    op.create_table('search_entries',
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('doc_id', sa.String(length=64), nullable=False),
    sa.Column('head', postgresql.TSVECTOR(), nullable=False),
    sa.Column('body', postgresql.TSVECTOR(), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'doc_id', name=op.f('pk_search_entries'))
    )
    op.create_index('ix_search_entries_head', 'search_entries', ['head'], unique=False, postgresql_using='gin')
    op.create_index('ix_search_entries_body', 'search_entries', ['body'], unique=False, postgresql_using='gin')
    op.create_table('search_words',
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('word', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'word', name=op.f('pk_search_words'))
    )
    op.create_table('search_state',
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('changed_at', portal.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('analysis', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('kind', name=op.f('pk_search_state'))
    )


def downgrade() -> None:
    if _on_postgresql():
        op.drop_table('search_state')
        op.drop_table('search_words')
        op.drop_index('ix_search_entries_body', table_name='search_entries', postgresql_using='gin')
        op.drop_index('ix_search_entries_head', table_name='search_entries', postgresql_using='gin')
        op.drop_table('search_entries')
    with op.batch_alter_table('search_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_search_changes_kind_version')
    op.drop_table('search_changes')
