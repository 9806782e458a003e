"""通知の設定 form: how often the digest mail comes (or not at all)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from portal.models import EmailFrequency


class SettingsForm(FlaskForm):
    email_frequency = RadioField(
        "お知らせメールの受け取り方",
        choices=[SelectChoice(f.value, f.label) for f in EmailFrequency],
        validate_choice=False,  # settings.set_frequency refuses unknown values, in Japanese
        validators=[InputRequired(message="メールの受け取り方を選んでください。")],
    )


class EmptyForm(FlaskForm):
    """CSRF only: buttons that change one thing (新しいカレンダーURL, 配信停止)."""
