"""The 非財務 dialogue sheets of the ロカベンシート: 「4つの視点」 with the synthesis, and 「商流・業務フロー」.

The structure (headings and items) is the official sheet's; the answers are free text. Answers are
kept as a flat mapping field name → text, so a report stores exactly what the form showed and a
sheet added here later simply starts empty in older reports.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

MAX_TEXT = 2000
MAX_STEPS = 10
DEFAULT_STEPS = 5
STEP_MARKS = "①②③④⑤⑥⑦⑧⑨⑩"


@dataclass(frozen=True)
class Item:
    name: str
    label: str


@dataclass(frozen=True)
class Group:
    name: str
    label: str
    items: tuple[Item, ...]


FOUR_VIEWS: tuple[Group, ...] = (
    Group("owner", "① 経営者", (
        Item("owner_vision", "経営理念・ビジョン／経営哲学・考え・方針等"),
        Item("owner_motivation", "経営意欲（成長志向・現状維持など）"),
        Item("owner_successor", "後継者の有無／後継者の育成状況／承継のタイミング・関係"),
    )),
    Group("business", "② 事業", (
        Item("business_history", "企業及び事業沿革（ターニングポイントの把握）"),
        Item("business_strengths", "強み（技術力・販売力等）"),
        Item("business_weaknesses", "弱み（技術力・販売力等）"),
        Item("business_it", "ITに関する投資、活用の状況／1時間当たり付加価値（生産性）向上に向けた取り組み"),
    )),
    Group("environment", "③ 企業を取り巻く環境・関係者", (
        Item("env_market", "市場動向・規模・シェアの把握／競合他社との比較"),
        Item("env_customers", "顧客リピート率・新規開拓率／主な取引先企業の推移／顧客からのフィードバックの有無"),
        Item("env_employees", "従業員定着率／勤続年数・平均給与"),
        Item("env_banks", "取引金融機関数・推移／メインバンクとの関係"),
    )),
    Group("internal", "④ 内部管理体制", (
        Item("internal_organization", "組織体制／品質管理・情報管理体制"),
        Item("internal_plans", "事業計画・経営計画の有無／従業員との共有状況／社内会議の実施状況"),
        Item("internal_rnd", "研究開発・商品開発の体制／知的財産権の保有・活用状況"),
        Item("internal_training", "人材育成の取り組み状況／人材育成の仕組み"),
    )),
)

SYNTHESIS: tuple[Item, ...] = (
    Item("current", "現状認識"),
    Item("goal", "将来目標"),
    Item("issues", "課題（現状と目標のギャップ）"),
    Item("actions", "対応策（アクションプラン。優先順に）"),
)

OFFERING: tuple[Item, ...] = (
    Item("offering_content", "製品・商品・サービスの内容"),
    Item("offering_value", "どのような価値を提供しているか（顧客提供価値）"),
)

#: 商流: each party with its details and why it was chosen / why it chooses us.
PARTIES: tuple[tuple[str, str, str], ...] = (
    ("supplier", "仕入先", "選定理由"),
    ("partner", "協力先", "選定理由"),
    ("company", "当社", "強み・選ばれている理由"),
    ("customer", "得意先", "選ばれている理由"),
    ("end_user", "エンドユーザー", "選ばれている理由"),
)


def step_fields(number: int) -> tuple[str, str, str]:
    return f"step{number}_name", f"step{number}_content", f"step{number}_point"


def party_fields(name: str) -> tuple[str, str]:
    return f"{name}_detail", f"{name}_reason"


def field_names(steps: int) -> list[str]:
    names = [item.name for group in FOUR_VIEWS for item in group.items]
    names += [item.name for item in SYNTHESIS] + [item.name for item in OFFERING]
    for number in range(1, steps + 1):
        names += step_fields(number)
    for name, _label, _reason in PARTIES:
        names += party_fields(name)
    return names


def labels(steps: int) -> dict[str, str]:
    """Field name → the label a reader sees (used for errors and the Excel export)."""
    out = {item.name: f"{group.label.split(' ', 1)[1]}：{item.label}" for group in FOUR_VIEWS for item in group.items}
    out.update({item.name: item.label for item in SYNTHESIS + OFFERING})
    for number in range(1, steps + 1):
        name, content, point = step_fields(number)
        mark = STEP_MARKS[number - 1]
        out.update({name: f"業務{mark}の名称", content: f"業務{mark}の実施内容", point: f"業務{mark}の差別化ポイント"})
    for name, label, reason in PARTIES:
        detail, why = party_fields(name)
        out.update({detail: f"{label}（社名・取引金額・内容等）", why: f"{label}の{reason}"})
    return out


def step_count(data: Mapping[str, str]) -> int:
    """How many 業務 rows a sheet has: the default five, or as many as were filled in."""
    filled = [n for n in range(1, MAX_STEPS + 1) if any(data.get(f) for f in step_fields(n))]
    return max([DEFAULT_STEPS, *filled])


def read_sheets(form: Mapping[str, str], steps: int) -> tuple[dict[str, str], dict[str, str]]:
    """The answers from a form (blank ones left out) and the errors (field → message)."""
    answers, errors = {}, {}
    for name in field_names(steps):
        text = (form.get(f"nf_{name}") or "").replace("\r\n", "\n").strip()
        if len(text) > MAX_TEXT:
            errors[f"nf_{name}"] = f"{MAX_TEXT:,}文字以内で入力してください（いまは{len(text):,}文字）。"
        if text:
            answers[name] = text
    return answers, errors
