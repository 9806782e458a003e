"""The search's URL parameters: the form is a GET form, so the address always holds the whole search.

Values of one parameter are OR-ed, different parameters AND-ed, as in the 支援制度ナビ. A malformed
value raises `InvalidParameter`; the page then says so and shows the search without conditions.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import urlencode

from werkzeug.datastructures import MultiDict

from portal import taxonomy
from portal.bounds import parse_int
from portal.models import AgencyKind
from portal.navi.params import InvalidParameter

MAX_Q = 200
MAX_SPECIALTY = 100
MAX_SPECIALTIES = 20
PER_PAGE = 20

__all__ = ["AgencyQuery", "InvalidParameter", "parse_query"]


@dataclass(frozen=True)
class AgencyQuery:
    q: str = ""
    prefecture: str | None = None
    kind: tuple[str, ...] = ()
    specialty: tuple[str, ...] = ()
    expired: bool = False  # include agencies whose certification has expired
    page: int = 1
    per_page: int = PER_PAGE

    def pairs(self) -> list[tuple[str, str]]:
        """The query as URL parameters, in a stable order, without defaults."""
        out: list[tuple[str, str]] = [("q", self.q)] if self.q else []
        if self.prefecture:
            out.append(("prefecture", self.prefecture))
        out += [("kind", v) for v in self.kind] + [("specialty", v) for v in self.specialty]
        if self.expired:
            out.append(("expired", "1"))
        if self.page != 1:
            out.append(("page", str(self.page)))
        return out

    def query_string(self) -> str:
        return urlencode(self.pairs())

    def with_page(self, page: int) -> AgencyQuery:
        return replace(self, page=page)

    def without(self, name: str, value: str | None = None) -> AgencyQuery:
        """This query with one value (or the whole filter) removed, back on page 1."""
        current = getattr(self, name)
        if isinstance(current, tuple) and value is not None:
            new: object = tuple(v for v in current if v != value)
        else:
            new = {"q": "", "prefecture": None, "expired": False}.get(name, ())
        return replace(self, **{name: new}, page=1)

    @property
    def has_filters(self) -> bool:
        return bool(self.prefecture or self.kind or self.specialty)


def parse_query(args: MultiDict) -> AgencyQuery:
    q = " ".join((args.get("q") or "").split())
    if len(q) > MAX_Q:
        raise InvalidParameter(f"キーワードは{MAX_Q}文字以内で指定してください。", "q")
    prefecture = (args.get("prefecture") or "").strip() or None
    if prefecture is not None:
        prefecture = prefecture.zfill(2)
        if prefecture not in taxonomy.PREFECTURES:
            raise InvalidParameter(f"都道府県はJISコード（01〜47）で指定してください: {prefecture}", "prefecture")
    kinds = {kind.value for kind in AgencyKind}
    kind = sorted({v.strip() for v in args.getlist("kind") if v.strip()})
    for value in kind:
        if value not in kinds:
            raise InvalidParameter(f"種別の指定が正しくありません: {value}", "kind")
    specialty = sorted({" ".join(v.split()) for v in args.getlist("specialty") if v.strip()})
    if len(specialty) > MAX_SPECIALTIES or any(len(v) > MAX_SPECIALTY for v in specialty):
        raise InvalidParameter(f"得意分野は{MAX_SPECIALTIES}個まで、それぞれ{MAX_SPECIALTY}文字以内で指定してください。",
                               "specialty")
    expired = (args.get("expired") or "").strip()
    if expired not in ("", "0", "1"):
        raise InvalidParameter("expired は 1（有効期限切れも表示）または 0 で指定してください。", "expired")
    page = (args.get("page") or "").strip() or "1"
    if parse_int(page, 1, 100000) is None:
        raise InvalidParameter(f"ページ番号は1〜100000の整数で指定してください: {page[:30]}", "page")
    return AgencyQuery(q=q, prefecture=prefecture, kind=tuple(kind), specialty=tuple(specialty),
                       expired=expired == "1", page=int(page))
