"""The programme's settings (allowances, reminder days), and the 年度 they count by.

職員 set them on /staff/expert-requests/settings (one row of `ExpertProgrammeSettings`); until they
do, the config's values hold: EXPERT_ALLOWANCE (visits per theme per 年度, 3), EXPERT_ALLOWANCE_IT_DX (5),
EXPERT_AGENCY_REMINDER_DAYS ("3,9"), EXPERT_BUSINESS_REMINDER_DAYS (9), EXPERT_EXPIRY_DAYS (45) and
EXPERT_CONFIRM_REMINDER_DAYS (7).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

DEFAULTS = {
    "EXPERT_ALLOWANCE": 3, "EXPERT_ALLOWANCE_IT_DX": 5, "EXPERT_AGENCY_REMINDER_DAYS": "3,9",
    "EXPERT_BUSINESS_REMINDER_DAYS": 9, "EXPERT_EXPIRY_DAYS": 45, "EXPERT_CONFIRM_REMINDER_DAYS": 7,
}


def fiscal_year(day: date) -> int:
    """The 年度 (April–March) a Japanese date falls in: 2026-03-31 → 2025, 2026-04-01 → 2026."""
    return day.year if day.month >= 4 else day.year - 1


@dataclass(frozen=True)
class Programme:
    allowance: int = 3
    allowance_it_dx: int = 5
    agency_reminder_days: tuple[int, ...] = (3, 9)
    business_reminder_days: int = 9
    expiry_days: int = 45
    confirm_reminder_days: int = 7

    @classmethod
    def from_config(cls, config: Mapping[str, object]) -> Programme:
        def get(name):
            return config.get(name, DEFAULTS[name])

        days = get("EXPERT_AGENCY_REMINDER_DAYS")
        if isinstance(days, str):
            days = tuple(int(part) for part in days.split(",") if part.strip())
        return cls(int(get("EXPERT_ALLOWANCE")), int(get("EXPERT_ALLOWANCE_IT_DX")), tuple(days),
                   int(get("EXPERT_BUSINESS_REMINDER_DAYS")), int(get("EXPERT_EXPIRY_DAYS")),
                   int(get("EXPERT_CONFIRM_REMINDER_DAYS")))

    def allowance_for(self, theme: str) -> int:
        return self.allowance_it_dx if theme == "it_dx" else self.allowance


    def days_text(self) -> str:
        return ",".join(str(day) for day in self.agency_reminder_days)


def parse_days(text: str) -> tuple[int, ...]:
    """"3,9" (or "3、9", "3 9") → (3, 9); ValueError when a part is not a whole number of days."""
    import re

    parts = [part for part in re.split(r"[,、\s]+", text.strip()) if part]
    if not all(part.isascii() and part.isdigit() for part in parts):
        raise ValueError(text)
    return tuple(int(part) for part in parts)


def load(session, config: Mapping[str, object]) -> Programme:
    """The stored settings, else the config's."""
    from portal.models import ExpertProgrammeSettings

    row = session.get(ExpertProgrammeSettings, 1)
    if row is None:
        return Programme.from_config(config)
    return Programme(row.allowance, row.allowance_it_dx, parse_days(row.agency_reminder_days),
                     row.business_reminder_days, row.expiry_days, row.confirm_reminder_days)


def store(session, programme: Programme, user_id: int | None) -> None:
    """Save the settings 職員 chose (the caller commits)."""
    from portal.models import ExpertProgrammeSettings

    row = session.get(ExpertProgrammeSettings, 1)
    if row is None:
        row = ExpertProgrammeSettings(id=1)
        session.add(row)
    row.allowance, row.allowance_it_dx = programme.allowance, programme.allowance_it_dx
    row.agency_reminder_days = programme.days_text()
    row.business_reminder_days, row.expiry_days = programme.business_reminder_days, programme.expiry_days
    row.confirm_reminder_days = programme.confirm_reminder_days
    row.updated_by_id = user_id


def current() -> Programme:
    from flask import current_app

    from portal.db import get_session

    return load(get_session(), current_app.config)
