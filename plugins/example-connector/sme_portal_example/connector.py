"""The connector: 商工会議所の会員情報 (a made-up service) → 基本情報.

Live mode asks the chamber's member API for one 法人番号; sandbox mode answers from
`fixtures/members.json`, the same way every time for the same number, so a demo or a test needs
neither network nor key. Both modes turn the answer into one `ProfileRecord`; a field the service
does not give stays `None`, which tells the portal to leave that field alone.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from importlib import resources

from portal.sdk import (
    AuthSpec,
    Connector,
    ConnectorError,
    CredentialField,
    FetchContext,
    ProfileRecord,
    Section,
    UpstreamError,
)

DEFAULT_BASE_URL = "https://api.cci-members.example.jp/v1"


class ChamberMembersConnector(Connector):
    name = "chamber_members_sample"
    title = "商工会議所 会員情報（サンプル）"
    version = "0.1.0"
    description = "商工会議所の会員名簿から、会社の基本情報（商号・所在地・代表者・資本金など）を取り込みます。"
    auth = AuthSpec.api_key(CredentialField("api_key", "会員サービスのAPIキー"))
    reads = (Section.PROFILE,)
    modes = ("live", "sandbox")

    def fetch(self, context: FetchContext) -> Iterator[ProfileRecord]:
        if context.mode == "sandbox":
            member = sandbox_member(context.corporate_number)
        else:
            member = self.live_member(context)
        yield to_profile(context.corporate_number, member)

    def live_member(self, context: FetchContext) -> dict:
        base_url = context.settings.get("base_url", DEFAULT_BASE_URL).rstrip("/")
        response = context.http.get(f"{base_url}/members/{context.corporate_number}",
                                    headers={"X-Api-Key": context.credentials.require("api_key")})
        if response.status == 404:
            raise ConnectorError("商工会議所の会員名簿にこの法人番号が見つかりませんでした。")
        body = response.raise_for_status().json()
        if not isinstance(body, dict) or not isinstance(body.get("member"), dict):
            raise UpstreamError(detail="no 'member' object in the response")
        return body["member"]


def sandbox_member(corporate_number: str) -> dict:
    """The fixture for this number, or the default one made deterministic by the number itself."""
    fixtures = json.loads(resources.files(__package__).joinpath("fixtures/members.json").read_text("utf-8"))
    if corporate_number in fixtures["members"]:
        return fixtures["members"][corporate_number]
    return {**fixtures["default"], "employees": int(corporate_number[-2:]) % 50 + 1}


def to_profile(corporate_number: str, member: dict) -> ProfileRecord:
    representative = member.get("representative") or {}
    try:
        return ProfileRecord(
            corporate_number=corporate_number,
            name=member.get("name"),
            name_kana=member.get("name_kana"),
            postal_code=member.get("postal_code"),
            address=member.get("address"),
            industry_code=member.get("industry_code"),
            representative_title=representative.get("title"),
            representative_name=representative.get("name"),
            established_on=date.fromisoformat(member["established"]) if member.get("established") else None,
            capital=member.get("capital_yen"),
            employees=member.get("employees"),
            website=member.get("url"),
        )
    except (TypeError, ValueError, AttributeError) as error:  # the service sent a field we cannot read
        raise UpstreamError(detail=f"unreadable member record: {error}") from None
