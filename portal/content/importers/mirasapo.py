"""ミラサポplus JSON (domain.md §3): 支援制度 from the registry dump `{"total", "items": [...]}` and
事例 from the same API family, read into `SupportRecord` / `CaseRecord`.

Category ids are the portal's own tag values (the taxonomy copies ミラサポplus's ids); a prefecture's
`id` is its JIS code without the leading zero (checked against its name); an industry's `number`
is the JSIC letter. Fields the portal has no column for but a reader needs — `application_target`
and `area` — are appended to 対象者 as their own sections. `business_scales` (meaning unconfirmed),
`catalogs`, `has_case_studies` and the personal-life taxonomies are not kept.
"""

from __future__ import annotations

import re
from typing import Any

from portal import taxonomy
from portal.content.importers.fields import Fields, dedupe, items_of, with_sections
from portal.content.records import CaseRecord, Ref, SupportRecord

SOURCE = "mirasapo"
SITE = "https://seido-navi.mirasapo-plus.go.jp"
# Public pages and the back office's edit pages both name a measure by its id.
_SUPPORT_LINK = re.compile(
    r"https?://(?:seido-navi|jirei-seido-mng)\.mirasapo-plus\.go\.jp/supports/(?:edit/)?(\d+)/?(?:[?#].*)?")
AUTHORITY_KINDS = {"gov", "lgov", "other"}
NATIONWIDE = {"全国", "日本全国"}


def support_url(source_id: str) -> str:
    return f"{SITE}/supports/{source_id}"


def parse_ref(f: Fields, name: str, obj: dict[str, Any]) -> Ref | None:
    """A `{title, url}` link; one to a ミラサポplus measure names it by id."""
    title, url = f.text(f"{name}.title", where=obj), f.text(f"{name}.url", where=obj)
    if not title and not url:
        return None
    match = _SUPPORT_LINK.fullmatch(url)
    if match:
        return Ref(title=title, url=support_url(match.group(1)), source=SOURCE, source_id=match.group(1))
    return Ref(title=title, url=url)


def refs(f: Fields, name: str) -> list[Ref]:
    found = (parse_ref(f, name, obj) for obj in f.objects(name))
    return [ref for ref in found if ref is not None]


# --- tags ----------------------------------------------------------------------------------------

def services(f: Fields) -> tuple[list[str], list[str]]:
    """支援の種類 and their sub-kinds; a sub-kind must belong to the kind it is listed under."""
    kinds: list[str] = []
    subkinds: list[str] = []
    for obj in f.objects("service_categories"):
        kind = f.codes("service_categories", [obj.get("id")],
                       lambda v: v if v.isdigit() and int(v) in taxonomy.SERVICES else None)[0]
        kinds.append(kind)
        subs = obj.get("sub_categories") or []
        if not isinstance(subs, list) or not all(isinstance(s, dict) for s in subs):
            raise f.fail("service_categories.sub_categories", "オブジェクトの配列ではありません")
        subkinds += f.codes("service_categories.sub_categories", (s.get("id") for s in subs),
                            _subkind_of(int(kind)))
    return dedupe(kinds), dedupe(subkinds)


def _subkind_of(kind: int):
    """A lookup accepting only the sub-kinds of `kind` (13 補助金 is not a kind of 金融)."""
    def known(value: str) -> str | None:
        ok = value.isdigit() and taxonomy.SERVICE_SUBKINDS.get(int(value), (None,))[0] == kind
        return value if ok else None
    return known


def industries(f: Fields, name: str = "industry_categories") -> list[str]:
    """JSIC letters from `number` (the letter itself), or from the name when there is none."""
    return f.codes(name, (obj.get("number") or obj.get("name") for obj in f.objects(name)),
                   taxonomy.industry_letter)


def _known_prefecture(f: Fields, obj: dict[str, Any]) -> str:
    name = f.text("prefectures.name", where=obj)
    raw_id = obj.get("id")
    if raw_id in (None, ""):
        code = taxonomy.prefecture_code(name)
        if code is None:
            raise f.fail("prefectures", f"不明な都道府県です（{name!r}）")
        return code
    code = f.codes("prefectures.id", [raw_id], taxonomy.prefecture_code)[0]
    if name and taxonomy.prefecture_code(name) != code:
        raise f.fail("prefectures", f"都道府県の id {raw_id} と名前 {name} が一致しません")
    return code


def prefectures(f: Fields) -> list[str]:
    return dedupe(_known_prefecture(f, obj) for obj in f.objects("prefectures"))


def disasters(f: Fields) -> list[str]:
    return f.codes("disasters", (obj.get("id") for obj in f.objects("disasters")),
                   lambda v: v if v.isdigit() and len(v) <= 16 else None)


def support_tags(f: Fields) -> dict[str, list[str]]:
    service, subkind = services(f)
    tags = {
        "purpose": f.category_ids("purpose_categories", taxonomy.PURPOSES),
        "stage": f.category_ids("stage_categories", taxonomy.STAGES),
        "service": service,
        "subkind": subkind,
        "industry": industries(f),
        "prefecture": prefectures(f),
        "disaster": disasters(f),
    }
    return {kind: values for kind, values in tags.items() if values}


# --- 支援制度 --------------------------------------------------------------------------------------

def authorities(f: Fields) -> list[dict[str, str]]:
    found = []
    for obj in f.objects("competent_authorities"):
        name = f.text("competent_authorities.name", where=obj)
        kind = f.text("competent_authorities.kind", where=obj) or "other"
        if not name:
            raise f.fail("competent_authorities.name", "所管の名前が空です")
        if kind not in AUTHORITY_KINDS:
            raise f.fail("competent_authorities.kind", f"不明な種別です（{kind!r}、gov・lgov・other のいずれか）")
        found.append({"name": name, "kind": kind})
    return found


def _meaningful(text: str) -> str:
    """Drops leftovers such as an empty link `[](http://)` that say nothing."""
    return "" if not re.sub(r"\[\]\(https?://\)|\s", "", text) else text


def parse_support(item: Any, index: int) -> SupportRecord:
    f = Fields(item, index)
    source_id = f.required_id()
    update_info = f.mapping("update_info")
    special = f.mapping("special_measure")
    return SupportRecord(
        source=SOURCE,
        source_id=source_id,
        title=f.required_text("title"),
        number=f.text("number"),
        subtitle=f.text("subtitle"),
        summary=f.text("summary"),
        body=f.text("body"),
        body_format="markdown",
        target=with_sections(f.text("target"),
                              ("対象となるもの", f.text("application_target")),
                              ("対象地域", _meaningful(f.text("area")))),
        usage=f.text("usage"),
        inquiry=f.text("inquiry"),
        reference=f.text("refernece") or f.text("reference"),
        support_organization=f.text("support_organization"),
        governing_law=f.text("governing_law"),
        application_url=f.text("application_url"),
        source_url=support_url(source_id),
        reception_start=f.day("reception_start_date"),
        reception_end=f.day("reception_end_date"),
        reception_remarks=f.text("reception_remarks"),
        publish_date=f.day("publish_date"),
        unpublish_date=f.day("unpublish_date"),
        special_measure=f.text("special_measure.name", where=special),
        max_employees=f.integer("max_employees_count"),
        max_capital=f.integer("max_capital"),
        max_established_years=f.integer("max_established_years"),
        authorities=authorities(f),
        keywords=dedupe(f.strings("keywords")),
        related=refs(f, "related_supports"),
        tags=support_tags(f),
        created_at=f.timestamp("update_info.created_at", where=update_info),
        updated_at=f.timestamp("update_info.last_modified_at", where=update_info),
    )


def parse_supports(data: Any) -> list[SupportRecord]:
    """`{"total", "items": [...]}` or a bare list of ミラサポplus 支援制度."""
    return [parse_support(item, index) for index, item in enumerate(items_of(data))]


# --- 事例 ----------------------------------------------------------------------------------------

def _location_prefecture(f: Fields, name: str) -> list[str]:
    """"東京都", "東京" or "東京都千代田区" → ["13"]; 全国 or nothing → []."""
    if not name or name in NATIONWIDE:
        return []
    code = taxonomy.prefecture_code(name)
    if code is None:
        code = next((c for c, pref in taxonomy.PREFECTURES.items() if name.startswith(pref)), None)
    if code is None:
        raise f.fail("location.name", f"都道府県がわかりません（{name!r}）")
    return [code]


def parse_case(item: Any, index: int) -> CaseRecord:
    f = Fields(item, index)
    organization = f.mapping("organization")
    location = f.mapping("location")
    update_info = f.mapping("update_info")
    location_name = f.text("location.name", where=location)
    industry = f.text("organization.industry", where=organization)
    letters = industries(f)
    if industry:
        letters = dedupe([*f.codes("organization.industry", [industry], taxonomy.industry_letter), *letters])
    year = f.integer("year")
    if year is not None and not 1900 <= year <= 2100:
        raise f.fail("year", f"年が範囲外です（{year}）")
    tags = {
        "purpose": f.category_ids("purpose_categories", taxonomy.PURPOSES),
        "stage": f.category_ids("stage_categories", taxonomy.STAGES),
        "industry": letters,
        "prefecture": _location_prefecture(f, location_name),
    }
    return CaseRecord(
        source=SOURCE,
        source_id=f.required_id(),
        title=f.required_text("title"),
        summary=f.text("summary"),
        year=year,
        company_name=f.text("organization.name", where=organization),
        company_type=f.text("organization.type", where=organization),
        employees=f.integer("organization.employees", where=organization),
        location_name=location_name,
        background=f.text("background"),
        challenges=f.text("challenges"),
        results=f.text("results"),
        keywords=dedupe(f.strings("keywords")),
        supports=refs(f, "used_support_refs"),
        # The public URL of a 事例 page is not confirmed; only a URL the data gives is kept.
        source_url=f.text("url"),
        tags={kind: values for kind, values in tags.items() if values},
        created_at=f.timestamp("update_info.created_at", where=update_info),
        updated_at=f.timestamp("update_info.last_modified_at", where=update_info),
    )


def parse_cases(data: Any) -> list[CaseRecord]:
    """`{"items": [...]}` (or `{"total", "items"}`) or a bare list of ミラサポplus 事例."""
    return [parse_case(item, index) for index, item in enumerate(items_of(data))]
