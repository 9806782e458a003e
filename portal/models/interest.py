"""What a business says it is interested in (目的, 事業ステージ), chosen on マイページ for おすすめ.

These are preferences, not 事業データ: they are not part of the once-only store, are never shared
through the API and change as often as the business likes. Values are taxonomy ids
(`portal.taxonomy.PURPOSES`, `STAGES`).
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base

INTEREST_KINDS = ("purpose", "stage")


class BusinessInterest(Base):
    __tablename__ = "business_interests"
    __table_args__ = (CheckConstraint("kind IN ('purpose', 'stage')", name="kind"),)

    business_id: Mapped[int] = mapped_column(ForeignKey("businesses.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, primary_key=True)
