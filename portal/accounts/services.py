"""Account use cases. Each takes a session and plain values; views only parse and render."""

from __future__ import annotations

from flask import current_app, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import clock
from portal.accounts import tokens
from portal.accounts.passwords import hash_password, password_problem, verify_password
from portal.db import get_session
from portal.errors import DomainError
from portal.mail import queue_template
from portal.models import AuditEvent, Role, User

EVENT_LABELS = {
    "register": "アカウント登録",
    "email_confirmed": "メールアドレスの確認",
    "login": "ログイン",
    "login_failed": "ログインの失敗",
    "logout": "ログアウト",
    "password_reset_requested": "パスワード再設定の申し込み",
    "password_reset": "パスワードの再設定",
    "password_changed": "パスワードの変更",
    "password_change_failed": "パスワード変更の失敗",
    "email_change_requested": "メールアドレス変更の申し込み",
    "email_changed": "メールアドレスの変更",
    "gbizid_login": "GビズIDでログイン",
    "gbizid_login_failed": "GビズIDでのログインの失敗",
    "gbizid_linked": "GビズIDとの連携",
    "gbizid_unlinked": "GビズIDとの連携の解除",
}


class AccountError(DomainError):
    """A problem with what the user typed; `field` names the form field it belongs to."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def load_user(user_id: str) -> User | None:
    return get_session().get(User, int(user_id)) if user_id.isdigit() else None


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def record_event(session: Session, event: str, user: User | None = None, email: str | None = None,
                 ip: str | None = None, detail: str = "") -> None:
    session.add(AuditEvent(event=event, user_id=user.id if user else None,
                           email=email, ip=ip, detail=detail[:500]))


def create_user(session: Session, email: str, password: str, role: Role = Role.BUSINESS,
                display_name: str = "", confirmed: bool = False) -> User:
    email = normalise_email(email)
    if find_user(session, email):
        raise AccountError("このメールアドレスは既に登録されています。ログインするか、パスワードの再設定をご利用ください。",
                           field="email")
    problem = password_problem(password, email)
    if problem:
        raise AccountError(problem, field="password")
    user = User(email=email, password_hash=hash_password(password), role=role,
                display_name=display_name.strip(), email_confirmed_at=clock.now() if confirmed else None)
    session.add(user)
    session.flush()
    return user


def register_user(session: Session, email: str, password: str, display_name: str, ip: str | None) -> User:
    user = create_user(session, email, password, display_name=display_name)
    record_event(session, "register", user, user.email, ip)
    send_confirmation(session, user)
    session.commit()  # the account and its confirmation mail, together
    return user


def send_confirmation(session: Session, user: User) -> None:
    """Queues the confirmation mail in the session's transaction; the caller commits."""
    token = tokens.make_token(tokens.CONFIRM, {"uid": user.id, "email": user.email})
    queue_template(session, user.email, f"【{current_app.config['SITE_NAME']}】メールアドレスの確認",
                  "mail/confirm.txt", user=user,
                  link=url_for("accounts.confirm", token=token, _external=True))


def resend_confirmation(session: Session, email: str) -> None:
    """Sends the link again when such an unconfirmed account exists; says nothing either way."""
    user = find_user(session, email)
    if user and user.email_confirmed_at is None:
        send_confirmation(session, user)
        session.commit()


def confirm_email(session: Session, token: str) -> User:
    data = tokens.read_token(tokens.CONFIRM, token, current_app.config["CONFIRM_TOKEN_MAX_AGE"])
    user = session.get(User, data.get("uid"))
    if user is None or user.email != data.get("email"):
        raise tokens.TokenError("このリンクは使えません。もう一度確認メールを送ってください。")
    if user.email_confirmed_at is None:
        user.email_confirmed_at = clock.now()
        record_event(session, "email_confirmed", user, user.email)
        session.commit()
    return user


class LoginRefused(AccountError):
    pass


def authenticate(session: Session, email: str, password: str, ip: str | None) -> User:
    user = find_user(session, email)
    if user is None or not verify_password(user.password_hash, password):
        record_event(session, "login_failed", user, normalise_email(email)[:254], ip)
        session.commit()
        raise LoginRefused("メールアドレスまたはパスワードが正しくありません。", field="password")
    if not user.active:
        record_event(session, "login_failed", user, user.email, ip, "account disabled")
        session.commit()
        raise LoginRefused("このアカウントは利用停止中です。運営事務局にお問い合わせください。", field="email")
    if user.email_confirmed_at is None:
        record_event(session, "login_failed", user, user.email, ip, "email not confirmed")
        session.commit()
        raise LoginRefused("メールアドレスの確認が済んでいません。登録時に届いたメールのリンクを開いてください。",
                           field="email")
    user.last_login_at = clock.now()
    record_event(session, "login", user, user.email, ip)
    session.commit()
    return user


def record_logout(session: Session, user: User, ip: str | None) -> None:
    record_event(session, "logout", user, user.email, ip)
    session.commit()


def request_password_reset(session: Session, email: str, ip: str | None) -> None:
    """Mails a reset link when the account exists; the answer never reveals whether it does."""
    user = find_user(session, email)
    record_event(session, "password_reset_requested", user, normalise_email(email)[:254], ip)
    if user is None or not user.active:
        session.commit()
        return
    token = tokens.make_token(tokens.RESET, {"uid": user.id,
                                             "pw": tokens.password_fingerprint(user.password_hash)})
    queue_template(session, user.email, f"【{current_app.config['SITE_NAME']}】パスワードの再設定",
                  "mail/reset.txt", user=user,
                  link=url_for("accounts.reset_password", token=token, _external=True),
                  minutes=current_app.config["RESET_TOKEN_MAX_AGE"] // 60)
    session.commit()


def user_for_reset(session: Session, token: str) -> User:
    data = tokens.read_token(tokens.RESET, token, current_app.config["RESET_TOKEN_MAX_AGE"])
    user = session.get(User, data.get("uid"))
    if user is None or tokens.password_fingerprint(user.password_hash) != data.get("pw"):
        raise tokens.TokenError("このリンクは既に使われたか、無効になっています。もう一度再設定を申し込んでください。")
    return user


def reset_password(session: Session, token: str, new_password: str, ip: str | None) -> User:
    user = user_for_reset(session, token)
    _set_password(user, new_password)
    # Opening the link proves the address is the user's own.
    user.email_confirmed_at = user.email_confirmed_at or clock.now()
    record_event(session, "password_reset", user, user.email, ip)
    session.commit()
    return user


def _set_password(user: User, new_password: str) -> None:
    problem = password_problem(new_password, user.email)
    if problem:
        raise AccountError(problem, field="password")
    user.password_hash = hash_password(new_password)


def change_password(session: Session, user: User, current: str, new_password: str, ip: str | None) -> None:
    if not verify_password(user.password_hash, current):
        record_event(session, "password_change_failed", user, user.email, ip)
        session.commit()
        raise AccountError("現在のパスワードが正しくありません。", field="current_password")
    _set_password(user, new_password)
    record_event(session, "password_changed", user, user.email, ip)
    session.commit()


def request_email_change(session: Session, user: User, new_email: str, password: str, ip: str | None) -> None:
    new_email = normalise_email(new_email)
    if not verify_password(user.password_hash, password):
        raise AccountError("パスワードが正しくありません。", field="password")
    if new_email == user.email:
        raise AccountError("現在と同じメールアドレスです。", field="new_email")
    if find_user(session, new_email):
        raise AccountError("このメールアドレスは既に別のアカウントで使われています。", field="new_email")
    token = tokens.make_token(tokens.EMAIL_CHANGE, {"uid": user.id, "old": user.email, "new": new_email})
    record_event(session, "email_change_requested", user, user.email, ip, f"to {new_email}")
    queue_template(session, new_email, f"【{current_app.config['SITE_NAME']}】新しいメールアドレスの確認",
                  "mail/email_change.txt", user=user, new_email=new_email,
                  link=url_for("accounts.confirm_email_change", token=token, _external=True))
    session.commit()


def confirm_email_change(session: Session, token: str) -> User:
    data = tokens.read_token(tokens.EMAIL_CHANGE, token, current_app.config["CONFIRM_TOKEN_MAX_AGE"])
    user = session.get(User, data.get("uid"))
    if user is None or user.email != data.get("old"):
        raise tokens.TokenError("このリンクは既に使われたか、無効になっています。")
    if find_user(session, data["new"]):
        raise tokens.TokenError("このメールアドレスは既に別のアカウントで使われています。")
    user.email = data["new"]
    user.email_confirmed_at = clock.now()
    record_event(session, "email_changed", user, user.email, None, f"from {data['old']}")
    session.commit()
    return user


def recent_events(session: Session, user: User, limit: int = 10) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.user_id == user.id)
                                .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)))
