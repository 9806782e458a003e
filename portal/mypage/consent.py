"""The consent form of 外部サービス連携: which modes a connector offers here, what its live step is, the
fields it asks for (API-key values, statement files) and reading them back with a message beside
each field that is missing, malformed or too large. The views are in `portal.mypage.linking_views`.
"""

from __future__ import annotations

import re
import unicodedata

from flask import current_app, request
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import PasswordField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from portal import linking
from portal.connector_registry import ConnectorInfo
from portal.linking import oauth
from portal.sdk import CredentialField, UploadedFile

MODE_LABELS = {"sandbox": "お試し（サンドボックス）", "live": "本番"}


def oauth_client(info: ConnectorInfo) -> oauth.OAuthClient | None:
    return oauth.oauth_client(current_app.config, info.name, info.connector.auth)


def live_available(info: ConnectorInfo) -> bool:
    """Live mode needs the operator's part first: an OAuth client, and the settings it declares."""
    connector = info.connector
    if "live" not in connector.modes:
        return False
    configured = linking.services.connector_settings(current_app, info.name)
    if any(not configured.get(name, "").strip() for name in connector.live_settings):
        return False
    return connector.auth.kind != "oauth2" or oauth_client(info) is not None


def available_modes(info: ConnectorInfo) -> list[str]:
    modes = ["sandbox"] if "sandbox" in info.connector.modes else []
    if live_available(info):
        modes.append("live")
    return modes


def auth_note(info: ConnectorInfo) -> str | None:
    """What the live step is, or why there is none, in the user's words."""
    title, kind = info.connector.title, info.connector.auth.kind
    if kind != "oauth2" and "live" in info.connector.modes and not live_available(info):
        return (f"本番の連携（{title}）は、このポータルの運営者が取得先などの設定をしたときに使えるように"
                "なります。まだ設定されていないため、現在はお試し（サンドボックス）だけを利用できます。")
    if kind == "oauth2" and "live" in info.connector.modes:
        if not live_available(info):
            return (f"本番の連携（{title}のアカウントでログインして許可する方法）は、このポータルの運営者が"
                    f"{title}にこのポータルを登録し、その情報を設定したときに使えるようになります。"
                    "まだ設定されていないため、現在はお試し（サンドボックス）だけを利用できます。")
        return (f"「本番」を選ぶと{title}のログイン画面に移ります。そこでログインして許可すると、"
                "このページに戻り、すぐに最初の取得を行います。このポータルが受け取るのは読み取りの許可だけで、"
                f"{title}のパスワードは受け取りません。")
    if kind == "file_upload" and "live" in info.connector.modes:
        return ("「本番」では、e-Taxで申告したときの財務諸表のCSVファイルを選んでください。ファイルはその場で読み取り、"
                "読み取った数字を「変更の確認」に表示します。ファイルそのものは保存しません。"
                "次の決算の数字を取り込むときは、もう一度「再連携」からファイルを選んでください。")
    return None


def upload_max_bytes() -> int:
    return int(current_app.config["LINKING_UPLOAD_MAX_BYTES"])


def size_text(size: int) -> str:
    """2097152 → 「2MB」, 800 → 「800バイト」."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor and size % factor == 0:
            return f"{size // factor:,}{unit}"
    return f"{size:,}バイト"


def consent_form(info: ConnectorInfo) -> FlaskForm:
    """Mode choice plus, for live mode, the API-key fields (`credential_0`, …) or the file fields
    (`file_0`, … one per declared FileKind, each taking several files)."""
    modes = available_modes(info)
    auth = info.connector.auth

    class ConsentForm(FlaskForm):
        mode = RadioField("連携の方法", choices=[SelectChoice(m, MODE_LABELS[m]) for m in modes], default=modes[0],
                          validators=[InputRequired("連携の方法を選んでください。")])

    if auth.kind == "api_key":
        for index, spec in enumerate(auth.fields):
            if spec.secret and "live" not in modes:
                continue  # a secret is only ever sent to the real service
            if spec.secret:
                field = PasswordField(spec.label, description="「本番」を選んだときに入力してください。")
            else:
                # A public value (e.g. an agency's 認定番号) is used by the sandbox too, and may come in the
                # address: 支援機関を探す links here with the number filled in.
                field = StringField(spec.label, default=request.args.get(spec.name, type=str),
                                    description=_public_field_hint(spec),
                                    render_kw={"inputmode": "numeric"} if spec.pattern.startswith("[0-9]") else None)
            setattr(ConsentForm, f"credential_{index}", field)
    if "live" in modes and auth.kind == "file_upload":
        limit = size_text(upload_max_bytes())
        for index, kind in enumerate(auth.file_kinds):
            accept = ",".join(kind.extensions) if kind.extensions else None
            setattr(ConsentForm, f"file_{index}", MultipleFileField(
                kind.label, render_kw={"accept": accept} if accept else {},
                description=f"「本番」を選んだときに選んでください。複数の年度のファイルを選べます（1ファイル{limit}まで）。"))
    return ConsentForm()


def _public_field_hint(spec: CredentialField) -> str:
    shape = f"{spec.format_hint}で入力してください。" if spec.format_hint else ""
    if spec.required:
        return f"{shape}お試しでも必ず入力してください（入力した内容で取得します）。"
    return f"{shape}「本番」では必ず入力してください。お試しでも、入力した内容で取得します。"


def _typed(value: str | None) -> str:
    """What was typed, as a service reads it: full-width made half-width, spaces dropped."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value or ""))


def credential_fields(form: FlaskForm) -> list:
    return [form[name] for name in form._fields if name.startswith("credential_")]


def file_fields(form: FlaskForm) -> list:
    return [form[name] for name in form._fields if name.startswith("file_")]


def credentials_from(info: ConnectorInfo, form: FlaskForm) -> dict[str, str] | None:
    """The typed-in values of an API-key link: live needs every field, the sandbox the required
    public ones, and a field with a pattern takes only a value of that shape (None, with errors on
    the form, when one is missing or malformed); the sandbox takes the public ones that were typed."""
    if info.connector.auth.kind != "api_key":
        return {}
    live = form.mode.data == "live"
    values: dict[str, str] = {}
    for index, spec in enumerate(info.connector.auth.fields):
        field = form._fields.get(f"credential_{index}")
        if field is None or (spec.secret and not live):
            continue
        value = (field.data or "").strip()
        if spec.pattern and value:
            value = _typed(value)
        if not value and (live or spec.required):
            field.errors = [*field.errors, f"{spec.label}を入力してください。"
                            + (f"（{spec.format_hint}）" if spec.format_hint else "")]
        elif value and spec.pattern and not re.fullmatch(spec.pattern, value):
            field.errors = [*field.errors, f"{spec.label}は{spec.format_hint or '決まった形'}で入力してください"
                            f"（入力：{value[:40]}）。"]
        if value:
            values[spec.name] = value
    return None if any(f.errors for f in credential_fields(form)) else values


def uploads_from(info: ConnectorInfo, form: FlaskForm) -> list[UploadedFile] | None:
    """The chosen files as `UploadedFile`s (kind = the FileKind's name); None, with errors beside the
    fields, when a file has the wrong extension or is too large, or when none was chosen."""
    limit = upload_max_bytes()
    files: list[UploadedFile] = []
    for kind, field in zip(info.connector.auth.file_kinds, file_fields(form), strict=True):
        for storage in field.data or []:
            if not getattr(storage, "filename", ""):
                continue  # an empty file input sends one part without a name
            name = storage.filename
            if kind.extensions and not name.lower().endswith(tuple(e.lower() for e in kind.extensions)):
                field.errors = [*field.errors, f"{name} は選べません。{'・'.join(kind.extensions)} のファイルを選んでください。"]
                continue
            content = storage.stream.read(limit + 1)
            if len(content) > limit:
                field.errors = [*field.errors, f"{name} は大きすぎます（1ファイル{size_text(limit)}まで）。"]
                continue
            files.append(UploadedFile(name, content, kind.name))
    fields = file_fields(form)
    if not files and not any(f.errors for f in fields):
        labels = "・".join(kind.label for kind in info.connector.auth.file_kinds)
        fields[0].errors = [*fields[0].errors, f"ファイルを選んでください（{labels}）。"]
    return None if any(f.errors for f in fields) else files


def attach_upload_error(info: ConnectorInfo, form: FlaskForm, files: list[UploadedFile], message: str) -> None:
    """Show the connector's message beside the field of the file it names (else the first field)."""
    fields = file_fields(form)
    kinds = [kind.name for kind in info.connector.auth.file_kinds]
    named = next((upload for upload in files if upload.filename and upload.filename in message), None)
    target = fields[kinds.index(named.kind)] if named is not None and named.kind in kinds else fields[0]
    target.errors = [*target.errors, f"{message} ファイルを確かめて、もう一度選んでください。"]
