"""Jグランツ public API responses (domain.md §4) read into `SupportRecord`s.

Both shapes are accepted: the list (`GET /subsidies`, few fields per call) and the detail
(`GET /subsidies/id/{id}`, `result` holding one call with its HTML `detail`, 利用目的, 業種 …).
Either names a call by its `id`, so importing the list and then the detail updates one measure;
importing the list again later keeps what only the detail told (`keep_detail_fields`). The base64
file arrays of the detail (`application_guidelines` …) are never read.

利用目的 (`use_purpose`) has 15 values of its own; `USE_PURPOSES` maps each to the portal's 目的 and
事業ステージ ids. Calls are dated in UTC; the portal's call periods are Japanese dates.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import taxonomy
from portal.clock import JST
from portal.content.importers.fields import Fields, dedupe, items_of, with_sections
from portal.content.records import SupportRecord
from portal.models import Support

SOURCE = "jgrants"
ATTRIBUTION = "Jグランツ（jGrants）からの出典"
# The public API does not name the ministry or agency behind a call; its detail text does.
AUTHORITY = {"name": "Jグランツ掲載（所管省庁は詳細参照）", "kind": "other"}

#: 利用目的 -> (目的 ids, 事業ステージ ids). Values with no counterpart map to nothing.
USE_PURPOSES: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {
    "新たな事業を行いたい": ((7,), ()),                       # 起業・創業 (incl. 第二創業)
    "販路拡大・海外展開をしたい": ((1,), (9, 10)),            # 販路開拓 / 販路開拓, 海外展開
    "イベント・事業運営支援がほしい": ((), (17,)),            # 商業・地域・団体支援
    "事業を引き継ぎたい": ((8,), (15,)),                      # 事業承継
    "研究開発・実証事業を行いたい": ((), (8,)),               # 研究開発
    "人材育成を行いたい": ((5,), (4,)),                       # 人材 / 人材育成
    "資金繰りを改善したい": ((4,), ()),                       # 資金繰り
    "設備整備・IT導入をしたい": ((2, 3), (7,)),              # 設備投資, IT化 / 設備投資
    "雇用・職場環境を改善したい": ((5,), (3, 12)),           # 人材 / 雇用, 社会保障・福利厚生
    "エコ・SDGs活動支援がほしい": ((), (13,)),                # 環境・省エネ
    "災害（自然災害、感染症等）支援がほしい": ((9,), ()),     # 災害対応
    "教育・子育て・少子化支援がほしい": ((), ()),
    "スポーツ・文化支援がほしい": ((), ()),
    "安全・防災対策支援がほしい": ((9,), ()),                 # 災害対応 (備え)
    "まちづくり・地域振興支援がほしい": ((), (17,)),          # 商業・地域・団体支援
}
NO_EMPLOYEE_LIMIT = {"従業員数の制約なし", "従業員の制約なし"}
NATIONWIDE = "全国"
# Present only in the detail response.
DETAIL_KEYS = {"detail", "subsidy_catch_phrase", "use_purpose", "industry", "target_area_detail",
               "subsidy_rate", "project_end_deadline", "front_subsidy_detail_page_url", "inquiry_url",
               "update_datetime"}
DETAIL_FIELDS = ("summary", "body", "target", "usage", "inquiry", "reference", "application_url",
                 "source_url", "subsidy_rate")
DETAIL_TAGS = ("purpose", "stage", "industry")


def _purpose_key(text: str) -> str:
    """Spellings seen in the wild: 「IT導入したい」「SDG's」「少子化への支援」."""
    key = "".join(unicodedata.normalize("NFKC", text).split())
    key = key.replace("'", "").replace("’", "").replace("への支援", "支援").replace("をしたい", "したい")
    return key.replace(",", "、")


_PURPOSE_BY_KEY = {_purpose_key(name): ids for name, ids in USE_PURPOSES.items()}


def split_values(text: str) -> list[str]:
    """Jグランツ joins several values with "/" (" / " in queries)."""
    return [part.strip() for part in re.split(r"[/／]", text) if part.strip()]


# --- fields --------------------------------------------------------------------------------------

def prefectures(f: Fields) -> list[str]:
    """全国 → none (nationwide); a region → its prefectures; a prefecture → itself."""
    names = split_values(f.text("target_area_search"))
    if NATIONWIDE in names:
        return []
    codes: list[str] = []
    for name in names:
        if name in taxonomy.REGIONS:
            codes += taxonomy.REGIONS[name]
        else:
            codes += f.codes("target_area_search", [name], taxonomy.prefecture_code)
    return sorted(dedupe(codes))


def purposes_and_stages(f: Fields) -> tuple[list[str], list[str]]:
    purposes: list[int] = []
    stages: list[int] = []
    for name in split_values(f.text("use_purpose")):
        ids = _PURPOSE_BY_KEY.get(_purpose_key(name))
        if ids is None:
            raise f.fail("use_purpose", f"不明な利用目的です（{name!r}）")
        purposes += ids[0]
        stages += ids[1]
    return [str(i) for i in sorted(set(purposes))], [str(i) for i in sorted(set(stages))]


def max_employees(f: Fields) -> int | None:
    """「20名以下」 → 20; no limit or 「901名以上」 (a floor, not a ceiling) → None."""
    text = unicodedata.normalize("NFKC", f.text("target_number_of_employees")).replace(" ", "")
    if not text or text in NO_EMPLOYEE_LIMIT or re.fullmatch(r"\d+名以上", text):
        return None
    match = re.fullmatch(r"(\d+)名以下", text)
    if match is None:
        raise f.fail("target_number_of_employees", f"不明な従業員数の区分です（{text!r}）")
    return int(match.group(1))


def japan_date(f: Fields, name: str, *, end: bool = False) -> date | None:
    """The Japanese calendar day of a UTC instant. A call ending at 0:00 in Japan ends the day
    before (「3月31日24時まで」 is sent as 4月1日 0:00)."""
    moment = f.timestamp(name)
    if moment is None:
        return None
    local = moment.astimezone(JST)
    if end and local.time() == datetime.min.time():
        local -= timedelta(microseconds=1)
    return local.date()


def japanese_date(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def inquiry(url: str) -> str:
    if re.match(r"https?://", url):
        return f"[問い合わせ先（外部サイト）](<{url}>)"
    return url


def parse_item(item: Any, index: int) -> SupportRecord:
    f = Fields(item, index)
    page = f.text("front_subsidy_detail_page_url")
    purposes, stages = purposes_and_stages(f)
    limit = f.integer("subsidy_max_limit")
    deadline = japan_date(f, "project_end_deadline", end=True)
    tags = {
        "service": ["3"],
        "subkind": ["13"],  # 補助金
        "purpose": purposes,
        "stage": stages,
        "industry": f.codes("industry", split_values(f.text("industry")), taxonomy.industry_letter),
        "prefecture": prefectures(f),
    }
    return SupportRecord(
        source=SOURCE,
        source_id=f.required_id(),
        title=f.required_text("title"),
        number=f.text("name"),
        summary=f.text("subsidy_catch_phrase"),
        body=f.text("detail"),
        body_format="html",
        target=with_sections("", ("対象地域", f.text("target_area_detail"))),
        usage=with_sections("", ("補助事業の完了期限", japanese_date(deadline))),
        inquiry=inquiry(f.text("inquiry_url")),
        reference=with_sections(ATTRIBUTION, ("掲載ページ", f"[Jグランツ](<{page}>)" if page else "")),
        application_url=page,
        source_url=page,
        reception_start=japan_date(f, "acceptance_start_datetime"),
        reception_end=japan_date(f, "acceptance_end_datetime", end=True),
        subsidy_max_limit=limit or None,  # 0 means 未設定
        subsidy_rate=f.text("subsidy_rate"),
        max_employees=max_employees(f),
        authorities=[dict(AUTHORITY)],
        tags={kind: values for kind, values in tags.items() if values},
        updated_at=f.timestamp("update_datetime"),
    )


def parse_supports(data: Any) -> list[SupportRecord]:
    """A list or a detail response (`{"metadata", "result": [...]}`), or a bare list of calls."""
    return [parse_item(item, index) for index, item in enumerate(items_of(data, "result"))]


def is_detail(item: Any) -> bool:
    return isinstance(item, dict) and bool(DETAIL_KEYS & item.keys())


def keep_detail_fields(session: Session, data: Any, records: Sequence[SupportRecord]) -> None:
    """A list response knows less than a detail imported before: keep what only the detail said,
    so that re-importing a list neither erases it nor counts as a change."""
    list_only = {str(item.get("id")).strip() for item in items_of(data, "result") if not is_detail(item)}
    wanted = [r for r in records if r.source_id in list_only]
    if not wanted:
        return
    rows = {row.source_id: row for row in session.scalars(select(Support).where(
        Support.source == SOURCE, Support.source_id.in_([r.source_id for r in wanted])))}
    for record in wanted:
        row = rows.get(record.source_id)
        if row is None or not any(getattr(row, name) for name in ("body", "summary", "source_url")):
            continue
        for name in DETAIL_FIELDS:
            setattr(record, name, getattr(row, name))
        for kind in DETAIL_TAGS:
            values = row.tag_values(kind)
            if values:
                record.tags[kind] = values
            else:
                record.tags.pop(kind, None)
