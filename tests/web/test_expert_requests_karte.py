"""専門家派遣依頼 from a saved 経営カルテ: the report page offers 「専門家に相談する」 where indicators
are weak, the form attaches the report, and the agency reads it only when the business consented
(the read logged and shown to the business). Another business's report cannot be attached."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import select

from portal.models import ExpertRequest, ExpertRequestRead
from portal.models.benchmark import BenchmarkReport
from tests.business_factories import VALID_NUMBERS, make_agency, signed_in_owner, signed_in_supporter
from tests.helpers import submit, text

pytestmark = pytest.mark.usefixtures("clock")

SCORES = {"sales_growth": 2, "operating_margin": 1, "labor_productivity": 3, "ebitda_debt_ratio": 4,
          "working_capital_months": 5, "equity_ratio": 3}


def _report(session, client, scores=SCORES) -> BenchmarkReport:
    """A report saved through the ロカベン screen, its 最新期 points then set to `scores`."""
    from tests.web.test_benchmark_pages import save

    report = session.get(BenchmarkReport, save(client))
    results = copy.deepcopy(report.results)
    for key, points in scores.items():
        results["periods"][0]["indicators"][key]["score"] = points
    report.results = results
    session.commit()
    return report


@pytest.fixture
def world(app, session):
    agency = make_agency(session, "109913000101", "みなと経営支援センター", prefecture="13", regions=["13"])
    owner_client = app.test_client()
    _owner, business = signed_in_owner(owner_client, session, email="owner@example.jp", prefecture="13")
    supporter_client = app.test_client()
    signed_in_supporter(supporter_client, session, agency, email="shien1@example.jp")
    stranger_client = app.test_client()
    _stranger, other = signed_in_owner(stranger_client, session, email="other@example.jp",
                                       number=VALID_NUMBERS[1], name="別商店")
    return dict(session=session, agency=agency, business=business, owner_client=owner_client,
                supporter_client=supporter_client, stranger_client=stranger_client, other=other)


def _send(w, report_id, **extra):
    data = {"themes": ["management"], "description": "営業利益率の相談", "format": "visit", "preferred_dates": "",
            "sections": ["basic"], "agency_id": str(w["agency"].id), "report": str(report_id), "action": "send",
            **extra}
    response = submit(w["owner_client"], f"/expert-requests/new?report={report_id}", data)
    assert response.status_code == 303, text(response)
    return w["session"].scalars(select(ExpertRequest).order_by(ExpertRequest.id.desc())).first()


def test_weak_indicators_offer_an_expert_with_the_report(world):
    report = _report(world["session"], world["owner_client"])
    page = text(world["owner_client"].get(f"/benchmark/reports/{report.id}"))
    assert "点数の低い指標" in page and "売上増加率：2点" in page and "営業利益率：1点" in page
    assert "労働生産性：3点" not in page
    assert f'href="/expert-requests/new?report={report.id}">専門家に相談する' in page


def test_a_report_without_weak_indicators_offers_nothing(world):
    report = _report(world["session"], world["owner_client"], {key: 3 for key in SCORES})
    page = text(world["owner_client"].get(f"/benchmark/reports/{report.id}"))
    assert "専門家に相談する" not in page and "点数の低い指標" not in page


def test_the_form_attaches_the_report_and_names_the_weak_indicators(world):
    report = _report(world["session"], world["owner_client"])
    page = text(world["owner_client"].get(f"/expert-requests/new?report={report.id}"))
    assert "添付する経営カルテ" in page and f'name="report" value="{report.id}"' in page
    assert "経営カルテ「2024-03期までの経営カルテ」で点数の低かった指標：売上増加率（2点）、営業利益率（1点）" in page
    assert 'name="share_report" type="checkbox" value="y">' in page  # not ticked until the business does


def test_the_agency_reads_the_report_only_when_consented(world):
    w = world
    report = _report(w["session"], w["owner_client"])
    kept = _send(w, report.id)
    assert kept.benchmark_report_id == report.id and kept.consented_sections == ["basic"]
    page = text(w["supporter_client"].get(f"/agency/expert-requests/{kept.id}"))
    assert "添付した経営カルテ" not in page and "財務分析の結果" not in page
    assert "支援機関には見せない" in text(w["owner_client"].get(f"/expert-requests/{kept.id}"))

    shown = _send(w, report.id, share_report="y")
    assert shown.consented_sections == ["basic", "report"]
    page = text(w["supporter_client"].get(f"/agency/expert-requests/{shown.id}"))
    assert "添付した経営カルテ「2024-03期までの経営カルテ」" in page and "財務分析の結果（評価点は1〜5点）" in page
    [read] = w["session"].scalars(select(ExpertRequestRead).where(ExpertRequestRead.request_id == shown.id)).all()
    assert read.sections == ["basic", "report"]
    mine = text(w["owner_client"].get(f"/expert-requests/{shown.id}"))
    assert "支援機関に見せる" in mine and "基本情報、添付した経営カルテ" in mine


def test_the_agency_does_not_see_the_report_through_the_shared_reports_page(world):
    w = world
    report = _report(w["session"], w["owner_client"])
    _send(w, report.id, share_report="y")
    assert w["supporter_client"].get(f"/benchmark/shared/{report.id}").status_code == 404


def test_another_businesss_report_cannot_be_attached(world):
    w = world
    foreign = _report(w["session"], w["stranger_client"])
    page = text(w["owner_client"].get(f"/expert-requests/new?report={foreign.id}"))
    assert "添付する経営カルテ" not in page and foreign.title not in page
    request = _send(w, foreign.id, share_report="y")
    assert request.benchmark_report_id is None and "report" not in request.consented_sections
    assert foreign.title not in text(w["supporter_client"].get(f"/agency/expert-requests/{request.id}"))
