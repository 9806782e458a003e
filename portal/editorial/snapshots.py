"""What a revision holds: every editable field of a measure or an article, as JSON, and how it is
written back to the live row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Article, Case, CaseTag, Support, SupportTag
from portal.models.support import TAG_KINDS

SUPPORT_TEXT = ("title", "number", "subtitle", "summary", "body", "target", "usage", "inquiry", "reference",
                "support_organization", "governing_law", "application_url", "source_url", "reception_remarks",
                "special_measure", "subsidy_rate")
SUPPORT_DATES = ("reception_start", "reception_end", "publish_date", "unpublish_date")
SUPPORT_INTS = ("max_employees", "max_capital", "max_established_years", "subsidy_max_limit")
ARTICLE_TEXT = ("title", "category", "summary", "body")
CASE_TEXT = ("title", "summary", "company_name", "company_type", "location_name", "background", "challenges", "results")
CASE_INTS = ("year", "employees")
CASE_TAG_KINDS = ("purpose", "stage", "industry", "prefecture")

LABELS = {
    "title": "名称・タイトル", "number": "制度番号", "subtitle": "副題", "summary": "概要", "body": "本文",
    "target": "対象者", "usage": "利用できる内容", "inquiry": "問い合わせ先", "reference": "参考情報",
    "support_organization": "支援機関", "governing_law": "根拠法令", "application_url": "申請先URL",
    "source_url": "出典URL", "reception_remarks": "受付についての補足", "special_measure": "特例",
    "subsidy_rate": "補助率", "reception_start": "受付開始日", "reception_end": "受付終了日",
    "publish_date": "掲載日", "unpublish_date": "掲載終了日", "max_employees": "従業員数の上限",
    "max_capital": "資本金の上限（円）", "max_established_years": "創業からの年数の上限",
    "subsidy_max_limit": "補助上限額（円）", "keywords": "キーワード", "authorities": "所管",
    "tags": "分類", "category": "カテゴリ", "supports": "紹介した・使った制度", "body_format": "本文の形式",
    "company_name": "会社名", "company_type": "会社の種類", "location_name": "所在地", "background": "背景",
    "challenges": "取組", "results": "成果", "year": "年", "employees": "従業員数", "unpublish_at": "掲載終了の日時",
    "related": "関連する支援制度",
}


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def support_snapshot(support: Support) -> dict[str, Any]:
    data: dict[str, Any] = {name: getattr(support, name) or "" for name in SUPPORT_TEXT}
    data.update({name: _iso(getattr(support, name)) for name in SUPPORT_DATES})
    data.update({name: getattr(support, name) for name in SUPPORT_INTS})
    data["body_format"] = support.body_format
    data["keywords"] = list(support.keywords or [])
    data["authorities"] = [dict(a) for a in support.authorities or []]
    data["tags"] = {kind: support.tag_values(kind) for kind in TAG_KINDS if support.tag_values(kind)}
    data["related"] = [dict(r) for r in support.related_refs or []]
    return data


def apply_support(support: Support, data: dict[str, Any]) -> None:
    for name in SUPPORT_TEXT:
        setattr(support, name, data.get(name) or "")
    for name in SUPPORT_DATES:
        setattr(support, name, date.fromisoformat(data[name]) if data.get(name) else None)
    for name in SUPPORT_INTS:
        setattr(support, name, data.get(name))
    support.body_format = data.get("body_format") or "markdown"
    support.keywords = list(data.get("keywords") or [])
    support.authorities = list(data.get("authorities") or [])
    if "related" in data:  # revisions saved before related measures were edited leave them alone
        support.related_refs = [dict(r) for r in data["related"] or []]
    wanted = {(kind, str(v)) for kind, values in (data.get("tags") or {}).items() for v in values}
    if {(t.kind, t.value) for t in support.tags} != wanted:
        support.tags = [SupportTag(kind=k, value=v) for k, v in sorted(wanted)]


def article_snapshot(article: Article) -> dict[str, Any]:
    return {"title": article.title, "category": article.category, "summary": article.summary, "body": article.body,
            "keywords": list(article.keywords or []), "supports": [s.id for s in article.supports],
            "unpublish_at": article.unpublish_at.isoformat() if article.unpublish_at else None}


def apply_article(session: Session, article: Article, data: dict[str, Any]) -> None:
    for name in ARTICLE_TEXT:
        setattr(article, name, data.get(name) or "")
    article.keywords = list(data.get("keywords") or [])
    article.unpublish_at = datetime.fromisoformat(data["unpublish_at"]) if data.get("unpublish_at") else None
    ids = [int(i) for i in data.get("supports") or []]
    if [s.id for s in article.supports] != sorted(ids):
        article.supports = list(session.scalars(select(Support).where(Support.id.in_(ids)).order_by(Support.id))) if ids else []


def case_snapshot(case: Case) -> dict[str, Any]:
    data: dict[str, Any] = {name: getattr(case, name) or "" for name in CASE_TEXT}
    data.update({name: getattr(case, name) for name in CASE_INTS})
    data["keywords"] = list(case.keywords or [])
    data["tags"] = {kind: case.tag_values(kind) for kind in CASE_TAG_KINDS if case.tag_values(kind)}
    data["supports"] = [s.id for s in case.supports]
    return data


def apply_case(session: Session, case: Case, data: dict[str, Any]) -> None:
    for name in CASE_TEXT:
        setattr(case, name, data.get(name) or "")
    for name in CASE_INTS:
        setattr(case, name, data.get(name))
    case.keywords = list(data.get("keywords") or [])
    wanted = {(kind, str(v)) for kind, values in (data.get("tags") or {}).items() for v in values}
    if {(t.kind, t.value) for t in case.tags} != wanted:
        case.tags = [CaseTag(kind=k, value=v) for k, v in sorted(wanted)]
    ids = sorted(int(i) for i in data.get("supports") or [])
    if [s.id for s in case.supports] != ids:
        case.supports = list(session.scalars(select(Support).where(Support.id.in_(ids)).order_by(Support.id))) if ids else []


@dataclass(frozen=True)
class Kind:
    name: str  # revisions.kind
    label: str
    model: Any


KINDS = {"support": Kind("support", "支援制度", Support), "article": Kind("article", "記事", Article),
         "case": Kind("case", "事例", Case)}


def snapshot(session: Session, kind: str, obj: Any) -> dict[str, Any]:
    return {"support": support_snapshot, "article": article_snapshot, "case": case_snapshot}[kind](obj)


def apply(session: Session, kind: str, obj: Any, data: dict[str, Any]) -> None:
    if kind == "support":
        apply_support(obj, data)
    elif kind == "case":
        apply_case(session, obj, data)
    else:
        apply_article(session, obj, data)


def display(value: Any) -> str:
    """A field's value as lines of text, for the diff."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join((v.get("name") or v.get("title") or "") + (f"（{v.get('kind')}）" if v.get("kind") else "") if isinstance(v, dict)
                         else str(v) for v in value)
    if isinstance(value, dict):
        return "\n".join(f"{k}: {', '.join(str(x) for x in v)}" for k, v in sorted(value.items()))
    return str(value)
