"""The navi's query parameters: one parser for the pages and the public API.

Values of one parameter are OR-ed, different parameters AND-ed (contracts.md). Unknown parameters
are ignored; a malformed value raises `InvalidParameter`, which the API answers with 400 and the
field name, and the page shows beside the filters.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

from portal import taxonomy
from portal.bounds import parse_int
from portal.errors import DomainError

SUPPORT_SORTS = ("relevance", "deadline", "updated")
CASE_SORTS = ("relevance", "updated")
MAX_PER_PAGE = 100
MAX_Q = 200
MAX_EMPLOYEES = 10**7
MAX_CAPITAL = 10**15


class InvalidParameter(DomainError):
    status = 400


@dataclass(frozen=True)
class NaviQuery:
    kind: str  # "supports" or "cases"
    q: str = ""
    purpose: tuple[int, ...] = ()
    stage: tuple[int, ...] = ()
    service: tuple[int, ...] = ()
    industry: tuple[str, ...] = ()
    prefecture: str | None = None
    open: bool = False
    support: tuple[int, ...] = ()
    employees: int | None = None
    capital: int | None = None
    eligible: bool = False  # 自社が対象になりそうなもの (pages only: needs the logged-in business)
    sort: str = ""
    page: int = 1
    per_page: int = 20

    @property
    def effective_sort(self) -> str:
        if self.sort:
            return self.sort
        return "relevance" if self.q else "updated"

    def without(self, name: str, value=None) -> NaviQuery:
        """This query with one filter value (or the whole filter) removed, back on page 1."""
        current = getattr(self, name)
        if isinstance(current, tuple) and value is not None:
            new = tuple(v for v in current if v != value)
        else:
            new = {"q": "", "open": False, "eligible": False, "prefecture": None, "employees": None, "capital": None}.get(name, ())
        return replace(self, **{name: new}, page=1)

    def with_page(self, page: int) -> NaviQuery:
        return replace(self, page=page)

    def pairs(self) -> list[tuple[str, str]]:
        """The query as URL parameters, in a stable order, without defaults."""
        out: list[tuple[str, str]] = []
        if self.q:
            out.append(("q", self.q))
        for name in ("purpose", "stage", "service", "industry", "support"):
            out += [(name, str(v)) for v in getattr(self, name)]
        if self.prefecture:
            out.append(("prefecture", self.prefecture))
        if self.open:
            out.append(("open", "1"))
        if self.eligible:
            out.append(("eligible", "1"))
        if self.employees is not None:
            out.append(("employees", str(self.employees)))
        if self.capital is not None:
            out.append(("capital", str(self.capital)))
        if self.sort:
            out.append(("sort", self.sort))
        if self.page != 1:
            out.append(("page", str(self.page)))
        if self.per_page != 20:
            out.append(("per_page", str(self.per_page)))
        return out

    def query_string(self) -> str:
        return urlencode(self.pairs())

    @property
    def has_filters(self) -> bool:
        return bool(self.purpose or self.stage or self.service or self.industry or self.prefecture
                    or self.open or self.eligible or self.support or self.employees is not None or self.capital is not None)


def _ints(args: MultiDict, name: str, low: int, high: int, label: str) -> tuple[int, ...]:
    values = []
    for raw in args.getlist(name):
        raw = raw.strip()
        if raw == "":
            continue
        value = parse_int(raw, low, high)
        if value is None:
            raise InvalidParameter(f"{label}の指定が正しくありません（{low}〜{high}の番号）: {raw[:30]}", name)
        values.append(value)
    return tuple(sorted(set(values)))


def _int(args: MultiDict, name: str, label: str, low: int = 0, high: int = 10**15) -> int | None:
    raw = (args.get(name) or "").strip().replace(",", "")
    if raw == "":
        return None
    value = parse_int(raw, low, high)
    if value is None:
        bounds = f"{low}〜{high}" if high <= 100000 else f"{low}以上"
        raise InvalidParameter(f"{label}は{bounds}の整数で指定してください: {raw[:30]}", name)
    return value


def parse_query(args: MultiDict, kind: str) -> NaviQuery:
    raw_q = args.get("q") or ""
    q = " ".join(raw_q.split())
    if len(raw_q) > MAX_Q:
        raise InvalidParameter(f"キーワードは{MAX_Q}文字以内で指定してください。", "q")
    industry = []
    for raw in args.getlist("industry"):
        letter = raw.strip().upper()
        if letter == "":
            continue
        if letter not in taxonomy.INDUSTRIES:
            raise InvalidParameter(f"業種は日本標準産業分類の大分類（A〜T）で指定してください: {raw}", "industry")
        industry.append(letter)
    prefecture = (args.get("prefecture") or "").strip() or None
    if prefecture is not None:
        if len(prefecture) == 1 and prefecture.isdigit():
            prefecture = "0" + prefecture
        if prefecture not in taxonomy.PREFECTURES:
            raise InvalidParameter(f"都道府県はJISコード（01〜47）で指定してください: {prefecture}", "prefecture")
    open_raw = (args.get("open") or "").strip()
    if open_raw not in ("", "0", "1"):
        raise InvalidParameter("open は 1（受付中のみ）または 0 で指定してください。", "open")
    eligible_raw = (args.get("eligible") or "").strip()
    if eligible_raw not in ("", "0", "1"):
        raise InvalidParameter("eligible は 1（自社が対象になりそうなもののみ）または 0 で指定してください。", "eligible")
    sorts = SUPPORT_SORTS if kind == "supports" else CASE_SORTS
    sort = (args.get("sort") or "").strip()
    if sort and sort not in sorts:
        raise InvalidParameter(f"並び順は {', '.join(sorts)} のいずれかで指定してください: {sort}", "sort")
    page = _int(args, "page", "ページ番号", low=1, high=100000) or 1
    per_page = _int(args, "per_page", "1ページの件数", low=1, high=MAX_PER_PAGE)
    return NaviQuery(
        kind=kind,
        q=q,
        purpose=_ints(args, "purpose", 1, 10, "目的"),
        stage=_ints(args, "stage", 1, 17, "事業ステージ") if kind == "supports" else (),
        service=_ints(args, "service", 1, 5, "支援の種類") if kind == "supports" else (),
        industry=tuple(sorted(set(industry))),
        prefecture=prefecture,
        open=open_raw == "1" and kind == "supports",
        eligible=eligible_raw == "1" and kind == "supports",
        support=_ints(args, "support", 1, 2**31 - 1, "支援制度") if kind == "cases" else (),
        employees=_int(args, "employees", "従業員数", high=MAX_EMPLOYEES) if kind == "supports" else None,
        capital=_int(args, "capital", "資本金", high=MAX_CAPITAL) if kind == "supports" else None,
        sort=sort,
        page=page,
        per_page=per_page or 20,
    )
