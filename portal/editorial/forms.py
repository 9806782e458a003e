"""Editing forms for measures and articles: every field, taxonomies as labelled checkboxes, values
kept as typed (dates and numbers are text here and parsed by `to_data`, so a wrong one is shown
back with its message instead of being dropped)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, ClassVar

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.fields.choices import SelectChoice

from portal import taxonomy
from portal.editorial import snapshots
from portal.models import ArticleCategory
from portal.ui import JST


class Required:
    field_flags: ClassVar[dict[str, bool]] = {"required": True}

    def __call__(self, form, field) -> None:
        return None


def _checkboxes(label: str, choices: list[tuple[str, str]]) -> SelectMultipleField:
    return SelectMultipleField(label, choices=[SelectChoice(v, n) for v, n in choices], validate_choice=False,
                               option_widget=widgets.CheckboxInput(), widget=widgets.ListWidget(prefix_label=False))


TAG_CHOICES = {
    "purpose": ("目的", [(str(k), v) for k, v in taxonomy.PURPOSES.items()]),
    "stage": ("経営の段階", [(str(k), v) for k, v in taxonomy.STAGE_NAMES.items()]),
    "service": ("支援の種類", [(str(k), v) for k, v in taxonomy.SERVICES.items()]),
    "subkind": ("支援の種類（詳細）", [(str(k), v) for k, v in taxonomy.SUBKIND_NAMES.items()]),
    "industry": ("業種", list(taxonomy.INDUSTRIES.items())),
    "prefecture": ("地域（都道府県）", list(taxonomy.PREFECTURES.items())),
}
LIMITS = {"title": 300, "subtitle": 300, "number": 40, "support_organization": 500, "application_url": 1000,
          "source_url": 1000, "special_measure": 100, "subsidy_rate": 200, "note": 300}
AUTHORITY_KINDS = {"国": "gov", "自治体": "lgov", "その他": "other"}


class ChangeFields:
    note = StringField("変更の内容（履歴に残るメモ）", render_kw={"maxlength": 300, "autocomplete": "off"})
    major = BooleanField("重要な変更（更新日を改め、保存した検索に一致する事業者へ通知します）")


class SupportForm(ChangeFields, FlaskForm):
    title = StringField("制度の名称", validators=[Required()], render_kw={"maxlength": 300, "autocomplete": "off"})
    subtitle = StringField("副題")
    number = StringField("制度番号")
    summary = TextAreaField("概要", render_kw={"rows": 3})
    body = TextAreaField("本文（Markdown）", render_kw={"rows": 12})
    target = TextAreaField("対象者", render_kw={"rows": 3})
    usage = TextAreaField("利用できる内容", render_kw={"rows": 3})
    inquiry = TextAreaField("問い合わせ先", render_kw={"rows": 3})
    reference = TextAreaField("参考情報", render_kw={"rows": 3})
    support_organization = StringField("支援機関")
    governing_law = TextAreaField("根拠法令", render_kw={"rows": 2})
    authorities = TextAreaField("所管（1行に1つ。「中小企業庁」「京都府（自治体）」のように）", render_kw={"rows": 2})
    keywords = StringField("キーワード（読点かカンマで区切る）")
    application_url = StringField("申請先URL", render_kw={"type": "url"})
    source_url = StringField("出典URL", render_kw={"type": "url"})
    reception_start = StringField("受付開始日", render_kw={"type": "date"})
    reception_end = StringField("受付終了日", render_kw={"type": "date"})
    reception_remarks = TextAreaField("受付についての補足", render_kw={"rows": 2})
    publish_date = StringField("掲載日", render_kw={"type": "date"})
    unpublish_date = StringField("掲載終了日", render_kw={"type": "date"})
    special_measure = StringField("特例（例：災害特例）")
    max_employees = StringField("従業員数の上限（人）", render_kw={"inputmode": "numeric"})
    max_capital = StringField("資本金の上限（円）", render_kw={"inputmode": "numeric"})
    max_established_years = StringField("創業からの年数の上限（年）", render_kw={"inputmode": "numeric"})
    subsidy_max_limit = StringField("補助上限額（円）", render_kw={"inputmode": "numeric"})
    subsidy_rate = StringField("補助率（例：2/3）")
    tag_purpose = _checkboxes(*TAG_CHOICES["purpose"])
    tag_stage = _checkboxes(*TAG_CHOICES["stage"])
    tag_service = _checkboxes(*TAG_CHOICES["service"])
    tag_subkind = _checkboxes(*TAG_CHOICES["subkind"])
    tag_industry = _checkboxes(*TAG_CHOICES["industry"])
    tag_prefecture = _checkboxes(*TAG_CHOICES["prefecture"])

    related = SelectMultipleField("関連する支援制度", choices=[], validate_choice=False, coerce=str,
                                  option_widget=widgets.CheckboxInput(), widget=widgets.ListWidget(prefix_label=False))
    related_q = StringField("関連する支援制度を名称で探す", render_kw={"type": "search", "autocomplete": "off", "maxlength": 100})

    TAG_FIELDS = tuple(f"tag_{k}" for k in TAG_CHOICES)

    def fill(self, data: dict[str, Any]) -> None:
        for name in (*snapshots.SUPPORT_TEXT, *snapshots.SUPPORT_DATES):
            self[name].data = data.get(name) or ""
        for name in snapshots.SUPPORT_INTS:
            self[name].data = "" if data.get(name) is None else str(data[name])
        self.keywords.data = "、".join(data.get("keywords") or [])
        kinds = {v: k for k, v in AUTHORITY_KINDS.items()}
        self.authorities.data = "\n".join(a.get("name", "") + (f"（{kinds[a['kind']]}）" if a.get("kind") in kinds and a.get("kind") != "gov" else "")
                                          for a in data.get("authorities") or [])
        for kind in TAG_CHOICES:
            self[f"tag_{kind}"].data = list((data.get("tags") or {}).get(kind, []))

    def to_data(self, base: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        """The snapshot the form describes (fields it does not show come from `base`), and the
        problems found, field name → Japanese message."""
        problems: dict[str, str] = {}
        data = dict(base)
        for name in snapshots.SUPPORT_TEXT:
            data[name] = (self[name].data or "").strip()
        if not data["title"]:
            problems["title"] = "制度の名称を入力してください。"
        for name, limit in LIMITS.items():
            if name in data and name not in problems and len(data[name]) > limit:
                problems[name] = f"{limit}文字以内で入力してください（いま{len(data[name])}文字）。"
        for name in ("application_url", "source_url"):
            if data[name] and not re.match(r"https?://\S+$", data[name]):
                problems[name] = "http:// か https:// で始まるURLを入力してください。"
        for name in snapshots.SUPPORT_DATES:
            value = (self[name].data or "").strip()
            data[name] = None
            if value:
                try:
                    data[name] = date.fromisoformat(value.replace("/", "-")).isoformat()
                except ValueError:
                    problems[name] = "日付は 2026-04-01 のように入力してください。"
        if data["reception_start"] and data["reception_end"] and data["reception_end"] < data["reception_start"] \
                and "reception_end" not in problems:
            problems["reception_end"] = "受付終了日は受付開始日より後の日にしてください。"
        for name in snapshots.SUPPORT_INTS:
            value = (self[name].data or "").strip().replace(",", "").replace("，", "")
            data[name] = None
            if value:
                if value.isascii() and value.isdigit():
                    data[name] = int(value)
                else:
                    problems[name] = "半角の数字で入力してください（例：300）。"
        data["keywords"] = [w for w in (p.strip() for p in re.split(r"[,、，\n]", self.keywords.data or "")) if w]
        authorities = []
        for line in (self.authorities.data or "").splitlines():
            line = line.strip()
            match = re.match(r"^(.*?)[（(](国|自治体|その他)[）)]$", line)
            if match:
                authorities.append({"name": match.group(1).strip(), "kind": AUTHORITY_KINDS[match.group(2)]})
            elif line:
                authorities.append({"name": line, "kind": "gov"})
        data["authorities"] = authorities
        tags = {k: v for k, v in (base.get("tags") or {}).items() if k not in TAG_CHOICES}
        for kind, (_label, choices) in TAG_CHOICES.items():
            allowed = {v for v, _n in choices}
            chosen = [v for v in self[f"tag_{kind}"].data or [] if v in allowed]
            if chosen:
                tags[kind] = sorted(chosen)
        data["tags"] = tags
        if len(self.note.data or "") > 300:
            problems["note"] = "変更の内容は300文字以内で入力してください。"
        return data, problems


class ArticleForm(ChangeFields, FlaskForm):
    title = StringField("タイトル", validators=[Required()], render_kw={"maxlength": 200, "autocomplete": "off"})
    category = SelectField("カテゴリ", choices=[SelectChoice("", "選択してください"),
                                              *(SelectChoice(c.value, c.label) for c in ArticleCategory)],
                           validate_choice=False, validators=[Required()])
    summary = TextAreaField("概要（一覧に表示）", render_kw={"rows": 2, "maxlength": 400})
    body = TextAreaField("本文（Markdown）", validators=[Required()], render_kw={"rows": 16})
    keywords = StringField("キーワード（読点かカンマで区切る）")
    supports = SelectMultipleField("記事で紹介した制度", choices=[], validate_choice=False, coerce=str,
                                   option_widget=widgets.CheckboxInput(), widget=widgets.ListWidget(prefix_label=False))
    unpublish_at = StringField("掲載終了の日時（任意。過ぎると自動で非公開）", render_kw={"type": "datetime-local"})

    def fill(self, data: dict[str, Any]) -> None:
        for name in snapshots.ARTICLE_TEXT:
            self[name].data = data.get(name) or ""
        if data.get("unpublish_at"):
            self.unpublish_at.data = datetime.fromisoformat(data["unpublish_at"]).astimezone(JST).strftime("%Y-%m-%dT%H:%M")
        self.keywords.data = "、".join(data.get("keywords") or [])
        self.supports.data = [str(i) for i in data.get("supports") or []]

    def to_data(self, base: dict[str, Any], known_supports: set[int]) -> tuple[dict[str, Any], dict[str, str]]:
        problems: dict[str, str] = {}
        data = dict(base)
        for name in snapshots.ARTICLE_TEXT:
            data[name] = (self[name].data or "").strip()
        if not data["title"]:
            problems["title"] = "タイトルを入力してください。"
        elif len(data["title"]) > 200:
            problems["title"] = f"タイトルは200文字以内で入力してください（いま{len(data['title'])}文字）。"
        if data["category"] not in {c.value for c in ArticleCategory}:
            problems["category"] = "カテゴリを選んでください。"
        if len(data["summary"]) > 400:
            problems["summary"] = f"概要は400文字以内で入力してください（いま{len(data['summary'])}文字）。"
        if not data["body"]:
            problems["body"] = "本文を入力してください。"
        data["keywords"] = [w for w in (p.strip() for p in re.split(r"[,、，\n]", self.keywords.data or "")) if w]
        data["supports"] = sorted({int(v) for v in self.supports.data or [] if v.isdigit() and int(v) in known_supports})
        data["unpublish_at"] = None
        raw = (self.unpublish_at.data or "").strip()
        if raw:
            try:
                when = datetime.fromisoformat(raw.replace("/", "-"))
            except ValueError:
                problems["unpublish_at"] = "日時は 2026-04-01T09:00 のように入力してください。"
            else:
                data["unpublish_at"] = (when.replace(tzinfo=JST) if when.tzinfo is None else when).isoformat()
        if len(self.note.data or "") > 300:
            problems["note"] = "変更の内容は300文字以内で入力してください。"
        return data, problems


CASE_TAGS = ("purpose", "stage", "industry", "prefecture")


class CaseForm(ChangeFields, FlaskForm):
    title = StringField("事例のタイトル", validators=[Required()], render_kw={"maxlength": 300, "autocomplete": "off"})
    summary = TextAreaField("概要", render_kw={"rows": 3})
    company_name = StringField("会社名")
    company_type = StringField("会社の種類（例：株式会社）")
    employees = StringField("従業員数（人）", render_kw={"inputmode": "numeric"})
    location_name = StringField("所在地（例：大阪府東大阪市）")
    year = StringField("年（例：2025）", render_kw={"inputmode": "numeric"})
    background = TextAreaField("背景", render_kw={"rows": 4})
    challenges = TextAreaField("取組", render_kw={"rows": 4})
    results = TextAreaField("成果", render_kw={"rows": 4})
    keywords = StringField("キーワード（読点かカンマで区切る）")
    tag_purpose = _checkboxes(*TAG_CHOICES["purpose"])
    tag_stage = _checkboxes(*TAG_CHOICES["stage"])
    tag_industry = _checkboxes(*TAG_CHOICES["industry"])
    tag_prefecture = _checkboxes(*TAG_CHOICES["prefecture"])
    supports = SelectMultipleField("使った支援制度", choices=[], validate_choice=False, coerce=str,
                                   option_widget=widgets.CheckboxInput(), widget=widgets.ListWidget(prefix_label=False))

    def fill(self, data: dict[str, Any]) -> None:
        for name in snapshots.CASE_TEXT:
            self[name].data = data.get(name) or ""
        for name in snapshots.CASE_INTS:
            self[name].data = "" if data.get(name) is None else str(data[name])
        self.keywords.data = "、".join(data.get("keywords") or [])
        for kind in CASE_TAGS:
            self[f"tag_{kind}"].data = list((data.get("tags") or {}).get(kind, []))
        self.supports.data = [str(i) for i in data.get("supports") or []]

    def to_data(self, base: dict[str, Any], known_supports: set[int]) -> tuple[dict[str, Any], dict[str, str]]:
        problems: dict[str, str] = {}
        data = dict(base)
        for name in snapshots.CASE_TEXT:
            data[name] = (self[name].data or "").strip()
        if not data["title"]:
            problems["title"] = "事例のタイトルを入力してください。"
        elif len(data["title"]) > 300:
            problems["title"] = f"300文字以内で入力してください（いま{len(data['title'])}文字）。"
        for name, limit in (("company_name", 200), ("company_type", 20), ("location_name", 100)):
            if len(data[name]) > limit:
                problems[name] = f"{limit}文字以内で入力してください（いま{len(data[name])}文字）。"
        for name in snapshots.CASE_INTS:
            value = (self[name].data or "").strip().replace(",", "")
            data[name] = None
            if value:
                if value.isascii() and value.isdigit():
                    data[name] = int(value)
                else:
                    problems[name] = "半角の数字で入力してください（例：2025）。"
        data["keywords"] = [w for w in (p.strip() for p in re.split(r"[,、，\n]", self.keywords.data or "")) if w]
        tags = {}
        for kind in CASE_TAGS:
            allowed = {v for v, _n in TAG_CHOICES[kind][1]}
            chosen = [v for v in self[f"tag_{kind}"].data or [] if v in allowed]
            if chosen:
                tags[kind] = sorted(chosen)
        data["tags"] = tags
        data["supports"] = sorted({int(v) for v in self.supports.data or [] if v.isdigit() and int(v) in known_supports})
        if len(self.note.data or "") > 300:
            problems["note"] = "変更の内容は300文字以内で入力してください。"
        return data, problems
