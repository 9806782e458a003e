"""The stand-in GビズID provider's endpoints: discovery, authorize, token, UserInfo and JWKS.

Real GビズID accepts only government bodies as relying parties, so development, demos and tests
need a provider of their own (domain.md §6). This one speaks the same protocol and claim names, so
that moving to the real issuer is configuration only. It exists only while `GBIZID_STANDIN` is on;
otherwise every one of its URLs is a 404.

Its issuer is this blueprint's URL on the host the request came to, so the portal and a browser
agree on it without configuration. Its one client is the portal itself: client id
`GBIZID_STANDIN_CLIENT_ID`, secret `GBIZID_STANDIN_CLIENT_SECRET` (derived from `SECRET_KEY` when
empty), redirect URI the portal's GビズID callback on the same host.
"""

from __future__ import annotations

import hashlib
import hmac

from authlib.common.urls import add_params_to_uri
from flask import Blueprint, abort, current_app, jsonify, redirect, request, url_for

from portal.db import get_session
from portal.extensions import csrf
from portal.gbizid_standin import protocol
from portal.gbizid_standin.identities import IDENTITIES
from portal.gbizid_standin.keys import public_key_set, signing_key
from portal.htmx import render

bp = Blueprint("gbizid_standin", __name__, url_prefix="/standin-gbizid")

CLAIMS = ("sub", "account_type", "corp_type", "corporate_number", "name", "prefecture_name", "address1", "address2",
          "rep_last_name", "rep_first_name", "user_last_name", "user_first_name", "user_last_name_kana",
          "user_first_name_kana", "user_department", "user_tel_no", "email")


@bp.before_request
def only_when_enabled():
    if not current_app.config["GBIZID_STANDIN"]:
        abort(404)


def issuer() -> str:
    """This provider's issuer identifier on the host the request came to (no trailing slash)."""
    return request.url_root.rstrip("/") + bp.url_prefix


def client_secret() -> str:
    configured = current_app.config["GBIZID_STANDIN_CLIENT_SECRET"]
    if configured:
        return configured
    return hmac.new(current_app.config["SECRET_KEY"].encode(), b"gbizid-standin-client", hashlib.sha256).hexdigest()


def client() -> protocol.Client:
    return protocol.Client(current_app.config["GBIZID_STANDIN_CLIENT_ID"], client_secret(),
                           (url_for("gbizid.callback", _external=True),))


def _key():
    return signing_key(current_app._get_current_object())


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


def _error_json(error: protocol.ProtocolError):
    response = jsonify(error.as_json())
    response.status_code = error.status
    if error.status == 401:
        scheme = "Basic" if error.error == "invalid_client" else "Bearer"
        response.headers["WWW-Authenticate"] = f'{scheme} error="{error.error}"'
    return _no_store(response)


@bp.get("/.well-known/openid-configuration")
def discovery():
    base = issuer()
    return jsonify({
        "issuer": base,
        "authorization_endpoint": f"{base}/authorize",
        "token_endpoint": f"{base}/token",
        "userinfo_endpoint": f"{base}/userinfo",
        "jwks_uri": f"{base}/jwks",
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": list(protocol.SCOPES),
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": list(protocol.CHALLENGE_METHODS),
        "claims_supported": list(CLAIMS),
        "ui_locales_supported": ["ja"],
    })


@bp.get("/jwks")
def jwks():
    return jsonify(public_key_set(_key()))


def _redirect_error(error: protocol.RedirectError):
    params = {"error": error.error, "error_description": error.description}
    if error.request.state:
        params["state"] = error.request.state
    return redirect(add_params_to_uri(error.request.redirect_uri, params))


@bp.route("/authorize", methods=["GET", "POST"])
def authorize():
    params = request.form if request.method == "POST" else request.args
    try:
        auth_request = protocol.AuthorizationRequest.from_params(params, client())
    except protocol.RedirectError as error:
        return _redirect_error(error)
    except protocol.ProtocolError as error:
        return render("gbizid/standin_error.html", error=error, http_status=400)
    chosen, problem = None, None
    if request.method == "POST":
        if request.form.get("action") == "cancel":
            return _redirect_error(protocol.RedirectError(auth_request, "access_denied", "the user cancelled"))
        chosen = protocol.identity_for(request.form.get("identity", ""))
        if chosen is not None:
            code = protocol.issue_code(_key(), auth_request, chosen)
            params = {"code": code, **({"state": auth_request.state} if auth_request.state else {})}
            return redirect(add_params_to_uri(auth_request.redirect_uri, params))
        problem = "ログインする利用者を選んでください。"
    return render("gbizid/standin_authorize.html", identities=IDENTITIES, hidden=auth_request.hidden_fields(),
                  problem=problem, http_status=422 if problem else 200)


@bp.post("/token")
@csrf.exempt
def token():
    registered = client()
    try:
        protocol.authenticate_client(registered, request.authorization, request.form)
        response = protocol.exchange_code(get_session(), _key(), registered, issuer(), request.form)
    except protocol.ProtocolError as error:
        get_session().rollback()
        return _error_json(error)
    get_session().commit()
    return _no_store(jsonify(response))


@bp.route("/userinfo", methods=["GET", "POST"])
@csrf.exempt
def userinfo():
    authorization = request.headers.get("Authorization", "")
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() != "bearer" or not value:
        return _error_json(protocol.ProtocolError("invalid_token", "a Bearer access token is required", 401))
    try:
        claims = protocol.userinfo(_key(), value.strip())
    except protocol.ProtocolError as error:
        return _error_json(error)
    return _no_store(jsonify(claims))
