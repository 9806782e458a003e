"""The connector: the published list of 認定経営革新等支援機関 (domain.md §9) → the business's agency.

The business types in its agency's 認定番号 (not a secret: the list is public). Live mode downloads
the list from the operator's setting `list_url` (`CONNECTOR_SETTINGS["agency"]["list_url"]`) and
yields the one entry with that number as a `SupportAgencyRecord`; the host then proposes linking
the business to it. A number not in the list, or an agency whose certification has expired, is an
error the user reads on マイページ.

The list is a CSV file, UTF-8 (with or without BOM) or Shift_JIS, with a header row. The official
column list is unconfirmed, so columns are found by their header, in any order, extra ones ignored:
認定番号 and 機関名 (required); 種別, 認定日, 有効期限, 都道府県, 所在地, 電話番号 (or 連絡先),
ウェブサイト (or URL), 得意分野, 対応地域. Several values in one cell are separated by 「、」, 「,」, 「/」
or line breaks; dates are 2024-03-31, 2024/3/31, 2024年3月31日 or 令和6年3月31日.

The 認定番号 is asked for in both modes (12 digits, as the published list writes them): the consent
form refuses a number of another shape, and a number the list does not have ends the first sync,
which for an API-key service is part of linking, so nothing is stored. Sandbox mode reads the same
format from `fixtures/agencies.csv` (made-up agencies, the ones `portal seed` puts in the directory).
A fetch without a number (a connection stored before the number was required) falls back to the
agency `fixtures/sandbox.json` names for the 法人番号, else one of the valid agencies chosen by it.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterator, Mapping
from datetime import date
from importlib import resources

from portal.sdk import (
    AuthSpec,
    Connector,
    ConnectorError,
    CredentialField,
    FetchContext,
    SupportAgencyRecord,
    UpstreamError,
)

NUMBER_FIELD = "certification_number"
#: Record field → the headers it may have in the list (the first is the one this module writes).
COLUMNS: dict[str, tuple[str, ...]] = {
    "certification_number": ("認定番号", "認定ID"),
    "name": ("機関名", "機関の名称", "名称", "支援機関名"),
    "kind": ("種別", "機関種別", "業種"),
    "certified_on": ("認定日", "認定年月日"),
    "valid_until": ("有効期限", "認定の有効期限", "有効期間満了日"),
    "prefecture": ("都道府県", "所在地（都道府県）"),
    "address": ("所在地", "住所"),
    "phone": ("電話番号", "連絡先", "電話"),
    "url": ("ウェブサイト", "URL", "ホームページ"),
    "specialties": ("得意分野", "支援分野", "専門分野"),
    "regions": ("対応地域", "支援対象地域", "対応エリア"),
}
REQUIRED = ("certification_number", "name")
_SPLIT = re.compile(r"[、,，/／\n]")
_ERAS = {"令和": 2018, "平成": 1988}


class AgencyConnector(Connector):
    name = "agency"
    title = "認定支援機関"
    version = "0.1.0"
    description = ("中小企業庁が公表する認定経営革新等支援機関の一覧から、あなたの支援機関（税理士・金融機関・商工会など）を"
                   "認定番号で探して、マイページに連携します。")
    auth = AuthSpec.api_key(CredentialField(NUMBER_FIELD, "支援機関の認定番号", secret=False, required=True,
                                            pattern=r"[0-9]{12}", format_hint="12桁の数字（例：109913000101）"))
    live_settings = ("list_url",)
    reads = ("支援機関（機関名・種別・認定番号・認定の有効期限・所在地・連絡先・得意分野・対応地域）",)
    modes = ("live", "sandbox")

    def fetch(self, context: FetchContext) -> Iterator[SupportAgencyRecord]:
        number = normalize_number(context.credentials.fields.get(NUMBER_FIELD))
        if context.mode == "sandbox":
            agencies = sandbox_agencies()
            number = number or sandbox_number(context.corporate_number, agencies, context.today)
        else:
            if not number:
                raise ConnectorError("支援機関の認定番号が登録されていません。「連携」から認定番号を入力してください。")
            agencies = parse_list(download(context))
        yield matching(agencies, number, context.today)


def normalize_number(text: str | None) -> str:
    """Full-width digits and spaces as people type them → the number as the list writes it."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).upper()


def matching(agencies: list[SupportAgencyRecord], number: str, today: date) -> SupportAgencyRecord:
    for agency in agencies:
        if normalize_number(agency.certification_number) == number:
            if agency.valid_until is not None and agency.valid_until < today:
                raise ConnectorError(f"認定番号 {number}（{agency.name}）の認定は、有効期限（{_japanese(agency.valid_until)}）"
                                     "が過ぎています。支援機関に現在の認定番号を確かめてください。")
            return agency
    raise ConnectorError(f"認定番号 {number} は、認定支援機関の一覧に見つかりませんでした。"
                         "番号を確かめて、もう一度「連携」してください。")


# --- the list -------------------------------------------------------------------------------------

def download(context: FetchContext) -> bytes:
    url = context.settings.get("list_url", "").strip()
    if not url:
        raise ConnectorError("認定支援機関の一覧の取得先が設定されていません。ポータルの運営者にお問い合わせください。",
                             detail="CONNECTOR_SETTINGS['agency']['list_url'] is not set")
    response = context.http.get(url)
    if response.status == 404:
        raise UpstreamError("認定支援機関の一覧が取得先に見つかりませんでした。時間をおいて再度お試しください。",
                            detail=f"HTTP 404 for {url}")
    return response.raise_for_status().content


def decode(content: bytes) -> str:
    """UTF-8 (a BOM is dropped) or, failing that, Shift_JIS (as cp932, which Windows writes)."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UpstreamError(detail="the agency list is neither UTF-8 nor Shift_JIS")


def parse_list(content: bytes) -> list[SupportAgencyRecord]:
    """Every usable row of the list; UpstreamError when the file is not a list of this shape."""
    rows = list(csv.reader(io.StringIO(decode(content), newline="")))
    if not rows:
        raise UpstreamError(detail="the agency list is empty")
    header = [unicodedata.normalize("NFKC", cell).strip() for cell in rows[0]]
    positions = {name: next((header.index(h) for h in headers if h in header), None)
                 for name, headers in COLUMNS.items()}
    missing = [COLUMNS[name][0] for name in REQUIRED if positions[name] is None]
    if missing:
        raise UpstreamError(detail=f"the agency list has no column {', '.join(missing)}; header: {header[:12]}")
    agencies = []
    for line, row in enumerate(rows[1:], start=2):
        cells = {name: row[index].strip() if index is not None and index < len(row) else ""
                 for name, index in positions.items()}
        if not any(cells.values()):
            continue
        agencies.append(to_record(cells, line))
    return agencies


def to_record(cells: Mapping[str, str], line: int) -> SupportAgencyRecord:
    if not cells["certification_number"] or not cells["name"]:
        raise UpstreamError(detail=f"line {line}: 認定番号 or 機関名 is empty")
    try:
        return SupportAgencyRecord(
            certification_number=normalize_number(cells["certification_number"]),
            name=" ".join(cells["name"].split()),
            kind=cells["kind"] or None,
            certified_on=parse_date(cells["certified_on"]),
            valid_until=parse_date(cells["valid_until"]),
            prefecture=cells["prefecture"] or None,
            address=cells["address"] or None,
            phone=cells["phone"] or None,
            url=cells["url"] or None,
            specialties=split(cells["specialties"]),
            regions=split(cells["regions"]),
        )
    except ValueError as error:
        raise UpstreamError(detail=f"line {line}: {error}") from None


def split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in _SPLIT.split(text) if part.strip())


def parse_date(text: str) -> date | None:
    """2024-03-31, 2024/3/31, 2024年3月31日, 令和6年3月31日 (令和元年 too); "" → None."""
    text = unicodedata.normalize("NFKC", text).strip()
    if not text:
        return None
    if match := re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text):
        year, month, day = (int(part) for part in match.groups())
    elif match := re.fullmatch(r"(令和|平成)(\d{1,2}|元)年(\d{1,2})月(\d{1,2})日", text):
        era, year_text, month_text, day_text = match.groups()
        year = _ERAS[era] + (1 if year_text == "元" else int(year_text))
        month, day = int(month_text), int(day_text)
    else:
        raise ValueError(f"unreadable date {text!r}")
    return date(year, month, day)


def _japanese(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# --- sandbox --------------------------------------------------------------------------------------

def sandbox_agencies() -> list[SupportAgencyRecord]:
    """The made-up agencies of the fixture, read exactly as a downloaded list is."""
    return parse_list(resources.files(__package__).joinpath("fixtures", "agencies.csv").read_bytes())


def sandbox_number(corporate_number: str, agencies: list[SupportAgencyRecord], today: date) -> str:
    """The agency a 法人番号 works with in the sandbox: the fixture's choice, else one chosen by the number."""
    if not re.fullmatch(r"[0-9]{13}", corporate_number or ""):
        raise ConnectorError("法人番号（13桁の数字）が正しくないため、お試しの支援機関を用意できません。")
    links = json.loads(resources.files(__package__).joinpath("fixtures", "sandbox.json").read_text("utf-8"))["links"]
    if corporate_number in links:
        return links[corporate_number]
    valid = sorted(a.certification_number for a in agencies if a.valid_until is None or a.valid_until >= today)
    return valid[int(corporate_number) % len(valid)]
