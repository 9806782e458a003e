"""The sections of 事業データ (domain.md §7) and the fields of each, in the order people read them.

A `Section` ties a model to its fields, says how a record is named in history, and holds the rules
that involve more than one field: `rules` refuse a write, `checks` only point at figures that look
wrong (貸借が合わない, 10万人を超える従業員) with the numbers involved, and never stop a save — a 決算書
can be odd, and the owner knows best. Forms, pages and the store all read their fields from here, so
a field added here appears everywhere at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from portal.models import Business, BusinessKind, FinancialPeriod, Office, Officer, Shareholder
from portal.store.values import FieldSpec
from portal.taxonomy import INDUSTRIES, PREFECTURES
from portal.ui import format_date

KINDS = {kind.value: kind.label for kind in BusinessKind}
INDUSTRY_CHOICES = {letter: f"{letter} {name}" for letter, name in INDUSTRIES.items()}

BASIC_FIELDS = (
    FieldSpec("kind", "事業形態", "choice", required=True, choices=KINDS, coerce=BusinessKind),
    FieldSpec("corporate_number", "法人番号", "corporate_number",
              hint="13桁の数字です。個人事業主の方は空欄のままで構いません。"),
    FieldSpec("name", "商号・屋号", required=True),
    FieldSpec("name_kana", "商号（カナ）", "kana", hint="例：カブシキガイシャ サンプルショウジ"),
    FieldSpec("postal_code", "郵便番号", "postal", hint="例：100-8901"),
    FieldSpec("prefecture", "本社所在地（都道府県）", "choice", choices=PREFECTURES),
    FieldSpec("address", "本社所在地（市区町村・番地）", max_length=300),
    FieldSpec("industry", "業種（日本標準産業分類の大分類）", "choice", choices=INDUSTRY_CHOICES),
    FieldSpec("representative_title", "代表者の役職", max_length=50, hint="例：代表取締役"),
    FieldSpec("representative_name", "代表者の氏名", max_length=100),
    FieldSpec("established_on", "設立日（開業日）", "date", not_future=True),
    FieldSpec("capital", "資本金", "yen", unit="円", hint="円単位。「10,000,000」のほか「1000万円」とも書けます。"),
    FieldSpec("contact_name", "担当者の氏名", max_length=100),
    FieldSpec("contact_phone", "担当者の電話番号", "phone", hint="例：03-1234-5678"),
    FieldSpec("contact_email", "担当者のメールアドレス", "email", max_length=254),
    FieldSpec("website", "ウェブサイト", "url", max_length=500, hint="例：https://www.example.co.jp/"),
)

_YEN_HINT = "円単位。「1,234,567」のように区切っても、「1.2億」「3,450万円」「1,234千円」と書いても構いません。"
_SIGNED_HINT = "円単位（「1.2億」「1,234千円」とも書けます）。マイナスは「-」か「△」を付けてください（例：△500万）。"


def _yen(name: str, label: str, group: str, signed: bool = False) -> FieldSpec:
    return FieldSpec(name, label, "yen", unit="円", signed=signed, group=group,
                     hint=_SIGNED_HINT if signed else _YEN_HINT)


PERIOD_GROUPS = ("決算期", "貸借対照表", "損益計算書")
PERIOD_FIELDS = (
    FieldSpec("period_end", "決算年月日", "date", required=True, group="決算期", hint="決算日です。例：2024年3月31日"),
    FieldSpec("months", "期間（月数）", "months", required=True, unit="か月", group="決算期",
              hint="通常は12です。設立した年などで短い場合はその月数を入力してください。"),
    FieldSpec("employees", "期末従業員数", "count", unit="人", group="決算期"),
    FieldSpec("regular_employees", "うち正社員数", "count", unit="人", group="決算期"),
    _yen("total_assets", "資産合計", "貸借対照表"),
    _yen("current_assets", "流動資産合計", "貸借対照表"),
    _yen("cash_and_deposits", "現金及び預金", "貸借対照表"),
    _yen("notes_receivable", "受取手形", "貸借対照表"),
    _yen("accounts_receivable", "売掛金", "貸借対照表"),
    _yen("inventories", "棚卸資産", "貸借対照表"),
    _yen("fixed_assets", "固定資産合計", "貸借対照表"),
    _yen("total_liabilities", "負債合計", "貸借対照表"),
    _yen("current_liabilities", "流動負債合計", "貸借対照表"),
    _yen("notes_payable", "支払手形", "貸借対照表"),
    _yen("accounts_payable", "買掛金", "貸借対照表"),
    _yen("short_term_borrowings", "短期借入金", "貸借対照表"),
    _yen("fixed_liabilities", "固定負債合計", "貸借対照表"),
    _yen("long_term_borrowings", "長期借入金", "貸借対照表"),
    _yen("net_assets", "純資産合計", "貸借対照表", signed=True),
    _yen("capital_stock", "資本金", "貸借対照表"),
    _yen("net_sales", "売上高", "損益計算書"),
    _yen("cost_of_sales", "売上原価", "損益計算書"),
    _yen("gross_profit", "売上総利益", "損益計算書", signed=True),
    _yen("sga_expenses", "販売費及び一般管理費", "損益計算書"),
    _yen("depreciation", "減価償却費（売上原価内＋販管費内）", "損益計算書"),
    _yen("personnel_expenses", "人件費", "損益計算書"),
    _yen("operating_income", "営業利益", "損益計算書", signed=True),
    _yen("ordinary_income", "経常利益", "損益計算書", signed=True),
    _yen("net_income", "当期純利益", "損益計算書", signed=True),
)

SHAREHOLDER_FIELDS = (
    FieldSpec("name", "株主の氏名・名称", required=True),
    FieldSpec("shares", "持株数", "count", unit="株"),
    FieldSpec("investment", "出資額", "yen", unit="円", hint=_YEN_HINT),
    FieldSpec("relation", "代表者との関係", max_length=100, hint="例：本人、配偶者、取引先"),
)

OFFICER_FIELDS = (
    FieldSpec("title", "役職", required=True, max_length=50, hint="例：取締役、監査役"),
    FieldSpec("name", "氏名", required=True, max_length=100),
    FieldSpec("appointed_on", "就任日", "date"),
)

OFFICE_FIELDS = (
    FieldSpec("name", "事業所名", required=True, hint="例：本社、大阪営業所、第二工場"),
    FieldSpec("postal_code", "郵便番号", "postal"),
    FieldSpec("prefecture", "都道府県", "choice", choices=PREFECTURES),
    FieldSpec("address", "所在地（市区町村・番地）", max_length=300),
    FieldSpec("phone", "電話番号", "phone"),
    FieldSpec("employees", "従業員数", "count", unit="人"),
)


def _basic_rules(values: Mapping[str, object]) -> dict[str, str]:
    if values.get("kind") == BusinessKind.CORPORATION and not values.get("corporate_number"):
        return {"corporate_number": "法人の場合は法人番号を入力してください。"}
    return {}


def _period_rules(values: Mapping[str, object]) -> dict[str, str]:
    employees, regular = values.get("employees"), values.get("regular_employees")
    if employees is not None and regular is not None and regular > employees:
        return {"regular_employees": "正社員数は期末従業員数以下の数を入力してください。"}
    return {}


#: Above this many people a count is more likely a typo than a small business (a warning, not a refusal).
PLAUSIBLE_HEADCOUNT = 100_000


@dataclass(frozen=True)
class Caution:
    """A figure that looks wrong but may be right: shown beside the value, never blocking a save."""

    field: str
    message: str


def _headcount(values: Mapping[str, object], name: str, label: str) -> list[Caution]:
    count = values.get(name)
    if isinstance(count, int) and count > PLAUSIBLE_HEADCOUNT:
        return [Caution(name, f"{label}が{count:,}人になっています。{PLAUSIBLE_HEADCOUNT:,}人を超えることはまれなので、"
                              "桁を確かめてください（このまま保存しています）。")]
    return []


def _period_checks(values: Mapping[str, object]) -> list[Caution]:
    found = _headcount(values, "employees", "期末従業員数") + _headcount(values, "regular_employees", "正社員数")
    assets, liabilities, net = (values.get(n) for n in ("total_assets", "total_liabilities", "net_assets"))
    if None not in (assets, liabilities, net) and assets != liabilities + net:
        found.append(Caution("total_assets", (
            f"資産合計（{assets:,}円）と、負債合計＋純資産合計（{liabilities:,}円＋{net:,}円＝{liabilities + net:,}円）が"
            f"一致しません（差は{abs(assets - liabilities - net):,}円）。貸借対照表の数字を確かめてください"
            "（このまま保存しています）。")))
    return found


def _office_checks(values: Mapping[str, object]) -> list[Caution]:
    return _headcount(values, "employees", "事業所の従業員数")


@dataclass(frozen=True)
class Section:
    name: str
    label: str
    model: type
    fields: tuple[FieldSpec, ...]
    record_label: Callable[[object], str]
    rules: Callable[[Mapping[str, object]], dict[str, str]] = field(default=lambda _values: {})
    checks: Callable[[Mapping[str, object]], list[Caution]] = field(default=lambda _values: [])

    def spec(self, name: str) -> FieldSpec:
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(f"{self.name} has no field {name!r}")

    @property
    def is_list(self) -> bool:
        return self.name != "basic"

    def cautions(self, record: object) -> list[Caution]:
        """What looks wrong in `record` as stored (see `checks`)."""
        return self.checks({spec.name: getattr(record, spec.name) for spec in self.fields})


SECTIONS: dict[str, Section] = {
    "basic": Section("basic", "基本情報", Business, BASIC_FIELDS, lambda _b: "基本情報", _basic_rules),
    "period": Section("period", "事業財務情報", FinancialPeriod, PERIOD_FIELDS,
                      lambda p: f"{format_date(p.period_end)}決算", _period_rules, _period_checks),
    "shareholder": Section("shareholder", "株主", Shareholder, SHAREHOLDER_FIELDS, lambda s: s.name),
    "officer": Section("officer", "役員", Officer, OFFICER_FIELDS, lambda o: f"{o.title} {o.name}"),
    "office": Section("office", "事業所", Office, OFFICE_FIELDS, lambda o: o.name, checks=_office_checks),
}
