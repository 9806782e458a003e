"""Password reset by mail, password change, e-mail change: the use cases that touch credentials.

A mailed link is used once. A reset link carries a fingerprint of the password hash it was issued
for, and the new password is written with `UPDATE … WHERE password_hash = <that hash>`: of two
requests racing with one link, exactly one changes the password, the other is told the link was
used. An e-mail change is written `WHERE email = <old address>` the same way. Each of these ends the
account's other log-in sessions (a reset ends all of them): whoever held a copied cookie is out.
"""

from __future__ import annotations

from flask import current_app, url_for
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal import clock
from portal.abuse import login_throttle
from portal.abuse.mail import may_send
from portal.accounts import sessions, tokens
from portal.accounts.passwords import hash_password, password_problem, verify_password
from portal.accounts.services import AccountError, find_user, normalise_email, record_event
from portal.mail import queue_template
from portal.models import LoginSession, User

USED_LINK = "このリンクは既に使われたか、無効になっています。もう一度再設定を申し込んでください。"
TAKEN = "このメールアドレスは既に別のアカウントで使われています。"


def request_password_reset(session: Session, email: str, ip: str | None) -> None:
    """Mails a reset link when the account exists; the answer never reveals whether it does (nor
    whether the mail limit for that address was reached)."""
    user = find_user(session, email)
    allowed = user is not None and user.active and may_send(session, user.email, ip)
    record_event(session, "password_reset_requested", user, normalise_email(email)[:254], ip,
                 "" if allowed or user is None or not user.active else "mail limit reached")
    if allowed:
        token = tokens.make_token(tokens.RESET, {"uid": user.id,
                                                 "pw": tokens.password_fingerprint(user.password_hash)})
        queue_template(session, user.email, f"【{current_app.config['SITE_NAME']}】パスワードの再設定",
                       "mail/reset.txt", user=user,
                       link=url_for("accounts.reset_password", token=token, _external=True),
                       minutes=current_app.config["RESET_TOKEN_MAX_AGE"] // 60)
    session.commit()  # the event, the mail count and the queued mail, together


def user_for_reset(session: Session, token: str) -> User:
    data = tokens.read_token(tokens.RESET, token, current_app.config["RESET_TOKEN_MAX_AGE"])
    user = session.get(User, data.get("uid")) if isinstance(data.get("uid"), int) else None
    if user is None or tokens.password_fingerprint(user.password_hash) != data.get("pw"):
        raise tokens.TokenError(USED_LINK)
    return user


def reset_password(session: Session, token: str, new_password: str, ip: str | None) -> User:
    user = user_for_reset(session, token)
    problem = password_problem(new_password, user.email)
    if problem:
        raise AccountError(problem, field="password")
    old_hash = user.password_hash
    same_hash = User.password_hash.is_(None) if old_hash is None else User.password_hash == old_hash
    changed = session.execute(update(User).where(User.id == user.id, same_hash).values(
        password_hash=hash_password(new_password),
        # Opening the link proves the address is the user's own.
        email_confirmed_at=user.email_confirmed_at or clock.now()))
    if changed.rowcount != 1:
        session.rollback()
        raise tokens.TokenError(USED_LINK)
    sessions.end_others(session, user, keep=None, reason="password_reset")
    login_throttle.clear(session, user.email)
    record_event(session, "password_reset", user, user.email, ip)
    session.commit()
    return user


def change_password(session: Session, user: User, current: str, new_password: str, ip: str | None,
                    keep_session_id: int | None) -> int:
    """Changes the password and ends every other session of the account; returns how many ended."""
    if not verify_password(user.password_hash, current):
        record_event(session, "password_change_failed", user, user.email, ip)
        session.commit()
        raise AccountError("現在のパスワードが正しくありません。", field="current_password")
    problem = password_problem(new_password, user.email)
    if problem:
        raise AccountError(problem, field="password")
    user.password_hash = hash_password(new_password)
    ended = sessions.end_others(session, user, keep=keep_session_id, reason="password_changed")
    record_event(session, "password_changed", user, user.email, ip, f"ended {ended} other sessions" if ended else "")
    session.commit()
    return ended


def request_email_change(session: Session, user: User, new_email: str, password: str, ip: str | None) -> None:
    new_email = normalise_email(new_email)
    if not verify_password(user.password_hash, password):
        raise AccountError("パスワードが正しくありません。", field="password")
    if new_email == user.email:
        raise AccountError("現在と同じメールアドレスです。", field="new_email")
    if find_user(session, new_email):
        raise AccountError(TAKEN, field="new_email")
    if not may_send(session, new_email, ip):
        session.rollback()
        raise AccountError("このメールアドレスには短い時間に何度も確認メールを送っています。しばらく待ってから、"
                           "もう一度お試しください。", field="new_email")
    token = tokens.make_token(tokens.EMAIL_CHANGE, {"uid": user.id, "old": user.email, "new": new_email})
    record_event(session, "email_change_requested", user, user.email, ip, f"to {new_email}")
    queue_template(session, new_email, f"【{current_app.config['SITE_NAME']}】新しいメールアドレスの確認",
                   "mail/email_change.txt", user=user, new_email=new_email,
                   link=url_for("accounts.confirm_email_change", token=token, _external=True))
    session.commit()


def confirm_email_change(session: Session, token: str, current: LoginSession | None = None) -> User:
    """Moves the account to the new address (once) and ends its other sessions; `current` is the
    session of the browser that opened the link, kept when it belongs to this account."""
    data = tokens.read_token(tokens.EMAIL_CHANGE, token, current_app.config["CONFIRM_TOKEN_MAX_AGE"])
    user = session.get(User, data.get("uid")) if isinstance(data.get("uid"), int) else None
    if user is None or user.email != data.get("old"):
        raise tokens.TokenError("このリンクは既に使われたか、無効になっています。")
    if find_user(session, data["new"]):
        raise tokens.TokenError(TAKEN)
    try:
        changed = session.execute(update(User).where(User.id == user.id, User.email == data["old"])
                                  .values(email=data["new"], email_confirmed_at=clock.now()))
    except IntegrityError:  # the address was registered a moment ago
        session.rollback()
        raise tokens.TokenError(TAKEN) from None
    if changed.rowcount != 1:
        session.rollback()
        raise tokens.TokenError("このリンクは既に使われたか、無効になっています。")
    keep = current.id if current is not None and current.user_id == user.id else None
    sessions.end_others(session, user, keep=keep, reason="email_changed")
    record_event(session, "email_changed", user, user.email, None, f"from {data['old']}")
    session.commit()
    return user
