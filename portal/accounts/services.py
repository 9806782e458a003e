"""Account use cases: registration, confirmation, log-in. Each takes a session and plain values.

Changing or recovering a password or e-mail address is in `portal.accounts.recovery`. Mails are
asked for through `portal.abuse.mail.may_send` first, so neither one address nor one client can make
the portal mail without end; registrations are limited per client address the same way.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, url_for
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal import clock
from portal.abuse import login_throttle
from portal.abuse.mail import may_register, may_send
from portal.accounts import tokens
from portal.accounts.emails import email_problem
from portal.accounts.passwords import hash_password, password_problem, verify_password
from portal.errors import DomainError
from portal.mail import queue_template
from portal.models import AuditEvent, Role, User

EVENT_LABELS = {
    "register": "アカウント登録",
    "email_confirmed": "メールアドレスの確認",
    "login": "ログイン",
    "login_failed": "ログインの失敗",
    "logout": "ログアウト",
    "session_ended": "ログイン中の端末の終了",
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
    "connection_linked": "外部サービスとの連携",
    "connection_unlinked": "外部サービスとの連携の解除",
    "terms_agreed": "利用規約への同意",
    "data_exported": "データのダウンロード",
    "member_left": "メンバーのアカウント削除",
    "account_deleted": "アカウントの削除",
    "business_deleted": "事業データの削除",
}
ALREADY_REGISTERED = "このメールアドレスは既に登録されています。ログインするか、パスワードの再設定をご利用ください。"
# A second press of 「登録する」 within this time, with the same password, answers like the first.
REPEAT_WINDOW = timedelta(minutes=2)


class AccountError(DomainError):
    """A problem with what the user typed; `field` names the form field it belongs to."""


class TooManyRequests(AccountError):
    status = 429


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def record_event(session: Session, event: str, user: User | None = None, email: str | None = None,
                 ip: str | None = None, detail: str = "") -> None:
    session.add(AuditEvent(event=event, user_id=user.id if user else None,
                           email=email, ip=ip, detail=detail[:500]))


def create_user(session: Session, email: str, password: str, role: Role = Role.BUSINESS,
                display_name: str = "", confirmed: bool = False) -> User:
    """Checks what the registration form checks, then adds the account (flushed, not committed)."""
    problem = email_problem(email)
    if problem:
        raise AccountError(problem, field="email")
    email = normalise_email(email)
    if len(display_name.strip()) > 100:
        raise AccountError("お名前は100文字以内で入力してください。", field="display_name")
    if find_user(session, email):
        raise AccountError(ALREADY_REGISTERED, field="email")
    problem = password_problem(password, email)
    if problem:
        raise AccountError(problem, field="password")
    user = User(email=email, password_hash=hash_password(password), role=role,
                display_name=display_name.strip(), email_confirmed_at=clock.now() if confirmed else None)
    session.add(user)
    session.flush()
    return user


def _same_registration(user: User | None, password: str) -> bool:
    """Whether `user` is what this very registration made a moment ago (a double submit)."""
    return (user is not None and user.email_confirmed_at is None and clock.now() - user.created_at < REPEAT_WINDOW
            and verify_password(user.password_hash, password))


def register_user(session: Session, email: str, password: str, display_name: str, ip: str | None,
                  terms_version: str | None = None) -> User:
    """Creates the account and mails the confirmation link. The same registration sent twice (two
    presses, or two requests racing) answers with the account the first one made, mailed once.
    `terms_version` is the version of 利用規約 the person agreed to on the form; it is recorded."""
    existing = find_user(session, email)
    if _same_registration(existing, password):
        return existing
    if not may_register(session, ip):
        session.rollback()
        raise TooManyRequests("このネットワークからの登録が短い時間に多すぎます。しばらく待ってから、もう一度お試しください。",
                              field="email")
    session.commit()  # the count holds whatever happens next
    try:
        user = create_user(session, email, password, display_name=display_name)
        record_event(session, "register", user, user.email, ip)
        if terms_version:
            user.terms_version, user.terms_agreed_at = terms_version, clock.now()
            record_event(session, "terms_agreed", user, user.email, ip, f"version {terms_version}")
        session.commit()
    except (IntegrityError, AccountError) as error:
        if isinstance(error, AccountError) and error.message != ALREADY_REGISTERED:
            raise
        session.rollback()  # another request registered the address a moment ago: was it this one?
        existing = find_user(session, email)
        if _same_registration(existing, password):
            return existing
        raise AccountError(ALREADY_REGISTERED, field="email") from None
    if may_send(session, user.email, ip):
        send_confirmation(session, user)
    session.commit()  # the mail count and the queued confirmation mail, together
    return user


def send_confirmation(session: Session, user: User) -> None:
    """Queues the confirmation mail in the session's transaction; the caller commits."""
    token = tokens.make_token(tokens.CONFIRM, {"uid": user.id, "email": user.email})
    queue_template(session, user.email, f"【{current_app.config['SITE_NAME']}】メールアドレスの確認",
                  "mail/confirm.txt", user=user,
                  link=url_for("accounts.confirm", token=token, _external=True))


def resend_confirmation(session: Session, email: str, ip: str | None = None) -> None:
    """Sends the link again when such an unconfirmed account exists; says nothing either way."""
    user = find_user(session, email)
    if user and user.email_confirmed_at is None and may_send(session, user.email, ip):
        send_confirmation(session, user)
        session.commit()


def confirm_email(session: Session, token: str) -> User:
    """Opening the link again, or twice at once, confirms once and records it once."""
    data = tokens.read_token(tokens.CONFIRM, token, current_app.config["CONFIRM_TOKEN_MAX_AGE"])
    user = session.get(User, data.get("uid")) if isinstance(data.get("uid"), int) else None
    if user is None or user.email != data.get("email"):
        raise tokens.TokenError("このリンクは使えません。もう一度確認メールを送ってください。")
    confirmed = session.execute(update(User).where(User.id == user.id, User.email == user.email,
                                                   User.email_confirmed_at.is_(None))
                                .values(email_confirmed_at=clock.now()))
    if confirmed.rowcount == 1:
        record_event(session, "email_confirmed", user, user.email)
    session.commit()
    return user


class LoginRefused(AccountError):
    pass


class LoginThrottled(LoginRefused):
    status = 429


def authenticate(session: Session, email: str, password: str, ip: str | None) -> User:
    typed = normalise_email(email)[:254]
    wait = login_throttle.begin_attempt(session, typed)
    if wait is not None:
        record_event(session, "login_failed", find_user(session, typed), typed, ip, "throttled")
        session.commit()
        raise LoginThrottled("ログインの失敗が続いたため、このメールアドレスでのログインを一時的に止めています。"
                             f"{login_throttle.wait_text(wait)}後にもう一度お試しください。", field="password")
    user = find_user(session, typed)
    if user is None or not verify_password(user.password_hash, password):
        record_event(session, "login_failed", user, typed, ip)
        session.commit()
        raise LoginRefused("メールアドレスまたはパスワードが正しくありません。", field="password")
    login_throttle.clear(session, typed)  # the password was right: not a guess
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


def recent_events(session: Session, user: User, limit: int = 10) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.user_id == user.id)
                                .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)))
