"""マイページ forms, built from the store's field list so that a form always matches its section.

The forms only carry the CSRF token, the labels and what the user typed: checking values is the
store's job (`portal.store.InvalidValues`), and its messages are attached beside the fields here.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from flask_wtf import FlaskForm
from wtforms import Field, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice

from portal.models import BusinessKind
from portal.store import SECTIONS, FieldSpec

_INPUT_ATTRS = {
    "yen": {"inputmode": "numeric", "autocomplete": "off"},
    "count": {"inputmode": "numeric", "autocomplete": "off"},
    "months": {"inputmode": "numeric", "autocomplete": "off"},
    "date": {"type": "date"},
    "postal": {"inputmode": "numeric", "autocomplete": "postal-code"},
    "phone": {"type": "tel", "autocomplete": "tel"},
    "email": {"type": "email", "autocomplete": "email"},
    "url": {"type": "url", "autocomplete": "url"},
    "corporate_number": {"inputmode": "numeric", "autocomplete": "off"},
}


class RequiredFlag:
    """Marks a field as required for the form macro (aria-required); the store does the checking."""

    field_flags = {"required": True}

    def __call__(self, form, field) -> None:
        return None


def _field(spec: FieldSpec) -> Field:
    validators = [RequiredFlag()] if spec.required else []
    if spec.kind == "choice":
        choices = [SelectChoice("", "選択してください"),
                   *(SelectChoice(value, label) for value, label in spec.choices.items())]
        return SelectField(spec.label, choices=choices, validate_choice=False, validators=validators,
                           description=spec.hint)
    return StringField(spec.label, validators=validators, description=spec.hint,
                       render_kw=_INPUT_ATTRS.get(spec.kind))


@cache
def form_class(section: str) -> type[FlaskForm]:
    fields = {spec.name: _field(spec) for spec in SECTIONS[section].fields}
    return type(f"{section.title()}Form", (FlaskForm,), fields)


def section_form(section: str, initial: Mapping[str, str] | None = None) -> FlaskForm:
    """The form of `section`; on POST it holds what was sent, else `initial`."""
    return form_class(section)(prefix=section, data=dict(initial or {}))


def values_of(form: FlaskForm, section: str) -> dict[str, str]:
    return {spec.name: form[spec.name].data for spec in SECTIONS[section].fields}


def grouped_fields(form: FlaskForm, section: str) -> list[tuple[str, list[Field]]]:
    """The form's fields under their headings, in the section's order."""
    groups: dict[str, list[Field]] = {}
    for spec in SECTIONS[section].fields:
        groups.setdefault(spec.group, []).append(form[spec.name])
    return list(groups.items())


class RegisterBusinessForm(FlaskForm):
    kind = RadioField("事業の形態", choices=[SelectChoice(k.value, k.label) for k in BusinessKind],
                      default=BusinessKind.CORPORATION.value, validate_choice=False, validators=[RequiredFlag()])
    corporate_number = StringField("法人番号", description="13桁の数字です。全角やハイフン入りでも構いません。個人事業主の方は空欄で構いません。",
                                   render_kw=_INPUT_ATTRS["corporate_number"])
    name = StringField("商号・屋号", validators=[RequiredFlag()], description="例：株式会社サンプル商事、山田商店")
