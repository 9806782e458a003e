"""お問い合わせ: what a visitor or a logged-in person sent through the contact form, for 職員 to read."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal import clock
from portal.db import Base
from portal.models.base import UTCDateTime

TOPICS = {"usage": "使い方について", "account": "アカウント・ログインについて", "data": "事業データ・外部サービス連携について",
          "privacy": "個人情報の取り扱い・データの削除について", "content": "掲載内容（支援制度・事例）について",
          "other": "その他"}


class Inquiry(Base):
    __tablename__ = "inquiries"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254))
    body: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, index=True)

    @property
    def topic_label(self) -> str:
        return TOPICS.get(self.topic, self.topic)
