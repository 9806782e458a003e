"""Reading the project's demo format: offsets counted from the day of loading, ids and links kept
as demo refs, every tag a taxonomy value."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from portal import taxonomy
from portal.content.importers import demo
from portal.content.records import ImportFormatError

from .fixtures import ROOT, load

pytestmark = [pytest.mark.usefixtures("clock"), pytest.mark.instants]

SUPPORTS = ROOT / "portal" / "demo" / "supports.json"
CASES = ROOT / "portal" / "demo" / "cases.json"
TODAY = date(2026, 4, 1)
VALID = {"purpose": taxonomy.PURPOSES, "stage": taxonomy.STAGES, "service": taxonomy.SERVICES,
         "subkind": taxonomy.SERVICE_SUBKINDS, "industry": taxonomy.INDUSTRIES,
         "prefecture": taxonomy.PREFECTURES}


@pytest.fixture(scope="module")
def supports():
    return {r.source_id: r for r in demo.parse_supports(load(SUPPORTS), TODAY)}


def test_offsets_become_dates_counted_from_the_given_day(supports):
    first = supports["demo-s-001"]  # start −25, end +4, updated −6 in the file
    assert (first.reception_start, first.reception_end) == (date(2026, 3, 7), date(2026, 4, 5))
    assert first.updated_at == first.created_at == datetime(2026, 3, 26, 0, 0, tzinfo=UTC)  # 9:00 in Japan
    later = demo.parse_supports(load(SUPPORTS), date(2026, 4, 2))[0]
    assert later.reception_end == date(2026, 4, 6)


def test_demo_measures_keep_ids_texts_and_links_to_each_other(supports):
    first = supports["demo-s-001"]
    assert (first.source, first.title) == ("demo", "ものづくり・商業・サービス生産性向上促進補助金（製品・サービス高付加価値化枠）")
    assert first.authorities[0] == {"name": "中小企業庁", "kind": "gov"}
    assert first.special_measure == "ものづくり補助金" and first.reference.startswith("支援制度ナビのデモ用データ")
    related = first.related[0]
    assert (related.source, related.source_id) == ("demo", "demo-s-026")
    assert related.title == supports["demo-s-026"].title


def test_every_demo_tag_is_a_taxonomy_value(supports):
    assert len(supports) >= 150
    for record in supports.values():
        assert set(record.tags) <= set(VALID)
        for kind, values in record.tags.items():
            keys = {str(k) for k in VALID[kind]}
            assert set(values) <= keys, (record.source_id, kind, values)


def test_demo_cases_take_their_place_and_industry_from_the_company(supports):
    titles = {k: r.title for k, r in supports.items()}
    cases = demo.parse_cases(load(CASES), titles)
    first = cases[0]
    assert (first.source_id, first.company_name, first.employees, first.location_name) == (
        "demo-c-001", "株式会社みなと精工", 35, "兵庫県")
    assert first.tags == {"purpose": ["2"], "stage": ["7", "6"], "industry": ["E"], "prefecture": ["28"]}
    assert [(s.source_id, s.title) for s in first.supports] == [
        ("demo-s-001", supports["demo-s-001"].title), ("demo-s-011", supports["demo-s-011"].title)]
    assert len(cases) >= 80
    assert demo.parse_cases(load(CASES)) == cases  # titles default to the shipped measures


def test_a_demo_record_with_an_unknown_code_is_refused():
    data = load(SUPPORTS)
    data["items"][-1]["prefectures"] = ["48"]
    with pytest.raises(ImportFormatError) as caught:
        demo.parse_supports(data, TODAY)
    assert caught.value.field_name == "prefectures" and caught.value.record == len(data["items"]) - 1
