"""Log-in identities from outside the portal: a user's GビズID account (OpenID Connect).

An `ExternalIdentity` ties one portal user to one account at one issuer. The subject (`sub`) is
unique per issuer, so one GビズID account can never log in as two portal users. What the account
is (プライム/メンバー/エントリー, 法人/個人事業主, 法人番号) is copied from UserInfo at each log-in,
because it decides what the user may do (an エントリー account may not share data through the API).

`StandinCodeUse` belongs to the local stand-in provider (portal.gbizid_standin): its authorization
codes are signed and carry everything the token endpoint needs, and this table only remembers the
codes already redeemed, so that a code works once, whichever worker process receives it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal import clock
from portal.db import Base
from portal.models.base import UTCDateTime

ACCOUNT_TYPES = ("prime", "member", "entry")


class ExternalIdentity(Base):
    __tablename__ = "external_identities"
    __table_args__ = (
        UniqueConstraint("issuer", "subject", name="uq_external_identities_issuer_subject"),
        UniqueConstraint("user_id", "issuer", name="uq_external_identities_user_issuer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    issuer: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    account_type: Mapped[str] = mapped_column(String(10))
    corp_type: Mapped[str | None] = mapped_column(String(20))
    corporate_number: Mapped[str | None] = mapped_column(String(13))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class StandinCodeUse(Base):
    __tablename__ = "gbizid_standin_code_uses"

    code_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
