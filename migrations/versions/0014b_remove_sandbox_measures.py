"""remove the measures earlier Jグランツ sandbox links wrote into the public catalogue

Until now a business that linked Jグランツ in お試し mode added the sandbox's four made-up calls to
支援制度ナビ for everyone (among them 「みなと市 創業支援事業補助金」 and a second, closed
「中小企業省力化投資補助金（一般型）」). A sandbox no longer writes there; this removes what it wrote:
the rows from source `jgrants` with exactly the fixture's ids and titles (nothing a live sync or an
import could have brought), with their tags, case links, saved items and notifications, and bumps
the content versions so every process rebuilds its catalogue. `portal seed` (and so `make run`)
rebuilds the search index when it no longer matches the database; `portal reindex` does it at once.
Downgrading does not bring them back.

Revision ID: 0014b
Revises: 0014
Create Date: 2026-12-05
"""

from alembic import op
import sqlalchemy as sa

from portal import clock
from portal.models.base import UTCDateTime


revision = "0014b"
down_revision = "0014"
branch_labels = None
depends_on = None

#: connectors/jgrants/fixtures/subsidies.json as it was: (id, title).
SANDBOX_CALLS = (
    ("a0WJ200000CDa1bMAD", "中小企業省力化投資補助金（一般型）"),
    ("a0WJ200000CDb7xMAD", "みなと市 創業支援事業補助金"),
    ("a0WJ200000CDc3kMAD", "人材確保等支援助成金（テレワークコース）"),
    ("a0WJ200000CDd9qMAD", "事業承継・M&A補助金（専門家活用枠）"),
)
DEPENDENT_TABLES = ("support_tags", "case_supports", "saved_items", "notifications")

supports = sa.table("supports", sa.column("id", sa.Integer), sa.column("source", sa.String),
                    sa.column("source_id", sa.String), sa.column("title", sa.String))
content_state = sa.table("content_state", sa.column("kind", sa.String), sa.column("version", sa.Integer),
                         sa.column("changed_at", UTCDateTime()))


def upgrade() -> None:
    connection = op.get_bind()
    ids = []
    for source_id, title in SANDBOX_CALLS:
        ids += connection.execute(sa.select(supports.c.id).where(
            supports.c.source == "jgrants", supports.c.source_id == source_id, supports.c.title == title)).scalars().all()
    if not ids:
        return
    for name in DEPENDENT_TABLES:
        table = sa.table(name, sa.column("support_id", sa.Integer))
        connection.execute(sa.delete(table).where(table.c.support_id.in_(ids)))
    connection.execute(sa.delete(supports).where(supports.c.id.in_(ids)))
    connection.execute(sa.update(content_state).where(content_state.c.kind.in_(("supports", "cases")))
                       .values(version=content_state.c.version + 1, changed_at=clock.now()))


def downgrade() -> None:
    """Nothing to undo: the removed rows were never meant to be there."""
