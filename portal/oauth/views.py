"""The authorization server's endpoints: RFC 8414 metadata, the consent page, token and revocation.

/oauth/authorize checks the application site's request first (client, redirect URI, PKCE S256,
scopes) and only then asks who the user is, so a broken request never sends anyone through the
log-in. Errors that may go back to the site are redirected there (RFC 6749 §4.1.2.1); the others
get a Japanese page. The user may untick sections: what stays ticked is what the site gets.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import InvalidRequestError
from flask import Blueprint, Response, current_app, jsonify, redirect, request, url_for
from flask_login import current_user
from sqlalchemy.orm import Session

from portal import store
from portal.db import get_session
from portal.extensions import csrf, limiter
from portal.htmx import render
from portal.models import Business, OAuthClient, Role, User
from portal.oauth import services
from portal.oauth.scopes import ALL_SCOPES, SCOPES, split_scope
from portal.oauth.server import oauth_server

bp = Blueprint("oauth", __name__)

ERROR_MESSAGES = {
    "invalid_client": "この申請サイトはポータルに登録されていないか、利用が停止されています。",
    "invalid_request": "申請サイトからの依頼の内容に誤りがあります。",
    "invalid_scope": "申請サイトが、このポータルでは渡せない種類の情報を求めています。",
    "unsupported_response_type": "申請サイトからの依頼の形式に、このポータルは対応していません。",
}

#: Causes that Authlib and the portal name in an error's description, explained for a person.
DESCRIPTION_MESSAGES = (
    ("redirect uri", "申請サイトが指定した戻り先のアドレスは、この申請サイトの登録にありません。"
                     "申請サイトの運営者は、ポータルの職員に戻り先のアドレス（リダイレクトURI）の登録を依頼してください。"),
    ("pkce", "申請サイトからの依頼に、安全のための確認（PKCE S256）が付いていません。申請サイトの設定を確認してください。"),
    ("client id", "申請サイトからの依頼に、申請サイトの識別子（client_id）がありません。"),
    ("response type", "申請サイトからの依頼の形式に、このポータルは対応していません。"),
)


def explain(error: OAuth2Error) -> str:
    """The Japanese sentence shown to a person for an OAuth error (the technical code follows it)."""
    description = (error.description or "").lower().replace("_", " ")
    for cause, message in DESCRIPTION_MESSAGES:
        if cause in description:
            return message
    return ERROR_MESSAGES.get(error.error, ERROR_MESSAGES["invalid_request"])


def may_share(session: Session, user: User) -> bool:
    """GビズID エントリー accounts may log in but not hand their data to other sites."""
    from portal.gbizid.services import can_share_via_api

    return can_share_via_api(session, user)


def _token_limit() -> str:
    return current_app.config["OAUTH_TOKEN_RATE_LIMIT"]


@bp.get("/.well-known/oauth-authorization-server")
def metadata():
    root = url_for("main.index", _external=True).rstrip("/")
    response = jsonify({
        "issuer": root,
        "authorization_endpoint": url_for("oauth.authorize", _external=True),
        "token_endpoint": url_for("oauth.token", _external=True),
        "revocation_endpoint": url_for("oauth.revoke", _external=True),
        "scopes_supported": list(ALL_SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "service_documentation": url_for("api.openapi", _external=True),
        "ui_locales_supported": ["ja"],
    })
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _refused(error: OAuth2Error) -> Response:
    """Back to the site when its redirect URI is known to be its own; otherwise a page here."""
    if error.redirect_uri:
        return oauth_server().handle_error_response(None, error)
    return render("oauth/error.html", http_status=400,
                  message=explain(error),
                  detail=f"{error.error}: {error.description}" if error.description else error.error)


@bp.route("/oauth/authorize", methods=["GET", "POST"])
def authorize():
    server = oauth_server()
    try:
        grant = server.get_consent_grant(end_user=None)
    except OAuth2Error as error:
        return _refused(error)
    except ValueError:
        # Authlib puts an unregistered redirect URI into its error description and refuses to build the
        # error when that URI holds characters a description may not (RFC 6749 §5.2: a tab, a quote, 日本語).
        # Such a URI cannot be registered, so it is refused here like any other, never followed.
        return _refused(InvalidRequestError("redirect_uri is not registered for this client."))
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login", next=request.full_path))
    session = get_session()
    client: OAuthClient = grant.request.client.row
    business = store.business_for_user(session, current_user)
    reason = _cannot_share(session, current_user, business)
    if reason:
        return render("oauth/error.html", http_status=403, message=reason, client=client, detail=None)
    requested = split_scope(grant.request.scope)
    chosen = requested
    problem = None
    if request.method == "POST":
        if request.form.get("decision") == "deny":
            return server.create_authorization_response(grant=grant, grant_user=None)
        chosen = [s for s in requested if s in request.form.getlist("sections")]
        if chosen:
            user = current_user._get_current_object()
            grant.consent = services.grant_consent(session, business, client, user, chosen)
            response = server.create_authorization_response(grant=grant, grant_user=user)
            session.commit()
            return response
        problem = "渡す情報を1つ以上選んでください。何も渡さない場合は「許可しない」を押してください。"
    return render("oauth/consent.html", http_status=422 if problem else 200, client=client, business=business,
                  scopes=[SCOPES[s] for s in requested], chosen=set(chosen), problem=problem,
                  site_host=_host(grant.redirect_uri), action=request.full_path)


def _cannot_share(session: Session, user: User, business: Business | None) -> str | None:
    if user.role is not Role.BUSINESS:
        return "申請サイトに事業データを渡せるのは、事業者のアカウントです。事業者のアカウントでログインし直してください。"
    if business is None:
        return "まだ事業データが登録されていません。マイページで事業データを登録してから、もう一度申請サイトからお試しください。"
    if not may_share(session, user):
        return ("GビズIDエントリーのアカウントでは、申請サイトに事業データを渡すことはできません。"
                "GビズIDプライムまたはメンバーのアカウントでログインしてください。")
    return None


def _host(uri: str | None) -> str:
    parts = urlsplit(uri or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""


def _back_channel(answer: Callable[[object], Response]) -> Response:
    """Authlib checks the transport before it builds the request it would answer with an error, so
    a plain-http call off loopback raises `insecure_transport` instead of answering; it gets the
    OAuth JSON error (400) like any other refused request, not a 500."""
    server = oauth_server()
    try:
        response = answer(server)
    except OAuth2Error as error:
        return server.handle_error_response(None, error)
    get_session().commit()
    return response


@bp.post("/oauth/token")
@limiter.limit(_token_limit)
def token():
    return _back_channel(lambda server: server.create_token_response())


@bp.post("/oauth/revoke")
@limiter.limit(_token_limit)
def revoke():
    return _back_channel(lambda server: server.create_endpoint_response("revocation"))


csrf.exempt(token)
csrf.exempt(revoke)
