"""Account pages: parse the form, call one service, render or redirect (303 after POST).

アカウント設定 lists the account's log-in sessions (device, when it logged in, when it was last
used) and ends any of them; logging out ends this one on the server, not only in the browser.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from portal.accounts import forms, recovery, services, sessions, signin
from portal.accounts.tokens import TokenError
from portal.db import get_session
from portal.extensions import limiter
from portal.htmx import is_safe_next, redirect_after_post, render

bp = Blueprint("accounts", __name__, url_prefix="/account")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _reset_limit() -> str:
    return current_app.config["RESET_RATE_LIMIT"]


def _client_ip() -> str | None:
    return request.remote_addr


def _attach(form: FlaskForm, error: services.AccountError) -> None:
    """Show a service's refusal beside the field it concerns."""
    field = form[error.field] if error.field and error.field in form else None
    if field is None:
        flash(error.message, "error")
    else:
        field.errors = [*field.errors, error.message]


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = forms.RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.register_user(get_session(), form.email.data, form.password.data,
                                          form.display_name.data or "", _client_ip(),
                                          terms_version=current_app.config["TERMS_VERSION"])
        except services.AccountError as error:
            get_session().rollback()
            _attach(form, error)
            return render("accounts/register.html", form=form, http_status=_status(form, error))
        else:
            return redirect_after_post("accounts.registered", email=user.email)
    return render("accounts/register.html", form=form, http_status=_status(form))


def _status(form: FlaskForm, refused: services.AccountError | None = None) -> int:
    if refused is not None and refused.status == 429:
        return 429
    return 422 if form.errors else 200


@bp.get("/registered")
def registered():
    return render("accounts/registered.html", email=request.args.get("email", ""),
                  form=forms.EmailOnlyForm(email=request.args.get("email", "")))


@bp.get("/confirm/<token>")
def confirm(token: str):
    try:
        services.confirm_email(get_session(), token)
    except TokenError as error:
        return render("accounts/token_error.html", message=error.message, http_status=400,
                      retry_endpoint="accounts.resend")
    flash("メールアドレスを確認しました。ログインしてください。", "success")
    return redirect(url_for("accounts.login"))


@bp.route("/resend", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def resend():
    form = forms.EmailOnlyForm()
    if form.validate_on_submit():
        services.resend_confirmation(get_session(), form.email.data, _client_ip())
        flash("確認メールを送信しました（ご登録がある場合）。メールのリンクを開いてください。", "success")
        return redirect_after_post("accounts.login")
    return render("accounts/resend.html", form=form, http_status=422 if form.errors else 200)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    next_url = request.args.get("next") or request.form.get("next")
    if current_user.is_authenticated:
        return redirect(next_url if is_safe_next(next_url) else url_for("main.index"))
    form = forms.LoginForm()
    refused = None
    if form.validate_on_submit():
        try:
            user = services.authenticate(get_session(), form.email.data, form.password.data, _client_ip())
        except services.AccountError as error:
            refused = error
            _attach(form, error)
        else:
            signin.sign_in(user, remember=bool(form.remember.data))
            flash("ログインしました。", "success")
            return redirect(next_url if is_safe_next(next_url) else url_for("main.index"), code=303)
    return render("accounts/login.html", form=form, next_url=next_url if is_safe_next(next_url) else "",
                  http_status=_status(form, refused))


@bp.post("/logout")
def logout():
    form = forms.LogoutForm()
    if form.validate_on_submit() and current_user.is_authenticated:
        services.record_logout(get_session(), current_user._get_current_object(), _client_ip())
        signin.sign_out()
        flash("ログアウトしました。", "success")
    return redirect_after_post("main.index")


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def reset_request():
    form = forms.EmailOnlyForm()
    if form.validate_on_submit():
        recovery.request_password_reset(get_session(), form.email.data, _client_ip())
        return redirect_after_post("accounts.reset_sent")
    return render("accounts/reset_request.html", form=form, http_status=422 if form.errors else 200)


@bp.get("/reset/sent")
def reset_sent():
    return render("accounts/reset_sent.html")


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def reset_password(token: str):
    session = get_session()
    try:
        recovery.user_for_reset(session, token)
        form = forms.ResetPasswordForm()
        if form.validate_on_submit():
            recovery.reset_password(session, token, form.password.data, _client_ip())
            flash("パスワードを再設定しました。新しいパスワードでログインしてください。", "success")
            return redirect_after_post("accounts.login")
    except TokenError as error:
        return render("accounts/token_error.html", message=error.message, http_status=400,
                      retry_endpoint="accounts.reset_request")
    except services.AccountError as error:
        session.rollback()
        _attach(form, error)
    return render("accounts/reset_password.html", form=form, token=token,
                  http_status=422 if form.errors else 200)


@bp.get("/")
@login_required
def settings():
    return _settings_page(forms.ChangePasswordForm(prefix="pw"), forms.ChangeEmailForm(prefix="em"))


def _settings_page(password_form, email_form, status: int = 200):
    db = get_session()
    events = services.recent_events(db, current_user)
    return render("accounts/settings.html", password_form=password_form, email_form=email_form,
                  events=events, event_labels=services.EVENT_LABELS, http_status=status,
                  login_sessions=sessions.open_sessions(db, current_user, signin.lifetimes()),
                  this_session=signin.current_session_id())


@bp.post("/password")
@login_required
def change_password():
    form = forms.ChangePasswordForm(prefix="pw")
    if form.validate_on_submit():
        try:
            ended = recovery.change_password(get_session(), current_user, form.current_password.data,
                                             form.password.data, _client_ip(), signin.current_session_id())
        except services.AccountError as error:
            _attach(form, error)
        else:
            flash("パスワードを変更しました。" + (f"ほかの端末（{ended}台）ではログアウトしました。" if ended else ""),
                  "success")
            return redirect_after_post("accounts.settings")
    return _settings_page(form, forms.ChangeEmailForm(prefix="em"), status=422)


@bp.post("/email")
@login_required
def change_email():
    form = forms.ChangeEmailForm(prefix="em")
    if form.validate_on_submit():
        try:
            recovery.request_email_change(get_session(), current_user, form.new_email.data,
                                          form.password.data, _client_ip())
        except services.AccountError as error:
            _attach(form, error)
        else:
            flash(f"{form.new_email.data} に確認メールを送りました。メールのリンクを開くと変更が完了します。", "success")
            return redirect_after_post("accounts.settings")
    return _settings_page(forms.ChangePasswordForm(prefix="pw"), form, status=422)


@bp.get("/email/confirm/<token>")
def confirm_email_change(token: str):
    current = g.get("login_session") if current_user.is_authenticated else None
    try:
        recovery.confirm_email_change(get_session(), token, current)
    except TokenError as error:
        return render("accounts/token_error.html", message=error.message, http_status=400,
                      retry_endpoint="accounts.settings")
    flash("メールアドレスを変更しました。ほかの端末ではログアウトしました。", "success")
    return redirect(url_for("accounts.settings") if current_user.is_authenticated
                    else url_for("accounts.login"))


@bp.post("/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int):
    """Ends one of the account's sessions; ending this browser's own is logging out."""
    db = get_session()
    if session_id == signin.current_session_id():
        services.record_logout(db, current_user._get_current_object(), _client_ip())
        signin.sign_out()
        flash("この端末でログアウトしました。", "success")
        return redirect_after_post("accounts.login")
    sessions.end(db, current_user, session_id)
    services.record_event(db, "session_ended", current_user, current_user.email, _client_ip())
    db.commit()
    flash("選んだ端末のログインを終了しました。その端末では、もう一度ログインが必要です。", "success")
    return redirect_after_post("accounts.settings", _anchor="sessions")


@bp.post("/sessions/end-others")
@login_required
def end_other_sessions():
    db = get_session()
    ended = sessions.end_others(db, current_user, keep=signin.current_session_id(), reason="ended")
    if ended:
        services.record_event(db, "session_ended", current_user, current_user.email, _client_ip(),
                              f"{ended} other sessions")
    db.commit()
    flash(f"ほかの端末（{ended}台）のログインを終了しました。" if ended else "ほかにログイン中の端末はありません。",
          "success")
    return redirect_after_post("accounts.settings", _anchor="sessions")
