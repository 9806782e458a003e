"""支援機関を探す: text search, each filter and their combination, facet counts, the address round trip,
the form without JavaScript, the htmx region, expired certifications, the agency page and its link
to the 認定支援機関 connector (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest

from portal import store
from portal.clock import today
from portal.models import AgencyKind, Role
from tests.business_factories import (
    PASSWORD,
    VALID_NUMBERS,
    make_account,
    signed_in_owner,
)
from tests.helpers import text
from tests.web.agency_dom import Node, parse
from tests.web.test_accounts import login

pytestmark = pytest.mark.usefixtures("clock")

HX = {"HX-Request": "true", "HX-Target": "navi-region"}


def add(session, number: str, name: str, kind: AgencyKind, prefecture: str | None, specialties=(), regions=(),
        nationwide=False, valid_days: int | None = 365, **more):
    valid_until = today() + timedelta(days=valid_days) if valid_days is not None else None
    agency, _ = store.upsert_agency(session, {
        "certification_number": number, "name": name, "kind": kind, "prefecture": prefecture,
        "specialties": list(specialties), "regions": list(regions), "nationwide": nationwide,
        "valid_until": valid_until, **more})
    session.commit()
    return agency


@pytest.fixture
def agencies(session):
    """Five agencies: two in 神奈川 (one a bank), one in 東京 serving 神奈川, one nationwide, one expired."""
    return {
        "hama": add(session, "100014000001", "はまかぜ税理士法人", AgencyKind.TAX_ACCOUNTANT, "14",
                    ["事業承継", "税務・会計"], ["14"], address="横浜市中区海岸通1-1", phone="045-000-0001",
                    url="https://hamakaze.example.jp/", certified_on=today() - timedelta(days=30)),
        "bank": add(session, "100014000002", "みなと信用金庫", AgencyKind.FINANCIAL_INSTITUTION, "14",
                    ["資金繰り", "事業承継"], ["14", "13"], address="横須賀市本町2-2"),
        "tokyo": add(session, "100013000003", "神田経営コンサルティング株式会社", AgencyKind.CONSULTING_FIRM, "13",
                     ["補助金の申請支援"], ["13", "14", "11"], address="千代田区神田1-1"),
        "zenkoku": add(session, "100027000004", "全国ＤＸ支援機構", AgencyKind.NPO, "27", ["DX・IT導入"],
                       nationwide=True, address="大阪市北区1-1"),
        "old": add(session, "100014000005", "旧港税理士事務所", AgencyKind.TAX_ACCOUNTANT, "14", ["事業承継"], ["14"],
                   valid_days=-1, address="川崎市1-1"),
    }


def page(client, url: str, **kwargs) -> Node:
    response = client.get(url, **kwargs)
    assert response.status_code == 200, text(response)[:400]
    return parse(text(response))


def names(soup: Node) -> list[str]:
    return [h.one("a").text().strip() for h in soup.all("h3", "result__title")]


def facet(soup: Node, name: str, value: str) -> int:
    """The count an option shows (「神奈川県（3件）」, 「金融機関 2件」)."""
    if name == "prefecture":
        label = soup.one("select", id="f-prefecture").one("option", value=value).text()
    else:
        label = soup.one("input", name=name, value=value).ancestor("label").text()
    return int(re.search(r"(\d+)件", label).group(1))


def test_without_conditions_it_lists_the_valid_agencies(client, agencies):
    soup = page(client, "/agencies")
    assert sorted(names(soup)) == sorted(["はまかぜ税理士法人", "みなと信用金庫", "神田経営コンサルティング株式会社",
                                          "全国ＤＸ支援機構"])
    assert "4件の支援機関" in soup.one("p", "results-count").text()
    assert soup.one("h1").text() == "支援機関を探す"


@pytest.mark.parametrize(("q", "expected"), [
    ("信用金庫", {"みなと信用金庫"}),  # name
    ("事業承継", {"はまかぜ税理士法人", "みなと信用金庫"}),  # 得意分野 (the expired one left out)
    ("横須賀", {"みなと信用金庫"}),  # 所在地
    ("神奈川県", {"はまかぜ税理士法人", "みなと信用金庫"}),  # the prefecture of the address
    ("ｄｘ", {"全国ＤＸ支援機構"}),  # full-width and case do not matter
    ("事業承継 横浜", {"はまかぜ税理士法人"}),  # every word must match
    ("存在しない言葉", set()),
])
def test_text_searches_name_specialties_and_address(client, agencies, q, expected):
    assert set(names(page(client, "/agencies", query_string={"q": q}))) == expected


def test_the_prefecture_filter_takes_the_agency_s_own_prefecture_its_regions_and_nationwide(client, agencies):
    assert set(names(page(client, "/agencies?prefecture=14"))) == {
        "はまかぜ税理士法人", "みなと信用金庫", "神田経営コンサルティング株式会社", "全国ＤＸ支援機構"}
    assert set(names(page(client, "/agencies?prefecture=11"))) == {"神田経営コンサルティング株式会社", "全国ＤＸ支援機構"}
    assert set(names(page(client, "/agencies?prefecture=47"))) == {"全国ＤＸ支援機構"}


def test_the_kind_filter_ors_its_values(client, agencies):
    assert names(page(client, "/agencies?kind=financial_institution")) == ["みなと信用金庫"]
    assert set(names(page(client, "/agencies?kind=financial_institution&kind=npo"))) == {"みなと信用金庫",
                                                                                         "全国ＤＸ支援機構"}


def test_the_specialty_filter_ors_its_values(client, agencies):
    assert set(names(page(client, "/agencies", query_string={"specialty": "事業承継"}))) == {
        "はまかぜ税理士法人", "みなと信用金庫"}
    assert set(names(page(client, "/agencies", query_string=[("specialty", "資金繰り"), ("specialty", "DX・IT導入")]))) \
        == {"みなと信用金庫", "全国ＤＸ支援機構"}


def test_filters_and_text_combine(client, agencies):
    url = "/agencies?q=事業承継&prefecture=14&kind=tax_accountant&specialty=事業承継"
    assert names(page(client, url)) == ["はまかぜ税理士法人"]
    assert names(page(client, "/agencies?prefecture=11&kind=tax_accountant")) == []


def test_each_option_counts_what_ticking_it_would_give(client, agencies):
    soup = page(client, "/agencies?kind=tax_accountant")
    assert facet(soup, "kind", "financial_institution") == 1  # its own filter left out
    assert facet(soup, "kind", "tax_accountant") == 1  # the expired one is not counted
    assert facet(soup, "prefecture", "14") == 1  # other filters kept: 税理士 in 神奈川
    assert facet(soup, "prefecture", "13") == 0
    assert facet(soup, "specialty", "事業承継") == 1
    soup = page(client, "/agencies?prefecture=13")
    assert facet(soup, "kind", "consulting_firm") == 1 and facet(soup, "kind", "financial_institution") == 1
    assert facet(soup, "kind", "tax_accountant") == 0
    assert facet(soup, "prefecture", "14") == 4 and facet(soup, "prefecture", "01") == 1  # nationwide counts everywhere
    for kind, expected in (("financial_institution", 1), ("npo", 1), ("consulting_firm", 1)):
        assert len(names(page(client, f"/agencies?prefecture=13&kind={kind}"))) == expected


def test_the_form_round_trips_through_the_address(client, agencies):
    url = "/agencies?q=事業承継&prefecture=14&kind=financial_institution&kind=tax_accountant&specialty=事業承継&expired=1"
    soup = page(client, url)
    form = soup.one("form", id="navi-form")
    assert form["method"] == "get" and form["action"] == "/agencies"
    controls = [c for c in soup.all() if c.get("form") == "navi-form" and c.tag in ("input", "select")]
    controls += form.all("input")
    sent = []
    for control in controls:
        if control.tag == "select":
            chosen = next((o for o in control.all("option") if o.has("selected")), None)
            if chosen is not None and chosen["value"]:
                sent.append((control["name"], chosen["value"]))
        elif control.get("type") == "checkbox":
            if control.has("checked"):
                sent.append((control["name"], control["value"]))
        elif control.get("name") and control.get("value"):
            sent.append((control["name"], control["value"]))
    expected = parse_qsl(urlsplit(url).query)
    assert sorted(sent) == sorted(expected)
    assert set(names(soup)) == {"はまかぜ税理士法人", "みなと信用金庫", "旧港税理士事務所"}


def test_it_works_without_javascript(client, agencies):
    soup = page(client, "/agencies")
    noscript = soup.one("noscript")
    assert noscript is not None and noscript.one("button", form="navi-form", type="submit")
    region = soup.one("div", id="navi-region")
    for control in region.all("input") + region.all("select"):
        assert control.get("form") == "navi-form", control.attrs
        assert soup.one("label", for_=control["id"]) or control.ancestor("label"), control.attrs


def test_the_htmx_request_gets_the_region_and_the_address_to_push(client, agencies):
    response = client.get("/agencies?kind=npo&page=1&q=", headers=HX)
    assert response.status_code == 200
    body = text(response)
    assert body.lstrip().startswith('<div id="navi-region"') and "<html" not in body
    assert "全国ＤＸ支援機構" in body and "みなと信用金庫" not in body
    assert response.headers["HX-Push-Url"] == "/agencies?kind=npo"
    assert "HX-Request" in response.headers["Vary"]
    assert client.get("/agencies", headers=HX).headers["HX-Push-Url"] == "/agencies"


def test_expired_agencies_are_left_out_unless_asked_for_and_then_marked(client, agencies):
    soup = page(client, "/agencies?q=事業承継")
    assert "旧港税理士事務所" not in names(soup)
    assert "（1件）" in soup.one("input", id="f-expired").ancestor("label").text()
    soup = page(client, "/agencies?q=事業承継&expired=1")
    assert names(soup)[-1] == "旧港税理士事務所"  # after the valid ones
    last = soup.all("li", "result")[-1]
    assert "認定の有効期限切れ" in last.text()
    assert not any("有効期限切れ" in r.text() for r in soup.all("li", "result")[:-1])


def test_pages_of_twenty(client, session):
    for i in range(25):
        add(session, f"1000130001{i:02d}", f"経営支援事務所{i:02d}", AgencyKind.SME_CONSULTANT, "13")
    first, second = page(client, "/agencies"), page(client, "/agencies?page=2")
    assert len(names(first)) == 20 and len(names(second)) == 5
    assert first.one("a", rel="next")["href"] == "/agencies?page=2"


@pytest.mark.parametrize("query", ["prefecture=99", "kind=bank", "expired=yes", "page=0", "q=" + "あ" * 201])
def test_a_malformed_address_says_so_and_shows_the_search_without_conditions(client, agencies, query):
    response = client.get(f"/agencies?{query}")
    assert response.status_code == 400
    soup = parse(text(response))
    assert soup.one(role="alert") is not None and len(names(soup)) == 4


def test_an_agency_page_shows_the_published_items(client, agencies):
    soup = page(client, f"/agencies/{agencies['hama'].id}")
    dl = soup.one("dl", "facts")
    items = [n for n in dl.children if isinstance(n, Node)]
    facts = {dt.text(): " ".join(dd.text(" ").split()) for dt, dd in zip(items[::2], items[1::2], strict=True)}
    assert facts["機関名"] == "はまかぜ税理士法人"
    assert facts["種別"] == "税理士"
    assert facts["認定番号"] == "100014000001"
    valid_until, certified_on = today() + timedelta(days=365), today() - timedelta(days=30)
    assert facts["有効期限"] == f"{valid_until.year}年{valid_until.month}月{valid_until.day}日"
    assert facts["認定日"] == f"{certified_on.year}年{certified_on.month}月{certified_on.day}日"
    assert facts["所在地"] == "神奈川県 横浜市中区海岸通1-1"
    assert "045-000-0001" in facts["連絡先"] and "https://hamakaze.example.jp/" in facts["連絡先"]
    assert facts["得意分野"] == "事業承継 、 税務・会計"
    assert facts["対応地域"] == "神奈川県"
    assert soup.one("a", href="https://hamakaze.example.jp/") is not None
    assert "有効期限切れ" not in soup.one("article", "detail").text()


def test_an_agency_page_marks_an_expired_certification(client, agencies):
    soup = page(client, f"/agencies/{agencies['old'].id}")
    assert "認定の有効期限切れ" in soup.one("header", "detail__header").text()


def test_a_website_that_is_not_http_is_not_a_link(client, session):
    agency = add(session, "100013000777", "怪しい事務所", AgencyKind.OTHER, "13", url="javascript:alert(1)")
    body = text(client.get(f"/agencies/{agency.id}"))
    assert "javascript:" not in body


def test_an_unknown_agency_is_404(client, agencies):
    response = client.get("/agencies/999999")
    assert response.status_code == 404
    assert "支援機関は見つかりませんでした" in text(response)


def link_offer(soup) -> str | None:
    """The href of the page's link to the 認定支援機関 consent page, if it offers one."""
    hrefs = [a["href"] for a in soup.all("a") if a.get("href", "").startswith("/mypage/links/agency/link")]
    return hrefs[0] if hrefs else None


def test_a_business_gets_the_consent_page_with_the_number_filled_in(client, session, agencies):
    signed_in_owner(client, session)
    soup = page(client, f"/agencies/{agencies['bank'].id}")
    assert link_offer(soup) == "/mypage/links/agency/link?certification_number=100014000002"
    number = soup.one("input", id="agency-number")
    assert number["value"] == "100014000002" and number.has("readonly")
    assert soup.one("label", for_="agency-number") is not None
    consent = page(client, link_offer(soup))
    assert any(field.get("value") == "100014000002" for field in consent.all("input", name="credential_0"))


def test_the_business_s_own_agency_says_so(client, session, agencies):
    user, business = signed_in_owner(client, session)
    store.link_agency(session, business, agencies["bank"], store.MANUAL, user)
    session.commit()
    soup = page(client, f"/agencies/{agencies['bank'].id}")
    assert "あなたの会社が連携している支援機関です" in soup.text()
    assert soup.one("input", id="agency-number") is None


def test_another_business_s_link_is_not_shown(client, session, agencies):
    """Which agency a business works with is its own data: another business never sees it here."""
    other_user, other = signed_in_owner(session.info["app"].test_client(), session, email="other@example.jp")
    store.link_agency(session, other, agencies["bank"], store.MANUAL, other_user)
    session.commit()
    signed_in_owner(client, session, email="me@example.jp", number=VALID_NUMBERS[1], name="株式会社わたしの店")
    soup = page(client, f"/agencies/{agencies['bank'].id}")
    assert "連携している支援機関です" not in soup.text()
    assert soup.one("input", id="agency-number") is not None
    assert "株式会社テスト商事" not in text(client.get("/agencies?q=みなと"))


def test_no_link_offer_for_an_expired_agency_visitors_or_supporters(client, session, agencies):
    assert link_offer(page(client, f"/agencies/{agencies['bank'].id}")) is None
    signed_in_owner(client, session)
    soup = page(client, f"/agencies/{agencies['old'].id}")
    assert link_offer(soup) is None and "連携できません" in soup.text()
    supporter = session.info["app"].test_client()
    user = make_account(session, role=Role.SUPPORTER)
    assert login(supporter, email=user.email, password=PASSWORD).status_code == 303
    assert link_offer(page(supporter, f"/agencies/{agencies['bank'].id}")) is None


def test_the_directory_copy_follows_changes(client, session, agencies, clock):
    assert "はまかぜ税理士法人" in names(page(client, "/agencies"))
    clock.advance(seconds=1)  # the copy is keyed by the newest updated_at; a later edit moves it
    store.upsert_agency(session, {"certification_number": "100014000001", "name": "はまかぜ総合税理士法人"})
    session.commit()
    assert "はまかぜ総合税理士法人" in names(page(client, "/agencies"))


def test_the_header_has_the_nav_item(client, agencies):
    soup = page(client, "/")
    labels = [a.text().strip() for nav in soup.one("header").all("nav") for a in nav.all("a")]
    assert "支援機関を探す" in labels
    assert labels.index("事例を探す") < labels.index("支援機関を探す")
