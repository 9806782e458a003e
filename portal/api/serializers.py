"""JSON shapes of measures and cases, exactly as contracts.md lists them."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import url_for

from portal.content.status import status_of
from portal.models import Case, Support


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def support_summary(support: Support, today: date) -> dict[str, Any]:
    status = status_of(support, today)
    return {
        "id": support.id,
        "title": support.title,
        "summary": support.summary,
        "url": url_for("navi.support_detail", support_id=support.id, _external=True),
        "status": status.api_code,
        "deadline": _iso(status.deadline),
        "purposes": [int(v) for v in support.tag_values("purpose")],
        "prefectures": support.tag_values("prefecture"),
        "authorities": [a.get("name", "") for a in support.authorities or []],
    }


def support_detail(support: Support, today: date, case_ids: list[int],
                   related: list[tuple[dict, Support | None]]) -> dict[str, Any]:
    status = status_of(support, today)
    data = support_summary(support, today)
    data.update({
        "number": support.number,
        "subtitle": support.subtitle,
        "body": support.body,
        "body_format": support.body_format,
        "target": support.target,
        "usage": support.usage,
        "inquiry": support.inquiry,
        "reference": support.reference,
        "support_organization": support.support_organization,
        "governing_law": support.governing_law,
        "application_url": support.application_url or None,
        "source": support.source,
        "source_url": support.source_url or None,
        "reception_start": _iso(support.reception_start),
        "reception_end": _iso(support.reception_end),
        "reception_remarks": support.reception_remarks,
        "status_label": status.label,
        "stages": [int(v) for v in support.tag_values("stage")],
        "services": [int(v) for v in support.tag_values("service")],
        "service_subkinds": [int(v) for v in support.tag_values("subkind")],
        "industries": support.tag_values("industry"),
        "authorities_detail": support.authorities,
        "keywords": support.keywords,
        "special_measure": support.special_measure or None,
        "conditions": {
            "max_employees": support.max_employees,
            "max_capital": support.max_capital,
            "max_established_years": support.max_established_years,
        },
        "subsidy_max_limit": support.subsidy_max_limit,
        "subsidy_rate": support.subsidy_rate or None,
        "related": [{"title": ref.get("title", ""), "url": ref.get("url") or None,
                     "id": found.id if found else None} for ref, found in related],
        "case_ids": case_ids,
        "updated_at": _iso(support.updated_at),
    })
    return data


def case_summary(case: Case) -> dict[str, Any]:
    return {
        "id": case.id,
        "title": case.title,
        "summary": case.summary,
        "url": url_for("navi.case_detail", case_id=case.id, _external=True),
        "year": case.year,
        "company": case.company_name,
        "industry": (case.tag_values("industry") or [None])[0],
        "prefecture": (case.tag_values("prefecture") or [None])[0],
        "purposes": [int(v) for v in case.tag_values("purpose")],
        "support_ids": [s.id for s in case.supports],
    }


def case_detail(case: Case) -> dict[str, Any]:
    data = case_summary(case)
    data.update({
        "company_type": case.company_type or None,
        "employees": case.employees,
        "location": case.location_name or None,
        "stages": [int(v) for v in case.tag_values("stage")],
        "background": case.background,
        "challenges": case.challenges,
        "results": case.results,
        "keywords": case.keywords,
        "supports": [{"id": s.id, "title": s.title} for s in case.supports],
        "support_refs": [{"title": r.get("title", ""), "url": r.get("url") or None} for r in case.support_refs],
        "updated_at": _iso(case.updated_at),
    })
    return data


def facets_json(facets) -> dict[str, list[dict[str, Any]]]:
    return {name: [{"id": v.id, "name": v.name, "count": v.count} for v in values]
            for name, values in facets.items()}
