"""What the pages and jobs of 専門家派遣依頼 share: the allowance, suggestions, finding a request for
whoever asks (404 for everyone else), the consented data the agency reads and the log of its reads."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.exceptions import NotFound

from portal import clock, store
from portal.experts.programme import Programme, fiscal_year
from portal.experts.states import BUSINESS, move
from portal.experts.themes import THEME_WORDS, THEMES
from portal.models import (BenchmarkReport, Business, ExpertRequest, ExpertRequestRead, ExpertRequestTransition,
                           FinancialPeriod, RequestState as S, Role, SupportAgency, User)
from portal.store.history import sources_of
from portal.store.reads import record_view
from portal.taxonomy import INDUSTRIES, PREFECTURES

#: States a sent request is counted against the allowance in (辞退・取り下げ・期限切れ give it back).
COUNTED = frozenset({S.SENT, S.ACCEPTED, S.SCHEDULED, S.DONE, S.COMPLETED})

#: 事業データ sections a business may let the agency read, with their names.
SHAREABLE_SECTIONS: dict[str, str] = {"basic": "基本情報", "period": "事業財務情報（決算）", "officer": "役員",
                                      "office": "事業所", "shareholder": "株主"}
#: The consent to show the attached 経営カルテ (kept in `consented_sections` beside the 事業データ).
REPORT = "report"
#: How every page names what was consented to and read.
SECTION_LABELS: dict[str, str] = {**SHAREABLE_SECTIONS, REPORT: "添付した経営カルテ"}


# --- the allowance ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Allowance:
    theme: str
    allowed: int
    used: int

    @property
    def label(self) -> str:
        return THEMES[self.theme]

    @property
    def left(self) -> int:
        return max(self.allowed - self.used, 0)


def allowances(session: Session, business: Business, programme: Programme, day: date | None = None,
               excluding: int | None = None) -> dict[str, Allowance]:
    """Per theme: how many visits the 年度 of `day` allows and how many sent requests already use."""
    year = fiscal_year(day or clock.today())
    rows = session.scalars(select(ExpertRequest.themes).where(
        ExpertRequest.business_id == business.id, ExpertRequest.fiscal_year == year,
        ExpertRequest.state.in_(COUNTED), ExpertRequest.id != (excluding or 0)))
    used = Counter(theme for themes in rows for theme in themes)
    return {theme: Allowance(theme, programme.allowance_for(theme), used[theme]) for theme in THEMES}


def over_allowance(session: Session, business: Business, themes: list[str], programme: Programme,
                   excluding: int | None = None) -> list[str]:
    """Why sending a request on `themes` today would go over the allowance (empty: it would not)."""
    left = allowances(session, business, programme, excluding=excluding)
    year = fiscal_year(clock.today())
    return [f"「{THEMES[theme]}」は{year}年度の上限（{left[theme].allowed}回）まで依頼済みです。"
            f"次は{year + 1}年4月1日から依頼できます。" for theme in themes if theme in left and left[theme].left <= 0]


# --- suggestions ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Suggestion:
    agency: SupportAgency
    reasons: tuple[str, ...]
    score: int

    @property
    def reason(self) -> str:
        return "／".join(self.reasons)


_UNREAD = object()

#: Words in an agency's 得意分野 that state an 業種 (JSIC 大分類): each label's parts, and a few more.
INDUSTRY_WORDS: dict[str, tuple[str, ...]] = {
    code: tuple(part for part in label.split("，") if part.endswith("業")) for code, label in INDUSTRIES.items()}
INDUSTRY_WORDS["I"] += ("小売", "卸売", "商業", "商店")
INDUSTRY_WORDS["M"] += ("飲食", "宿泊", "旅館", "ホテル")
INDUSTRY_WORDS["P"] += ("医療", "福祉", "介護")
#: 中小企業基本法: 小規模企業者 up to 20 employees, 5 in 商業・サービス業 (these 大分類).
SMALL_EMPLOYEES_5 = frozenset("IJKLMNOPQR")
#: Words in an agency's 得意分野 that state the size of business it serves.
SIZE_WORDS = {"small": ("小規模",), "medium": ("中規模", "中堅")}
SIZE_LABELS = {"small": "小規模事業者", "medium": "中規模事業者"}


def business_size(business: Business, employees: int | None) -> str | None:
    """"small" (小規模事業者) or "medium", from the 業種 and the latest 従業員数; None when unknown."""
    if employees is None:
        return None
    limit = 5 if (business.industry or "") in SMALL_EMPLOYEES_5 else 20
    return "small" if employees <= limit else "medium"


def stated_industries(specialties: str) -> set[str]:
    return {code for code, words in INDUSTRY_WORDS.items() if any(word in specialties for word in words)}


def stated_sizes(specialties: str) -> set[str]:
    return {size for size, words in SIZE_WORDS.items() if any(word in specialties for word in words)}


def _latest_employees(session: Session, business: Business) -> int | None:
    return session.scalar(select(FinancialPeriod.employees).where(FinancialPeriod.business_id == business.id)
                          .order_by(FinancialPeriod.period_end.desc()).limit(1))


def suggest_agencies(session: Session, business: Business, themes: list[str], limit: int = 5,
                     excluding: frozenset[int] = frozenset(), linked=_UNREAD) -> list[Suggestion]:
    """Agencies that serve the business's 都道府県 (対応地域), best first by 得意分野 × テーマ, each with why.
    Where an agency's 得意分野 state the 業種 or the size (小規模・中規模) it serves, the suggestions are
    narrowed to those that fit the business (the linked agency is always kept), the reason saying so.
    `linked`: the business's linked agency when the caller has read it already."""
    today = clock.today()
    if linked is _UNREAD:
        linked = store.linked_agency(session, business)
    prefecture = business.prefecture or ""
    industry = business.industry or ""
    size: object = _UNREAD  # read only when an agency states a size
    found = []
    for agency in session.scalars(select(SupportAgency).order_by(SupportAgency.id)):
        if agency.id in excluding or not agency.is_valid_on(today):
            continue
        reasons, score = [], 0
        if linked is not None and linked.id == agency.id:
            reasons.append("連携している支援機関です")
            score += 5
        if agency.nationwide:
            reasons.append("対応地域：全国")
            score += 1
        elif prefecture and (prefecture in agency.regions or agency.prefecture == prefecture):
            reasons.append(f"対応地域：{PREFECTURES.get(prefecture, prefecture)}")
            score += 2
        elif not reasons:
            continue
        specialties = " ".join(agency.specialties or [])
        is_linked = linked is not None and linked.id == agency.id
        industries = stated_industries(specialties)
        if industries and industry:
            if industry in industries:
                reasons.append(f"業種：{INDUSTRIES[industry]}に対応")
                score += 2
            elif not is_linked:
                continue
        sizes = stated_sizes(specialties)
        if sizes:
            if size is _UNREAD:
                size = business_size(business, _latest_employees(session, business))
            if size in sizes:
                reasons.append(f"規模：{SIZE_LABELS[size]}に対応")
                score += 1
            elif size is not None and not is_linked:
                continue
        matched = [THEMES[t] for t in themes if t in THEME_WORDS and any(w in specialties for w in THEME_WORDS[t])]
        if matched:
            reasons.append(f"得意分野：{'・'.join(matched)}")
            score += 3 * len(matched)
        reasons.append(f"種別：{agency.kind.label}")
        found.append(Suggestion(agency, tuple(reasons), score))
    found.sort(key=lambda s: (-s.score, s.agency.id))
    return found[:limit]


# --- finding a request ------------------------------------------------------------------------------

def for_business(session: Session, user: User, request_id: int) -> tuple[Business, ExpertRequest]:
    """The request `request_id` of the user's own business, or 404."""
    business = store.business_for_user(session, user)
    request = session.get(ExpertRequest, request_id) if business is not None else None
    if request is None or request.business_id != business.id:
        raise NotFound()
    return business, request


def agency_ids_of(session: Session, user: User) -> list[int]:
    return [agency.id for agency in store.agencies_of_user(session, user)]


def for_agency(session: Session, user: User, request_id: int) -> ExpertRequest:
    """A request sent to one of the user's agencies (from sending on), or 404; 職員 see every sent one."""
    request = session.get(ExpertRequest, request_id)
    if request is None or request.state is S.DRAFT or request.agency_id is None:
        raise NotFound()
    if getattr(user, "role", None) is Role.STAFF:
        return request
    if request.agency_id not in agency_ids_of(session, user):
        raise NotFound()
    return request


# --- creating and sending ---------------------------------------------------------------------------

def prefill(session: Session, business: Business) -> str:
    """The start of the description, from 事業データ: company, industry, size."""
    lines = [f"会社名：{business.name}"]
    if business.industry:
        lines.append(f"業種：{INDUSTRIES.get(business.industry, business.industry)}")
    period = session.scalar(select(FinancialPeriod).where(FinancialPeriod.business_id == business.id)
                            .order_by(FinancialPeriod.period_end.desc()).limit(1))
    if period is not None and period.employees is not None:
        lines.append(f"従業員数：{period.employees}人")
    return "\n".join(lines) + "\n\nご相談したいこと："


def new_draft(session: Session, business: Business, user: User, actor: str = BUSINESS) -> ExpertRequest:
    request = ExpertRequest(business_id=business.id, created_by_id=user.id, state=S.DRAFT, themes=[],
                            consented_sections=[])
    session.add(request)
    session.flush()
    session.add(ExpertRequestTransition(request_id=request.id, user_id=user.id, actor=actor, from_state=None,
                                        to_state=S.DRAFT.value, note=""))
    return request


def send(session: Session, business: Business, request: ExpertRequest, user: User, programme: Programme) -> None:
    """下書き → 依頼中, refused (TransitionRefused) when over the allowance or missing what is needed."""
    from portal.experts.states import TransitionRefused

    if not request.themes:
        raise TransitionRefused("テーマを1つ以上選んでください。", field="themes")
    if request.agency_id is None:
        raise TransitionRefused("依頼する支援機関を選んでください。", field="agency_id")
    reasons = over_allowance(session, business, list(request.themes), programme, excluding=request.id)
    if reasons:
        raise TransitionRefused(" ".join(reasons), field="themes")
    request.fiscal_year = fiscal_year(clock.today())
    move(session, request, S.SENT, BUSINESS, user)


def timeline(session: Session, request: ExpertRequest) -> list[tuple[ExpertRequestTransition, str]]:
    """Each move with who made it: the person's display name, else only their side (no e-mail addresses)."""
    from portal.experts.states import ACTOR_LABELS

    rows = session.execute(select(ExpertRequestTransition, User.display_name)
                           .outerjoin(User, User.id == ExpertRequestTransition.user_id)
                           .where(ExpertRequestTransition.request_id == request.id)
                           .order_by(ExpertRequestTransition.at, ExpertRequestTransition.id))
    return [(entry, name or ACTOR_LABELS.get(entry.actor, "")) for entry, name in rows]


def state_label(value: str | None) -> str:
    return S(value).label if value else ""


# --- what the agency reads ----------------------------------------------------------------------------

def attachable_report(session: Session, business: Business, raw: str | int | None) -> BenchmarkReport | None:
    """The business's own saved 経営カルテ named by `raw` (a form or query value), else None."""
    text = str(raw or "")
    if not (text.isascii() and text.isdigit() and len(text) < 10):
        return None
    report = session.get(BenchmarkReport, int(text))
    return report if report is not None and report.business_id == business.id else None


def report_prefill(report: BenchmarkReport) -> str:
    """What the description adds when the request starts from a 経営カルテ: its weak indicators."""
    from portal.locaben.display import weak_indicators

    weak = weak_indicators(report.results)
    shown = "、".join(f"{name}（{points}点）" for name, points in weak) or "なし"
    return f"経営カルテ「{report.title}」で点数の低かった指標：{shown}"


def shared_report(session: Session, request: ExpertRequest) -> BenchmarkReport | None:
    """The attached 経営カルテ if the business consented to show it to the agency."""
    if request.benchmark_report_id is None or REPORT not in request.consented_sections:
        return None
    report = session.get(BenchmarkReport, request.benchmark_report_id)
    return report if report is not None and report.business_id == request.business_id else None


def consented_data(session: Session, request: ExpertRequest, user: User) -> list[tuple[str, object]]:
    """The 事業データ sections the business let the agency read, each as the store shows it; logs the read
    (with the attached 経営カルテ when that was consented and the caller shows it)."""
    business = session.get(Business, request.business_id)
    sections = [s for s in request.consented_sections if s in SHAREABLE_SECTIONS]
    if shared_report(session, request) is not None:
        read = sections + [REPORT]
    else:
        read = sections
    if not read:
        return []
    shown = []
    for section in sections:
        sources = sources_of(session, business, section)
        records = [business] if section == "basic" else store.records(session, business, section)
        shown.append((SHAREABLE_SECTIONS[section], [record_view(section, record, sources) for record in records]))
    session.add(ExpertRequestRead(request_id=request.id, business_id=business.id, user_id=user.id,
                                  sections=read, at=clock.now()))
    return shown


def reads_of(session: Session, request: ExpertRequest) -> list[tuple[ExpertRequestRead, str]]:
    rows = session.execute(select(ExpertRequestRead, User.display_name, User.email)
                           .outerjoin(User, User.id == ExpertRequestRead.user_id)
                           .where(ExpertRequestRead.request_id == request.id)
                           .order_by(ExpertRequestRead.at.desc(), ExpertRequestRead.id.desc()).limit(50))
    return [(entry, name or email or "") for entry, name, email in rows]


# --- the photo of the 支援実施報告 -------------------------------------------------------------------

#: The largest photo a 支援実施報告 takes.
PHOTO_MAX_BYTES = 3 * 1024 * 1024
_PHOTO_TYPES = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))


def read_photo(field) -> tuple[bytes, str] | None:
    """The chosen photo as (bytes, type), or None (none chosen, or refused with a message on `field`)."""
    upload = field.data
    if upload is None or not getattr(upload, "filename", ""):
        return None
    try:
        data = upload.read(PHOTO_MAX_BYTES + 1)
    finally:
        upload.close()  # a large upload is spooled to a temporary file
    if len(data) > PHOTO_MAX_BYTES:
        field.errors = [*field.errors, "写真は3MB以内にしてください。"]
        return None
    kind = next((name for magic, name in _PHOTO_TYPES if data.startswith(magic)), None)
    if kind is None:
        field.errors = [*field.errors, "写真はJPEGかPNGの画像を選んでください。"]
        return None
    return data, kind


def photo_response(request: ExpertRequest):
    """The photo of a request the caller may already see (404 when there is none)."""
    from flask import Response

    if not request.report_photo_type or request.report_photo is None:
        raise NotFound()
    response = Response(request.report_photo, mimetype=request.report_photo_type)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Disposition"] = "inline"
    return response
