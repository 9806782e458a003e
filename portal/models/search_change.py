"""Which documents changed in which content version, so that a text index that lags behind the
database (a killed import, a restore, another instance's own Whoosh folder) can be brought up to
date with exactly what it misses.

One row per document ever changed (kind, id), carrying the version of its latest change: an index
that holds version v needs the rows with a later version. Writing the row in the same transaction
as the content is what makes the log complete; a document whose row is gone from its table is
removed from the index.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from portal import clock
from portal.db import Base
from portal.models.base import UTCDateTime


class SearchChange(Base):
    __tablename__ = "search_changes"
    __table_args__ = (Index("ix_search_changes_kind_version", "kind", "version"),)

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    doc_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column()
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
