"""電子申請ワンストップ (product.md feature 14): the way to apply, offered on a measure's page.

The panel shows the measure's 電子申請 link; when an application site registered with the portal
takes this measure, the consented pre-fill path (the site asks the business for consent through
the once-only API); otherwise a data sheet of the logged-in business — printable, and as CSV or
JSON — to copy from. A checklist of what such an application usually needs is derived from the
measure's own data (支援の種類, 目的, size limits, wording), each item marked when 事業データ
already holds it.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field

from flask import Blueprint, Response
from flask_login import current_user

from portal import store
from portal.access import refuse_visitors
from portal.db import get_session
from portal.errors import NotFound
from portal.htmx import render
from portal.models import Business, OAuthClient, Support
from portal.oauth.clients import clients_for_support
from portal.store.reads import BusinessData, RecordView
from portal.ui import http_url

bp = Blueprint("onestop", __name__, url_prefix="/supports/<int:support_id>")

#: 基本情報 fields an application form asks for, in the order forms usually ask.
SHEET_BASIC = ("corporate_number", "name", "name_kana", "postal_code", "prefecture", "address", "industry",
               "representative_title", "representative_name", "established_on", "capital", "contact_name",
               "contact_phone", "contact_email", "website")
SHEET_PERIOD = ("period_end", "months", "employees", "net_sales", "gross_profit", "operating_income",
                "ordinary_income", "net_income", "total_assets", "net_assets", "depreciation", "personnel_expenses")
SHEET_PERIODS = 3


@dataclass(frozen=True)
class CheckItem:
    text: str
    ready: bool | None = None  # True: 事業データ holds it; False: not yet; None: prepared elsewhere
    note: str = ""


@dataclass
class OneStop:
    support: Support
    application_url: str
    sites: list[OAuthClient]
    logged_in: bool
    has_business: bool
    checklist: list[CheckItem] = field(default_factory=list)


def _business_of_current_user(session) -> Business | None:
    from portal.eligibility import request_business  # one look-up per request, shared with the verdict

    return request_business(session, current_user)


def onestop_for(support: Support) -> OneStop:
    """What the measure page's 「この制度に申請する」 panel shows (a Jinja global)."""
    session = get_session()
    business = _business_of_current_user(session)
    # The checklist looks at 基本情報 and the 決算期 only; 株主・役員・事業所 are not read.
    data = store.business_data(session, business, lists=("period",)) if business is not None else None
    return OneStop(support, http_url(support.application_url), clients_for_support(session, support.id),
                   current_user.is_authenticated, business is not None, checklist(support, data))


def _filled(data: BusinessData | None, *names: str) -> bool | None:
    if data is None:
        return None
    return all(data.basic[name].value is not None for name in names)


def checklist(support: Support, data: BusinessData | None) -> list[CheckItem]:
    """What an application for this kind of measure usually needs."""
    services = {int(v) for v in support.tag_values("service")}
    subkinds = {int(v) for v in support.tag_values("subkind")}
    purposes = {int(v) for v in support.tag_values("purpose")}
    text = f"{support.title} {support.summary} {support.target} {support.usage} {support.body}"
    periods = len(data.periods) if data is not None else None
    items = [CheckItem("会社の基本情報（法人番号・商号・所在地・代表者）",
                       _filled(data, "name", "prefecture", "address", "representative_name"),
                       "ポータルの事業データから写せます。")]
    if "jgrants" in support.application_url or 3 in services:
        items.append(CheckItem("GビズIDプライムのアカウント", None, "電子申請（Jグランツなど）へのログインに使います。"
                                                                 "発行まで2〜3週間かかることがあります。"))
    if services & {1, 3} or "決算" in text:
        items.append(CheckItem("直近2期分の決算書（貸借対照表・損益計算書）",
                               None if periods is None else periods >= 2,
                               f"事業データには{periods}期分の決算が登録されています。" if periods is not None else ""))
    if 3 in services or "事業計画" in text or "経営力向上計画" in text:
        items.append(CheckItem("事業計画（取り組む内容・経費の内訳・スケジュール・見込まれる効果）", None,
                               "売上高や営業利益などの数字は事業データから写せます。"))
    if purposes & {2, 3} and services & {2, 3}:
        items.append(CheckItem("導入する設備・ITツールの見積書やカタログ", None))
    if 1 in services or subkinds & {2, 5}:
        items.append(CheckItem("資金繰り表・借入金の一覧・返済計画", None))
    if 2 in services:
        items.append(CheckItem("法人税の確定申告書の控え（税制の適用を受ける年度）", None))
        if "経営力向上計画" in text or "証明書" in text:
            items.append(CheckItem("計画の認定書や設備の証明書（工業会の証明書など）", None))
    if 4 in services:
        items.append(CheckItem("登記事項証明書（履歴事項全部証明書）", None))
    if "認定支援機関" in text or "認定経営革新等支援機関" in text:
        items.append(CheckItem("認定経営革新等支援機関の確認書・意見書", None, "「支援機関を探す」から相談先を探せます。"))
    if support.max_employees or support.max_capital:
        limits = "・".join(part for part in (
            f"従業員{support.max_employees}人以下" if support.max_employees else "",
            f"資本金{support.max_capital:,}円以下" if support.max_capital else "") if part)
        ready = None if data is None else (data.basic["capital"].value is not None and bool(data.periods))
        items.append(CheckItem(f"会社の規模が条件（{limits}）に合うことの確認", ready,
                               "従業員数は決算期の情報、資本金は基本情報から確かめられます。"))
    return items


# --- the data sheet -----------------------------------------------------------------------------

def _sheet(support_id: int) -> tuple[Support, BusinessData]:
    session = get_session()
    support = session.get(Support, support_id)
    if support is None:
        raise NotFound("お探しの支援制度は見つかりませんでした。")
    if not current_user.is_authenticated:
        raise NotFound("データシートを作るにはログインしてください。")
    business = store.require_business(session, current_user)
    return support, store.business_data(session, business, lists=("period", "officer", "office"))  # no 株主


def sheet_rows(data: BusinessData) -> list[tuple[str, str, str, str, str]]:
    """(区分, 項目, 値, 情報源, 更新日) for every value an application form may ask for."""
    rows = []

    def add(section: str, view: RecordView, names: tuple[str, ...]) -> None:
        for name in names:
            shown = view[name]
            rows.append((section, shown.spec.label, shown.text, shown.source_label,
                         shown.updated_at.date().isoformat() if shown.updated_at else ""))

    add("基本情報", data.basic, SHEET_BASIC)
    for period in data.periods[:SHEET_PERIODS]:
        add(f"事業財務情報（{period.label}）", period, SHEET_PERIOD)
    for officer in data.officers:
        add("役員", officer, ("title", "name", "appointed_on"))
    for office in data.offices:
        add("事業所", office, ("name", "postal_code", "prefecture", "address", "phone", "employees"))
    return rows


bp.before_request(refuse_visitors)


@bp.get("/datasheet")
def datasheet(support_id: int):
    support, data = _sheet(support_id)
    return render("navi/datasheet.html", support=support, data=data, rows=sheet_rows(data))


@bp.get("/datasheet.csv")
def datasheet_csv(support_id: int):
    support, data = _sheet(support_id)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(("区分", "項目", "値", "情報源", "更新日"))
    writer.writerows(sheet_rows(data))
    # Excel opens UTF-8 CSV correctly only with a BOM.
    return _download("\ufeff" + buffer.getvalue(), "text/csv; charset=utf-8", f"datasheet-{support.id}.csv")


@bp.get("/datasheet.json")
def datasheet_json(support_id: int):
    support, data = _sheet(support_id)
    body = {"support": {"id": support.id, "title": support.title},
            "items": [dict(zip(("section", "label", "value", "source", "updated_on"), row, strict=True))
                      for row in sheet_rows(data)]}
    return _download(json.dumps(body, ensure_ascii=False, indent=2), "application/json",
                     f"datasheet-{support.id}.json")


def _download(body: str, content_type: str, filename: str) -> Response:
    # content_type as given: `mimetype=` would append a second "; charset=utf-8" to the CSV's.
    response = Response(body, content_type=content_type if "charset" in content_type
                        else f"{content_type}; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
