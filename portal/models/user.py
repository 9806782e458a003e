"""Accounts: a person who logs in, with one role."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Enum, String
from sqlalchemy.orm import Mapped, mapped_column

from portal import clock
from portal.db import Base
from portal.models.base import UTCDateTime


class Role(enum.StrEnum):
    BUSINESS = "business"
    SUPPORTER = "supporter"
    STAFF = "staff"

    @property
    def label(self) -> str:
        return {"business": "事業者", "supporter": "支援者", "staff": "職員"}[self.value]


class User(UserMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(100), default="")
    role: Mapped[Role] = mapped_column(
        Enum(Role, name="user_role", native_enum=False, length=20,
             values_callable=lambda roles: [r.value for r in roles]),
        default=Role.BUSINESS,
    )
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # 職員 only: "editor" (編集者: edit, submit; the default) or "publisher" (公開者: approve, publish).
    editor_role: Mapped[str | None] = mapped_column(String(20))
    # 利用規約: the version this person last agreed to and when (None: no agreement recorded).
    terms_version: Mapped[str | None] = mapped_column(String(20))
    terms_agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def is_active(self) -> bool:  # flask-login: a disabled account cannot log in
        return self.active

    @property
    def is_staff(self) -> bool:
        return self.role is Role.STAFF

    @property
    def is_publisher(self) -> bool:
        return self.is_staff and self.editor_role == "publisher"

    @property
    def editor_role_label(self) -> str:
        return "公開者" if self.editor_role == "publisher" else "編集者"

    @property
    def name_for_display(self) -> str:
        return self.display_name or self.email
