"""Account forms. Messages are Japanese and shown beside the field they concern."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from portal.accounts.passwords import password_problem


def required(what: str) -> DataRequired:
    return DataRequired(message=f"{what}を入力してください。")


def email_format() -> Email:
    return Email(message="メールアドレスの形式が正しくありません（例：taro@example.jp）。",
                 check_deliverability=False)


class StrongPassword:
    """Applies the one password rule, using the e-mail field of the same form when there is one."""

    def __call__(self, form, field) -> None:
        email_field = getattr(form, "email", None)
        problem = password_problem(field.data or "", email_field.data if email_field else "")
        if problem:
            raise ValidationError(problem)


def matches(other: str) -> EqualTo:
    return EqualTo(other, message="確認用のパスワードが一致しません。")


class RegisterForm(FlaskForm):
    email = EmailField("メールアドレス", validators=[required("メールアドレス"), email_format(),
                                                   Length(max=254, message="メールアドレスが長すぎます。")])
    display_name = StringField("お名前（任意）", validators=[Length(max=100, message="100文字以内で入力してください。")])
    password = PasswordField("パスワード", validators=[required("パスワード"), StrongPassword()])
    password_confirm = PasswordField("パスワード（確認）", validators=[required("確認用のパスワード"), matches("password")])
    agree_terms = BooleanField("利用規約とプライバシーポリシーに同意します", validators=[
        DataRequired(message="登録するには、利用規約とプライバシーポリシーへの同意が必要です。")])


class LoginForm(FlaskForm):
    email = EmailField("メールアドレス", validators=[required("メールアドレス"), email_format()])
    password = PasswordField("パスワード", validators=[required("パスワード")])
    remember = BooleanField("ログインしたままにする")


class EmailOnlyForm(FlaskForm):
    email = EmailField("メールアドレス", validators=[required("メールアドレス"), email_format()])


class ResetPasswordForm(FlaskForm):
    password = PasswordField("新しいパスワード", validators=[required("新しいパスワード"), StrongPassword()])
    password_confirm = PasswordField("新しいパスワード（確認）",
                                     validators=[required("確認用のパスワード"), matches("password")])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("現在のパスワード", validators=[required("現在のパスワード")])
    password = PasswordField("新しいパスワード", validators=[required("新しいパスワード"), StrongPassword()])
    password_confirm = PasswordField("新しいパスワード（確認）",
                                     validators=[required("確認用のパスワード"), matches("password")])


class ChangeEmailForm(FlaskForm):
    new_email = EmailField("新しいメールアドレス", validators=[required("新しいメールアドレス"), email_format()])
    password = PasswordField("現在のパスワード", validators=[required("現在のパスワード")])


class LogoutForm(FlaskForm):
    """Only carries the CSRF token: log-out is a POST so that no link can log a user out."""
