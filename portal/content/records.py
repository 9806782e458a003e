"""The normalised records every importer yields, whatever the source format.

Importers only parse; `portal.content.services` is the one place that writes measures and cases,
so idempotence, tags, search indexing and the navi's cache stay consistent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


class ImportFormatError(Exception):
    """The file is not what the chosen format expects; nothing is written."""

    def __init__(self, message: str, record: int | None = None, field_name: str | None = None) -> None:
        where = []
        if record is not None:
            where.append(f"{record + 1}件目")
        if field_name:
            where.append(f"項目 {field_name}")
        super().__init__(f"{'・'.join(where)}: {message}" if where else message)
        self.record = record
        self.field_name = field_name


@dataclass
class Ref:
    """A link to a measure as a source names it; `source`/`source_id` when it names one we know."""

    title: str
    url: str = ""
    source: str = ""
    source_id: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"title": self.title, "url": self.url, "source": self.source, "source_id": self.source_id}


@dataclass
class SupportRecord:
    source: str
    source_id: str
    title: str
    number: str = ""
    subtitle: str = ""
    summary: str = ""
    body: str = ""
    body_format: str = "markdown"  # markdown | html
    target: str = ""
    usage: str = ""
    inquiry: str = ""
    reference: str = ""
    support_organization: str = ""
    governing_law: str = ""
    application_url: str = ""
    source_url: str = ""
    reception_start: date | None = None
    reception_end: date | None = None
    reception_remarks: str = ""
    publish_date: date | None = None
    unpublish_date: date | None = None
    special_measure: str = ""
    max_employees: int | None = None
    max_capital: int | None = None
    max_established_years: int | None = None
    subsidy_max_limit: int | None = None
    subsidy_rate: str = ""
    authorities: list[dict[str, Any]] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    related: list[Ref] = field(default_factory=list)
    # kind → values, kinds as in portal.models.support.TAG_KINDS
    tags: dict[str, list[str]] = field(default_factory=dict)
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass
class CaseRecord:
    source: str
    source_id: str
    title: str
    summary: str = ""
    year: int | None = None
    company_name: str = ""
    company_type: str = ""
    employees: int | None = None
    location_name: str = ""
    background: str = ""
    challenges: str = ""
    results: str = ""
    keywords: list[str] = field(default_factory=list)
    supports: list[Ref] = field(default_factory=list)
    source_url: str = ""
    tags: dict[str, list[str]] = field(default_factory=dict)  # purpose, stage, industry, prefecture
    created_at: datetime | None = None
    updated_at: datetime | None = None
