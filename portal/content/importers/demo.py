"""The project's own demo data (portal/demo/supports.json, cases.json) and `load_demo`.

Call periods and update times are written as offsets in days from the day of loading, so the
demo always shows calls that are open, closing soon, upcoming and closed. "Today" is the Japanese
date: loading twice on one day changes nothing, and loading on a later day moves the periods
(an update, which `portal seed` on every `make run` is allowed to do).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from portal import clock, taxonomy
from portal.content.importers.fields import Fields, dedupe, items_of, read_json
from portal.content.importers.transaction import index_changes, in_one_transaction, write_cases, write_supports
from portal.content.records import CaseRecord, ImportFormatError, Ref, SupportRecord

SOURCE = "demo"
DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
AUTHORITY_KINDS = {"gov", "lgov", "other"}
# Demo updates are stamped in the morning, Japan time, of their offset day.
UPDATE_TIME = time(9, 0)


def _ids(table: Mapping[int, Any]):
    return lambda value: value if value.isdigit() and int(value) in table else None


def _known(table: Mapping[str, Any]):
    return lambda value: value if value in table else None


def _list(f: Fields, name: str) -> list[Any]:
    values = f.raw(name) or []
    if not isinstance(values, list):
        raise f.fail(name, "配列ではありません")
    return values


def _refs(f: Fields, name: str, titles: Mapping[str, str]) -> list[Ref]:
    return [Ref(title=titles.get(i, ""), source=SOURCE, source_id=i) for i in dedupe(f.strings(name))]


def _day(today: date, f: Fields, name: str) -> date | None:
    offset = f.integer(name, minimum=None)
    return None if offset is None else today + timedelta(days=offset)


def _authorities(f: Fields) -> list[dict[str, str]]:
    found = []
    for obj in f.objects("authorities"):
        name, kind = f.text("authorities.name", where=obj), f.text("authorities.kind", where=obj)
        if not name or kind not in AUTHORITY_KINDS:
            raise f.fail("authorities", f"name と kind（gov・lgov・other）が必要です（{obj!r}）")
        found.append({"name": name, "kind": kind})
    return found


def parse_support(item: Any, index: int, today: date, titles: Mapping[str, str],
                  attribution: str) -> SupportRecord:
    f = Fields(item, index)
    tags = {
        "purpose": f.codes("purposes", _list(f, "purposes"), _ids(taxonomy.PURPOSES)),
        "stage": f.codes("stages", _list(f, "stages"), _ids(taxonomy.STAGES)),
        "service": f.codes("services", _list(f, "services"), _ids(taxonomy.SERVICES)),
        "subkind": f.codes("service_subkinds", _list(f, "service_subkinds"), _ids(taxonomy.SERVICE_SUBKINDS)),
        "industry": f.codes("industries", f.strings("industries"), _known(taxonomy.INDUSTRIES)),
        "prefecture": f.codes("prefectures", f.strings("prefectures"), _known(taxonomy.PREFECTURES)),
    }
    updated_day = _day(today, f, "updated_offset")
    updated = (datetime.combine(updated_day, UPDATE_TIME, clock.JST).astimezone(UTC)
               if updated_day else None)
    return SupportRecord(
        source=SOURCE,
        source_id=f.required_id(),
        title=f.required_text("title"),
        subtitle=f.text("subtitle"),
        summary=f.text("summary"),
        body=f.text("body"),
        target=f.text("target"),
        usage=f.text("usage"),
        inquiry=f.text("inquiry"),
        reference=attribution,
        support_organization=f.text("support_organization"),
        application_url=f.text("application_url"),
        reception_start=_day(today, f, "reception_start_offset"),
        reception_end=_day(today, f, "reception_end_offset"),
        reception_remarks=f.text("reception_remarks"),
        special_measure=f.text("special_measure"),
        max_employees=f.integer("max_employees"),
        max_capital=f.integer("max_capital"),
        max_established_years=f.integer("max_established_years"),
        authorities=_authorities(f),
        keywords=dedupe(f.strings("keywords")),
        related=_refs(f, "related", titles),
        tags={kind: values for kind, values in tags.items() if values},
        created_at=updated,
        updated_at=updated,
    )


def _titles(items: list[Any]) -> dict[str, str]:
    return {str(i["id"]): i["title"] for i in items
            if isinstance(i, dict) and isinstance(i.get("id"), str) and isinstance(i.get("title"), str)}


def parse_supports(data: Any, today: date) -> list[SupportRecord]:
    """`{"attribution", "items": [...]}`; offsets become dates counted from `today`."""
    items = items_of(data)
    attribution = data.get("attribution", "") if isinstance(data, dict) else ""
    if not isinstance(attribution, str):
        raise ImportFormatError("attribution が文字列ではありません", field_name="attribution")
    titles = _titles(items)
    return [parse_support(item, index, today, titles, attribution.strip()) for index, item in enumerate(items)]


def parse_supports_today(data: Any) -> list[SupportRecord]:
    """`parse_supports` with today's Japanese date, for `portal import supports --format demo`."""
    return parse_supports(data, clock.today())


def parse_case(item: Any, index: int, titles: Mapping[str, str]) -> CaseRecord:
    f = Fields(item, index)
    company = f.mapping("company")
    industry = f.text("company.industry", where=company)
    prefecture = f.text("company.prefecture", where=company)
    tags = {
        "purpose": f.codes("purposes", _list(f, "purposes"), _ids(taxonomy.PURPOSES)),
        "stage": f.codes("stages", _list(f, "stages"), _ids(taxonomy.STAGES)),
        "industry": f.codes("company.industry", [industry] if industry else [], _known(taxonomy.INDUSTRIES)),
        "prefecture": f.codes("company.prefecture", [prefecture] if prefecture else [],
                              _known(taxonomy.PREFECTURES)),
    }
    return CaseRecord(
        source=SOURCE,
        source_id=f.required_id(),
        title=f.required_text("title"),
        summary=f.text("summary"),
        year=f.integer("year"),
        company_name=f.text("company.name", where=company),
        company_type=f.text("company.type", where=company),
        employees=f.integer("company.employees", where=company),
        location_name=taxonomy.PREFECTURES.get(prefecture, ""),
        background=f.text("background"),
        challenges=f.text("challenges"),
        results=f.text("results"),
        keywords=dedupe(f.strings("keywords")),
        supports=_refs(f, "supports", titles),
        tags={kind: values for kind, values in tags.items() if values},
    )


def shipped_titles() -> dict[str, str]:
    """Demo id → title of the shipped measures."""
    return _titles(items_of(read_json(DEMO_DIR / "supports.json")))


def parse_cases(data: Any, support_titles: Mapping[str, str] | None = None) -> list[CaseRecord]:
    """`{"items": [...]}`; `support_titles` (demo id → title, by default those of the shipped
    measures) names the measures each case used, the same way whichever command loads the cases."""
    titles = shipped_titles() if support_titles is None else support_titles
    return [parse_case(item, index, titles) for index, item in enumerate(items_of(data))]


def load_demo(session: Session, today: date | None = None) -> list[str]:
    """Loads (or refreshes) the demo measures and cases in one transaction and indexes what changed.

    Returns the report lines `portal seed` prints."""
    today = today or clock.today()
    supports_data = read_json(DEMO_DIR / "supports.json")
    cases_data = read_json(DEMO_DIR / "cases.json")

    def work():
        supports = parse_supports(supports_data, today)
        titles = {s.source_id: s.title for s in supports}
        return (write_supports(session, supports),
                write_cases(session, parse_cases(cases_data, titles)))

    supports_report, cases_report = in_one_transaction(session, work)
    index_changes(session, supports_report, cases_report)
    return [supports_report.summary("デモの支援制度"), cases_report.summary("デモの事例")]
