"""The forms of 専門家派遣依頼 (Flask-WTF, CSRF); messages in Japanese beside each field."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp, URL

from portal.experts.services import SHAREABLE_SECTIONS
from portal.experts.themes import THEMES
from portal.models import RequestFormat


def _checkboxes(label: str, choices) -> SelectMultipleField:
    return SelectMultipleField(label, choices=choices, option_widget=widgets.CheckboxInput(),
                               widget=widgets.ListWidget(prefix_label=False), validate_choice=True)


YES_NO = [SelectChoice("yes", "はい"), SelectChoice("no", "いいえ")]


class RequestForm(FlaskForm):
    themes = _checkboxes("相談したいテーマ", [SelectChoice(code, label) for code, label in THEMES.items()])
    description = TextAreaField("相談したいこと", validators=[Length(max=4000, message="4000字以内で書いてください。")])
    format = RadioField("希望する相談のしかた", choices=[SelectChoice(f.value, f.label) for f in RequestFormat],
                        default=RequestFormat.VISIT.value)
    preferred_dates = StringField("希望する日時", validators=[Length(max=500, message="500字以内で書いてください。")],
                                  description="例：平日の午後、12月15日以降")
    sections = _checkboxes("支援機関に見せてよい事業データ",
                           [SelectChoice(code, label) for code, label in SHAREABLE_SECTIONS.items()])
    share_report = BooleanField("添付した経営カルテを依頼先の支援機関に見せる")
    agency_id = RadioField("依頼する支援機関", coerce=int, validate_choice=False,
                           validators=[Optional()])


class WithdrawForm(FlaskForm):
    note = StringField("取り下げる理由（任意）", validators=[Length(max=500)])


class ConfirmForm(FlaskForm):
    contacted = RadioField("支援機関から連絡はありましたか", choices=YES_NO,
                           validators=[DataRequired(message="どちらかを選んでください。")])
    useful = RadioField("相談は役に立ちましたか", choices=YES_NO,
                        validators=[DataRequired(message="どちらかを選んでください。")])
    visited = BooleanField("専門家の派遣（支援の実施）を受けたことを確認します",
                           validators=[DataRequired(message="確認する場合はチェックを入れてください。")])


class DeclineForm(FlaskForm):
    reason = TextAreaField("辞退の理由", validators=[DataRequired(message="辞退の理由を書いてください。"),
                                                 Length(max=1000, message="1000字以内で書いてください。")])


class AssignForm(FlaskForm):
    assignee = SelectField("担当者", coerce=int, validate_choice=True)


class ScheduleForm(FlaskForm):
    visit_on = StringField("実施日", validators=[DataRequired(message="実施日を入力してください。"),
                                              Regexp(r"^\d{4}-\d{2}-\d{2}$", message="実施日は年-月-日で入力してください。")],
                           render_kw={"type": "date"})
    visit_time = StringField("開始時刻", validators=[DataRequired(message="開始時刻を入力してください。"),
                                                 Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", message="開始時刻は 14:00 のように入力してください。")],
                             render_kw={"type": "time"})
    visit_place = StringField("場所（訪問の場合）", validators=[Length(max=300)])
    online_url = StringField("オンライン会議のURL（オンラインの場合）",
                             validators=[Optional(), URL(message="https:// から始まるURLを入力してください。"),
                                         Length(max=500)])
    expert_name = StringField("派遣する専門家", validators=[DataRequired(message="専門家の氏名を入力してください。"),
                                                     Length(max=100)])


class ReportForm(FlaskForm):
    discussed = TextAreaField("相談の内容", validators=[DataRequired(message="相談の内容を書いてください。"),
                                                    Length(max=4000)])
    advice = TextAreaField("助言の内容", validators=[DataRequired(message="助言の内容を書いてください。"), Length(max=4000)])
    next_steps = TextAreaField("今後の取り組み", validators=[Length(max=4000)])
    hours = StringField("支援の時間（時間）", validators=[DataRequired(message="支援の時間を入力してください。"),
                                                  Regexp(r"^\d{1,2}(\.\d)?$", message="時間は 1.5 のように数字で入力してください。")],
                        render_kw={"inputmode": "decimal"})
    photo = FileField("写真（任意）", render_kw={"accept": "image/jpeg,image/png"})


class OnBehalfForm(FlaskForm):
    business = RadioField("依頼する事業者", coerce=int, validate_choice=False,
                          validators=[DataRequired(message="事業者を選んでください。")])
    themes = _checkboxes("相談したいテーマ", [SelectChoice(code, label) for code, label in THEMES.items()])
    description = TextAreaField("相談したいこと", validators=[Length(max=4000, message="4000字以内で書いてください。")])


class ProgrammeForm(FlaskForm):
    """The 職員's programme settings; whole numbers checked in `portal.experts.staff_views`."""

    allowance = StringField("1年度に使える回数（テーマごと）")
    allowance_it_dx = StringField("1年度に使える回数（IT・DX）")
    agency_reminder_days = StringField("支援機関へ催促する日（依頼から何日目か、複数はカンマ区切り）")
    business_reminder_days = StringField("事業者に別の機関を勧める日（依頼から何日目か）")
    expiry_days = StringField("期限切れにする日（依頼から何日目か）")
    confirm_reminder_days = StringField("事業者に確認と評価を頼む日（実施済から何日目か）")
