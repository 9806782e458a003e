"""An invitation to share a business: its 管理者 asks someone, by e-mail, to become a member.

The e-mailed link is signed and names the invitation; the row decides whether it still works. It
is used once: accepting sets `accepted_at` with an UPDATE that only matches an open invitation, so
of two requests racing with the same link exactly one gets the row (`portal.members.invitations`).
Withdrawing sets `revoked_at`; an invitation past `expires_at` simply stops working.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from portal import clock
from portal.db import Base
from portal.models.base import UTCDateTime
from portal.models.business import MemberRole, _enum


class BusinessInvitation(Base):
    __tablename__ = "business_invitations"
    __table_args__ = (Index("ix_business_invitations_business_email", "business_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    business_id: Mapped[int] = mapped_column(ForeignKey("businesses.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[MemberRole] = mapped_column(_enum(MemberRole, "member_role"), default=MemberRole.MEMBER)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def is_open(self, now: datetime) -> bool:
        return self.accepted_at is None and self.revoked_at is None and now < self.expires_at
