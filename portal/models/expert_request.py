"""専門家派遣依頼 (issue 17): a business asks an agency for an expert, follows it, and closes it.

One `ExpertRequest` per request, whatever its state; its state only changes through
`portal.experts.states.move`, which writes one `ExpertRequestTransition` per change (who, when, from,
to, note) — the timeline the business and the agency read. `ExpertRequestReminder` is the claim that
makes each reminder go out once (unique per request and kind), and `ExpertRequestRead` the log of
what the agency read of the business's 事業データ, shown to the business.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (JSON, Boolean, Date, Enum, ForeignKey, Index, Integer, LargeBinary, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column

from portal import clock
from portal.db import Base
from portal.models.base import UTCDateTime


class RequestState(enum.StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    ACCEPTED = "accepted"
    SCHEDULED = "scheduled"
    DONE = "done"
    COMPLETED = "completed"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


#: The names every page shows (the contract of issue 17).
STATE_LABELS: dict[RequestState, str] = {
    RequestState.DRAFT: "下書き", RequestState.SENT: "依頼中", RequestState.ACCEPTED: "対応中",
    RequestState.SCHEDULED: "日程確定", RequestState.DONE: "実施済", RequestState.COMPLETED: "完了",
    RequestState.DECLINED: "辞退", RequestState.WITHDRAWN: "取り下げ", RequestState.EXPIRED: "期限切れ",
}


class RequestFormat(enum.StrEnum):
    VISIT = "visit"
    ONLINE = "online"

    @property
    def label(self) -> str:
        return {"visit": "訪問", "online": "オンライン"}[self.value]


def _enum(cls: type[enum.StrEnum], name: str) -> Enum:
    return Enum(cls, name=name, native_enum=False, length=20, values_callable=lambda items: [i.value for i in items])


class ExpertRequest(Base):
    __tablename__ = "expert_requests"
    __table_args__ = (Index("ix_expert_requests_agency_state", "agency_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    business_id: Mapped[int] = mapped_column(ForeignKey("businesses.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("support_agencies.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    state: Mapped[RequestState] = mapped_column(_enum(RequestState, "expert_request_state"),
                                                default=RequestState.DRAFT)
    themes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    format: Mapped[RequestFormat] = mapped_column(_enum(RequestFormat, "expert_request_format"),
                                                  default=RequestFormat.VISIT)
    preferred_dates: Mapped[str] = mapped_column(String(500), default="")
    consented_sections: Mapped[list[Any]] = mapped_column(JSON, default=list)
    support_id: Mapped[int | None] = mapped_column(ForeignKey("supports.id", ondelete="SET NULL"))
    # The saved 経営カルテ the request was made from; the agency reads it only when "report" is consented.
    benchmark_report_id: Mapped[int | None] = mapped_column(ForeignKey("benchmark_reports.id", ondelete="SET NULL"))
    fiscal_year: Mapped[int | None] = mapped_column(Integer)  # 年度 of sending: what the allowance counts
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    visit_on: Mapped[date | None] = mapped_column(Date)
    visit_time: Mapped[str] = mapped_column(String(20), default="")  # "14:00"
    visit_place: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    expert_name: Mapped[str] = mapped_column(String(100), default="")
    report_discussed: Mapped[str] = mapped_column(Text, default="")
    report_advice: Mapped[str] = mapped_column(Text, default="")
    report_next_steps: Mapped[str] = mapped_column(Text, default="")
    report_minutes: Mapped[int | None] = mapped_column(Integer)
    report_photo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)  # optional, JPEG or PNG
    report_photo_type: Mapped[str] = mapped_column(String(20), default="", server_default="")  # "": none
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rated_contacted: Mapped[bool | None] = mapped_column(Boolean)
    rated_useful: Mapped[bool | None] = mapped_column(Boolean)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    @property
    def state_label(self) -> str:
        return self.state.label


class ExpertRequestTransition(Base):
    __tablename__ = "expert_request_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("expert_requests.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))  # None: the portal
    actor: Mapped[str] = mapped_column(String(20))  # business | agency | system
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


class ExpertRequestReminder(Base):
    """The claim of one reminder: inserted before anything is sent, so a second run finds it taken."""

    __tablename__ = "expert_request_reminders"
    __table_args__ = (UniqueConstraint("request_id", "kind", name="uq_expert_request_reminders_request_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("expert_requests.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


class ExpertRequestRead(Base):
    """One read by the agency of the 事業データ sections the business consented to."""

    __tablename__ = "expert_request_reads"
    __table_args__ = (Index("ix_expert_request_reads_business_at", "business_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("expert_requests.id", ondelete="CASCADE"), index=True)
    business_id: Mapped[int] = mapped_column(ForeignKey("businesses.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    sections: Mapped[list[Any]] = mapped_column(JSON, default=list)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


class ExpertProgrammeSettings(Base):
    """The programme's settings as 職員 set them on their screen (one row, id 1); absent: the config's."""

    __tablename__ = "expert_programme_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    allowance: Mapped[int] = mapped_column(Integer)
    allowance_it_dx: Mapped[int] = mapped_column(Integer)
    agency_reminder_days: Mapped[str] = mapped_column(String(50))  # "3,9"
    business_reminder_days: Mapped[int] = mapped_column(Integer)
    expiry_days: Mapped[int] = mapped_column(Integer)
    confirm_reminder_days: Mapped[int] = mapped_column(Integer)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)
