"""The connector: gBizINFO (法人インフォ, domain.md §5) → 基本情報.

Live mode calls `GET {base}/hojin/v1/hojin/{法人番号}` with the user's `X-hojinInfo-api-token`
and reads the first entry of `{"hojin-infos": [...]}`; sandbox mode answers from
`fixtures/hojin.json`, the same way every time for the same number: the demo business and
株式会社みなと製作所 have entries of their own (the demo's differs from マイページ only in how the
register writes its address); any other number gets made-up facts without a name, so that a
sandbox never proposes renaming a business to another company. Both turn the entry into one
`ProfileRecord`; what gBizINFO does not give (業種コード, 代表者役職, 連絡先) stays `None`, which
leaves those fields of the store alone. gBizINFO rarely holds an SME's financial data, so only
基本情報 is read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from datetime import date
from importlib import resources

from portal.sdk import (
    AuthSpec,
    Connector,
    ConnectorError,
    CredentialField,
    FetchContext,
    ProfileRecord,
    UpstreamError,
)

DEFAULT_BASE_URL = "https://info.gbiz.go.jp"
TOKEN_HEADER = "X-hojinInfo-api-token"
NOT_FOUND = "gBizINFOにこの法人番号の情報がありません。"


class GbizinfoConnector(Connector):
    name = "gbizinfo"
    title = "gBizINFO（法人基本情報）"
    version = "0.1.0"
    description = ("経済産業省のgBizINFO（法人インフォ）から、法人番号で会社の基本情報"
                   "（商号・所在地・代表者・資本金・従業員数・設立日）を取り込みます。")
    auth = AuthSpec.api_key(CredentialField(TOKEN_HEADER, "gBizINFOのAPIトークン"))
    reads = ("基本情報（商号・所在地・代表者・資本金・従業員数・設立日）",)
    modes = ("live", "sandbox")

    def fetch(self, context: FetchContext) -> Iterator[ProfileRecord]:
        number = context.corporate_number
        if not re.fullmatch(r"[0-9]{13}", number or ""):
            raise ConnectorError("法人番号（13桁の数字）が正しくないため、gBizINFOに問い合わせできません。")
        info = sandbox_info(number) if context.mode == "sandbox" else live_info(context)
        yield to_profile(number, info)


def live_info(context: FetchContext) -> Mapping[str, object]:
    base_url = context.settings.get("gbizinfo_base_url", DEFAULT_BASE_URL).rstrip("/")
    token = context.credentials.require(TOKEN_HEADER)
    response = context.http.get(f"{base_url}/hojin/v1/hojin/{context.corporate_number}",
                                headers={TOKEN_HEADER: token})
    if response.status == 404:
        raise ConnectorError(NOT_FOUND, detail="HTTP 404")
    return first_info(response.raise_for_status().json())


def first_info(body: object) -> Mapping[str, object]:
    """The first entry of `hojin-infos`; ConnectorError when there is none."""
    if not isinstance(body, dict) or "hojin-infos" not in body:
        raise UpstreamError(detail="no 'hojin-infos' in the response")
    infos = body["hojin-infos"]
    if not isinstance(infos, list):
        raise UpstreamError(detail="'hojin-infos' is not a list")
    if not infos:
        raise ConnectorError(NOT_FOUND, detail="empty hojin-infos")
    if not isinstance(infos[0], dict):
        raise UpstreamError(detail="a 'hojin-infos' entry is not an object")
    return infos[0]


def sandbox_info(corporate_number: str) -> Mapping[str, object]:
    """A response entry from the fixture: the number's own, or the default made deterministic by it."""
    fixture = json.loads(resources.files(__package__).joinpath("fixtures/hojin.json").read_text("utf-8"))
    if corporate_number in fixture["hojin-infos"]:
        info = fixture["hojin-infos"][corporate_number]
    else:
        seed = int(corporate_number)
        info = {**fixture["default"], "corporate_number": corporate_number,
                "employee_number": seed % 97 + 3, "capital_stock": (seed % 9 + 1) * 5_000_000}
    return first_info({"hojin-infos": [info]})


def to_profile(corporate_number: str, info: Mapping[str, object]) -> ProfileRecord:
    try:
        return ProfileRecord(
            corporate_number=_text(info.get("corporate_number")) or corporate_number,
            name=_text(info.get("name")),
            name_kana=_text(info.get("kana")),
            postal_code=_postal_code(info.get("postal_code")),
            address=_text(info.get("location")),
            representative_name=_text(info.get("representative_name")),
            established_on=_date(info.get("date_of_establishment")),
            capital=_int(info.get("capital_stock")),
            employees=_int(info.get("employee_number")),
            website=_text(info.get("company_url")),
            business_summary=_text(info.get("business_summary")),
        )
    except (TypeError, ValueError) as error:  # gBizINFO sent a value we cannot read
        raise UpstreamError(detail=f"unreadable hojin-info: {error}") from None


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _int(value: object) -> int | None:
    """A count or an amount in yen; gBizINFO gives numbers, sometimes as strings."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise TypeError(f"not a number: {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"-?[0-9,]+", value.strip()):
        return int(value.strip().replace(",", ""))
    raise ValueError(f"not an integer: {value!r}")


def _date(value: object) -> date | None:
    """`1994-06-15T00:00:00+09:00` (or the bare date) → the date."""
    text = _text(value)
    return date.fromisoformat(text[:10]) if text else None


def _postal_code(value: object) -> str | None:
    text = _text(value)
    if text and re.fullmatch(r"[0-9]{7}", text):
        return f"{text[:3]}-{text[3:]}"
    return text
