"""The news editing form: carries CSRF, labels and what 職員 typed; `services.check` validates."""

from __future__ import annotations

from typing import ClassVar

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from portal.models import NewsCategory


class Required:
    """Marks a field required for the form macro (aria-required); `services.check` does the checking."""

    field_flags: ClassVar[dict[str, bool]] = {"required": True}

    def __call__(self, form, field) -> None:
        return None


class NewsForm(FlaskForm):
    title = StringField("タイトル", validators=[Required()], render_kw={"maxlength": 200, "autocomplete": "off"})
    category = SelectField("カテゴリ", choices=[SelectChoice("", "選択してください"), *(SelectChoice(c.value, c.label) for c in NewsCategory)],
                           validate_choice=False, validators=[Required()])
    summary = StringField("概要（一覧とフィードに表示・任意）", render_kw={"maxlength": 300, "autocomplete": "off"})
    body = TextAreaField("本文", validators=[Required()], render_kw={"rows": 14})
    status = RadioField("公開の状態", choices=[SelectChoice("draft", "下書き（公開しない）"), SelectChoice("published", "公開する")],
                        default="draft", validate_choice=False)
