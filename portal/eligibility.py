"""「あなたの会社が対象になりそうか」: one judgement of a business against a measure's stated conditions.

Every place that asks whether a measure fits a business calls `judge` — the measure page, the
top page's 「締切が近い支援制度」, the おすすめ blend, the navi filter 「自社が対象になりそうなもの」 and
the marks on マイリスト — so they never disagree.

A measure states up to six conditions: 地域 (prefecture tags; none means 全国), 業種 (JSIC letters;
none means 業種の限定なし), 従業員数, 資本金, 創業年数 (upper limits) and 法人/個人事業主 (read from
the 対象者 text, only when it says so plainly). Each is judged ✓ 対象 (`ok`), ✗ 対象外 (`ng`) or
？ 未登録 (`unknown`: the business has not entered the fact). The verdict never claims more than
the data shows: one ✗ makes it `unlikely`; a ？ with no ✗ makes it `unknown`; only when every stated
condition is ✓ is it `likely` — and even then the page says to check the 公募要領.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from portal import taxonomy

OK, NG, UNKNOWN = "ok", "ng", "unknown"
MARKS = {OK: "✓ 対象", NG: "✗ 対象外", UNKNOWN: "？ 未登録"}
LIKELY, UNLIKELY, UNDECIDED, UNSTATED = "likely", "unlikely", "unknown", "unstated"
VERDICTS = {
    LIKELY: "登録された事業データでは、この制度の記載された条件をすべて満たしています。"
            "対象になりそうです（最終的な要件は公募要領でご確認ください）。",
    UNLIKELY: "登録された事業データでは、この制度の対象外となる条件があります。",
    UNDECIDED: "対象外となる条件は見つかりませんでしたが、未登録の項目があるため判断できません。"
               "事業データを登録すると判定できます。",
    UNSTATED: "この制度には、地域・業種・規模などの条件の記載がありません。公募要領でご確認ください。",
}
# Where a business fills in each fact (endpoint, anchor) — the page turns them into links.
FILL = {
    "region": ("mypage.edit_basic", "prefecture"),
    "industry": ("mypage.edit_basic", "industry"),
    "employees": ("mypage.index", "periods"),
    "capital": ("mypage.edit_basic", "capital"),
    "years": ("mypage.edit_basic", "established_on"),
    "kind": ("mypage.edit_basic", "kind"),
}
CORPORATION, SOLE, EITHER = "corporation", "sole_proprietor", "either"

_CORP_ONLY = re.compile(r"個人事業[主者](は|を)?(対象外|除|含みません|含まない)|法人(に限|のみ)")
_SOLE_ONLY = re.compile(r"個人事業[主者](に限|のみ)")
_SOLE = re.compile(r"個人事業[主者]")


@dataclass(frozen=True)
class Terms:
    """The conditions a measure states. Empty `prefectures`/`industries` mean 全国 / 業種の限定なし."""

    prefectures: frozenset[str] = frozenset()
    industries: frozenset[str] = frozenset()
    max_employees: int | None = None
    max_capital: int | None = None
    max_established_years: int | None = None
    entity: str | None = None  # CORPORATION, SOLE, EITHER or None (not stated)


@dataclass(frozen=True)
class Facts:
    """What the business has entered; None means not entered."""

    prefecture: str | None = None
    industry: str | None = None
    employees: int | None = None
    capital: int | None = None
    established_on: date | None = None
    kind: str | None = None  # "corporation" or "sole_proprietor"


@dataclass(frozen=True)
class Condition:
    key: str  # region, industry, employees, capital, years, kind
    label: str
    state: str  # OK, NG, UNKNOWN
    reason: str

    @property
    def mark(self) -> str:
        return MARKS[self.state]

    @property
    def fill(self) -> tuple[str, str] | None:
        return FILL[self.key] if self.state == UNKNOWN else None


@dataclass(frozen=True)
class Judgement:
    conditions: tuple[Condition, ...]
    verdict: str

    @property
    def message(self) -> str:
        return VERDICTS[self.verdict]

    @property
    def fits(self) -> bool:
        """Not ruled out by what the data shows (what 「対象になりそうなもの」 keeps)."""
        return self.verdict != UNLIKELY

    @property
    def failing(self) -> tuple[Condition, ...]:
        return tuple(c for c in self.conditions if c.state == NG)

    @property
    def missing(self) -> tuple[Condition, ...]:
        return tuple(c for c in self.conditions if c.state == UNKNOWN)

    @property
    def short(self) -> str:
        """One line for lists: 「対象外の条件: 地域・業種」."""
        if self.failing:
            return "対象外の条件があります：" + "・".join(c.label for c in self.failing)
        if self.missing:
            return "未登録の項目があり判定できません：" + "・".join(c.label for c in self.missing)
        return "記載された条件を満たしています" if self.verdict == LIKELY else ""


def entity_of(target: str | None) -> str | None:
    """法人/個人事業主 as the 対象者 text states it plainly; None when it says nothing about it."""
    text = target or ""
    if _CORP_ONLY.search(text):
        return CORPORATION
    if _SOLE_ONLY.search(text):
        return SOLE
    if _SOLE.search(text):
        return EITHER
    return None


def terms_of(support) -> Terms:
    """The stated conditions of a `Support` row (its tags must be loaded)."""
    return Terms(
        prefectures=frozenset(support.tag_values("prefecture")),
        industries=frozenset(support.tag_values("industry")),
        max_employees=support.max_employees, max_capital=support.max_capital,
        max_established_years=support.max_established_years, entity=entity_of(support.target))


def facts_of(profile) -> Facts:
    """Facts from anything with the business's attributes (a `BusinessProfile`, a `Business`)."""
    kind = getattr(profile, "kind", None)
    return Facts(prefecture=profile.prefecture or None, industry=profile.industry or None,
                 employees=getattr(profile, "employees", None), capital=profile.capital,
                 established_on=profile.established_on, kind=str(kind.value if hasattr(kind, "value") else kind)
                 if kind else None)


def years_since(start: date, day: date) -> int:
    """Whole years from `start` to `day`."""
    return day.year - start.year - ((day.month, day.day) < (start.month, start.day))


def _within_years(start: date, years: int, day: date) -> bool:
    try:
        limit = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        limit = start.replace(year=start.year + years, day=28)
    return day <= limit


def _names(values, names: dict) -> str:
    return "・".join(names.get(v, v) for v in sorted(values))


def _yen(amount: int) -> str:
    if amount >= 100_000_000 and amount % 100_000_000 == 0:
        return f"{amount // 100_000_000:,}億円"
    if amount >= 10_000 and amount % 10_000 == 0:
        return f"{amount // 10_000:,}万円"
    return f"{amount:,}円"


def _region(terms: Terms, facts: Facts) -> Condition:
    if not terms.prefectures:
        return Condition("region", "地域", OK, "全国の事業者が対象です。")
    where = _names(terms.prefectures, taxonomy.PREFECTURES)
    if facts.prefecture is None:
        return Condition("region", "地域", UNKNOWN, f"{where}の事業者が対象です。所在地（都道府県）が未登録です。")
    mine = taxonomy.PREFECTURES.get(facts.prefecture, facts.prefecture)
    if facts.prefecture in terms.prefectures:
        return Condition("region", "地域", OK, f"{where}の事業者が対象で、所在地は{mine}です。")
    return Condition("region", "地域", NG, f"{where}の事業者が対象ですが、所在地は{mine}です。")


def _industry(terms: Terms, facts: Facts) -> Condition:
    if not terms.industries:
        return Condition("industry", "業種", OK, "業種の限定はありません。")
    which = _names(terms.industries, taxonomy.INDUSTRIES)
    if facts.industry is None:
        return Condition("industry", "業種", UNKNOWN, f"{which}が対象です。業種が未登録です。")
    mine = taxonomy.INDUSTRIES.get(facts.industry, facts.industry)
    if facts.industry in terms.industries:
        return Condition("industry", "業種", OK, f"{which}が対象で、業種は{mine}です。")
    return Condition("industry", "業種", NG, f"{which}が対象ですが、業種は{mine}です。")


def _employees(limit: int, facts: Facts) -> Condition:
    if facts.employees is None:
        return Condition("employees", "従業員数", UNKNOWN,
                         f"従業員{limit:,}人以下が対象です。従業員数（決算期の情報）が未登録です。")
    if facts.employees <= limit:
        return Condition("employees", "従業員数", OK, f"従業員{limit:,}人以下が対象で、{facts.employees:,}人です。")
    return Condition("employees", "従業員数", NG, f"従業員{limit:,}人以下が対象ですが、{facts.employees:,}人です。")


def _capital(limit: int, facts: Facts) -> Condition:
    if facts.capital is None:
        return Condition("capital", "資本金", UNKNOWN, f"資本金{_yen(limit)}以下が対象です。資本金が未登録です。")
    if facts.capital <= limit:
        return Condition("capital", "資本金", OK, f"資本金{_yen(limit)}以下が対象で、{_yen(facts.capital)}です。")
    return Condition("capital", "資本金", NG, f"資本金{_yen(limit)}以下が対象ですが、{_yen(facts.capital)}です。")


def _years(limit: int, facts: Facts, day: date) -> Condition:
    if facts.established_on is None:
        return Condition("years", "創業年数", UNKNOWN, f"創業{limit}年以内が対象です。設立（創業）日が未登録です。")
    age = years_since(facts.established_on, day)
    since = f"{facts.established_on.year}年{facts.established_on.month}月の創業から{age}年です"
    if _within_years(facts.established_on, limit, day):
        return Condition("years", "創業年数", OK, f"創業{limit}年以内が対象で、{since}。")
    return Condition("years", "創業年数", NG, f"創業{limit}年以内が対象ですが、{since}。")


def _kind(entity: str, facts: Facts) -> Condition:
    if entity == EITHER:
        return Condition("kind", "法人・個人", OK, "法人・個人事業主のどちらも対象です。")
    wanted = "法人" if entity == CORPORATION else "個人事業主"
    if facts.kind is None:
        return Condition("kind", "法人・個人", UNKNOWN, f"{wanted}が対象です。法人か個人事業主かが未登録です。")
    mine = "法人" if facts.kind == CORPORATION else "個人事業主"
    if facts.kind == entity:
        return Condition("kind", "法人・個人", OK, f"{wanted}が対象で、{mine}として登録されています。")
    return Condition("kind", "法人・個人", NG, f"{wanted}が対象ですが、{mine}として登録されています。")


def judge(facts: Facts, terms: Terms, day: date) -> Judgement:
    """Each stated condition of `terms` against `facts` on `day`, and the verdict they allow."""
    conditions = [_region(terms, facts), _industry(terms, facts)]
    if terms.max_employees is not None:
        conditions.append(_employees(terms.max_employees, facts))
    if terms.max_capital is not None:
        conditions.append(_capital(terms.max_capital, facts))
    if terms.max_established_years is not None:
        conditions.append(_years(terms.max_established_years, facts, day))
    if terms.entity is not None:
        conditions.append(_kind(terms.entity, facts))
    states = {c.state for c in conditions}
    stated = bool(terms.prefectures or terms.industries or len(conditions) > 2)
    if NG in states:
        verdict = UNLIKELY
    elif UNKNOWN in states:
        verdict = UNDECIDED
    elif stated:
        verdict = LIKELY
    else:
        verdict = UNSTATED
    return Judgement(tuple(conditions), verdict)


def judge_support(facts: Facts, support, day: date) -> Judgement:
    return judge(facts, terms_of(support), day)


def fitting_mask(catalog, facts: Facts, day: date) -> int:
    """Catalog positions of measures `judge` does not rule out for `facts` (cached per catalog)."""
    cache = catalog.__dict__.setdefault("_fitting", {})
    key = (facts, day)
    if key not in cache:
        if len(cache) > 256:
            cache.clear()
        mask = 0
        for position, terms in enumerate(catalog.terms):
            if judge(facts, terms, day).fits:
                mask |= 1 << position
        cache[key] = mask
    return cache[key]


def _employees_of(business_id_column):
    from sqlalchemy import select

    from portal.models import FinancialPeriod

    return (select(FinancialPeriod.employees)
            .where(FinancialPeriod.business_id == business_id_column, FinancialPeriod.employees.is_not(None))
            .order_by(FinancialPeriod.period_end.desc()).limit(1))


def business_facts(session, business) -> Facts:
    """The facts of `business`: 基本情報 and the 従業員数 of its newest 決算期 that has one."""
    from dataclasses import replace

    return replace(facts_of(business), employees=session.scalar(_employees_of(business.id)))


def _load(session, user) -> tuple:
    """(business, facts) of `user` in one statement, kept for the rest of the request."""
    from dataclasses import replace

    from flask import g, has_request_context
    from sqlalchemy import select

    from portal.models import Business, BusinessMember

    cached = g.get("_eligibility") if has_request_context() else None
    if cached is not None and cached[0] == user.id:
        return cached[1], cached[2]
    employees = _employees_of(Business.id).correlate(Business).scalar_subquery()
    row = session.execute(select(Business, employees).join(BusinessMember, BusinessMember.business_id == Business.id)
                          .where(BusinessMember.user_id == user.id)).first()
    business, facts = (row[0], replace(facts_of(row[0]), employees=row[1])) if row is not None else (None, None)
    if has_request_context():
        g._eligibility = (user.id, business, facts)
    return business, facts


def request_business(session, user):
    """The user's business, looked up once per request (the measure page asks in two places)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return _load(session, user)[0]


def facts_for_user(session, user) -> Facts | None:
    """The facts of the logged-in user's business (once per request), None without one."""
    if not getattr(user, "is_authenticated", False):
        return None
    return _load(session, user)[1]


def judge_ids(session, facts: Facts | None, support_ids, day: date) -> dict[int, Judgement]:
    """Judgements of several measures from the navi catalog's terms (no query per measure)."""
    if facts is None:
        return {}
    from portal.navi.catalog import get_catalog

    catalog = get_catalog(session, "supports")
    out = {}
    for support_id in support_ids:
        position = catalog.position.get(support_id)
        if position is not None:
            out[support_id] = judge(facts, catalog.terms[position], day)
    return out


def case_fits(facts: Facts | None, case) -> bool:
    """Whether a case is worth offering to the business: not from a different industry only
    (the same 業種 condition `judge` uses; a case without industry tags fits everyone)."""
    if facts is None:
        return True
    industries = frozenset(case.tag_values("industry"))
    return _industry(Terms(industries=industries), facts).state != NG
