"""The scopes of the once-only API: one per section of 事業データ, each explained in plain Japanese.

The consent page, the staff screen, the metadata document and the API all read this one table, so
a section added here is offered, documented and enforced everywhere at once.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scope:
    name: str
    label: str
    reads: str  # what the site will read, in the words of the consent page


SCOPES: dict[str, Scope] = {s.name: s for s in (
    Scope("business.profile:read", "基本情報",
          "商号・屋号、法人番号、所在地、業種、代表者、設立日、資本金、担当者の連絡先、ウェブサイト"),
    Scope("business.financials:read", "事業財務情報",
          "決算期ごとの売上高・利益・資産・負債などの決算の数字と従業員数"),
    Scope("business.benchmark:read", "ローカルベンチマークの結果",
          "最新のローカルベンチマーク（経営カルテ）の指標・点数・評価"),
    Scope("business.officers:read", "役員", "役員の役職・氏名・就任日"),
    Scope("business.offices:read", "事業所", "事業所の名称・所在地・電話番号・従業員数"),
)}

ALL_SCOPES: tuple[str, ...] = tuple(SCOPES)


def split_scope(scope: str | None) -> list[str]:
    """The scopes of a space-separated string in the order of `SCOPES`, without duplicates."""
    given = set((scope or "").split())
    return [name for name in ALL_SCOPES if name in given]


def join_scope(names: list[str] | set[str] | tuple[str, ...]) -> str:
    given = set(names)
    return " ".join(name for name in ALL_SCOPES if name in given)


def labels(scope: str | list[str]) -> list[str]:
    names = split_scope(scope) if isinstance(scope, str) else [n for n in ALL_SCOPES if n in scope]
    return [SCOPES[name].label for name in names]
