"""プレプリント's pages: the start page, sign-in with the portal, the pre-filled form, re-reading.

The form is a made-up 経営力向上計画 application. Values from the portal are shown with where
they came from; the applicant can still change them before sending.
"""

from __future__ import annotations

import secrets

from authlib.integrations.base_client import OAuthError
from flask import Flask, abort, redirect, render_template, request, session, url_for

from examples.preprint.portal_client import (
    PortalRefused,
    init_client,
    portal,
    read,
    tokens,
)

FIELDS = (("corporate_number", "法人番号"), ("name", "法人名"), ("address", "所在地"),
          ("representative", "代表者"), ("net_sales", "売上高（円）"), ("operating_income", "営業利益（円）"))


def prefill_from(business: dict, financials: dict | None) -> dict:
    """The form's values from the portal's answers, with a note of each value's source."""
    profile = business.get("business", {})

    def value(name: str) -> str:
        return str((profile.get(name) or {}).get("value") or "")

    def note(*names: str) -> str:
        shown = [profile.get(n) for n in names if (profile.get(n) or {}).get("source_label")]
        return "、".join(sorted({f"{v['source_label']}・{v['updated_at'][:10]}" for v in shown}))

    prefecture = (profile.get("prefecture") or {}).get("text") or ""
    values = {
        "corporate_number": (value("corporate_number"), note("corporate_number")),
        "name": (value("name"), note("name")),
        "address": (f"{prefecture}{value('address')}", note("prefecture", "address")),
        "representative": (" ".join(p for p in (value("representative_title"), value("representative_name")) if p),
                           note("representative_title", "representative_name")),
    }
    periods = (financials or {}).get("periods") or []
    if periods:
        latest = periods[0]["fields"]
        for name in ("net_sales", "operating_income"):
            item = latest.get(name) or {}
            source = f"{item['source_label']}・{item['updated_at'][:10]}（{periods[0]['label']}）" if item.get(
                "source_label") else ""
            values[name] = ("" if item.get("value") is None else str(item["value"]), source)
    officers = [f"{o['fields']['title']['value']} {o['fields']['name']['value']}"
                for o in business.get("officers", [])] if "officers" in business else None
    return {"values": values, "officers": officers, "sections": business.get("sections", [])
            + (financials or {}).get("sections", [])}


def _csrf_token() -> str:
    session.setdefault("csrf", secrets.token_urlsafe(16))
    return session["csrf"]


def init_app(app: Flask) -> None:
    init_client(app)
    app.jinja_env.globals["csrf_token"] = _csrf_token

    @app.before_request
    def check_csrf():
        if request.method == "POST" and request.form.get("csrf") != session.get("csrf"):
            abort(400)

    @app.get("/")
    @app.get("/start")
    def start():
        return render_template("start.html", linked=tokens().get() is not None)

    @app.get("/login")
    def login():
        return portal().authorize_redirect(url_for("callback", _external=True))

    @app.get("/callback")
    def callback():
        if request.args.get("error"):
            message = ("支援ポータルでデータを渡すことが許可されませんでした。手で入力して申請できます。"
                       if request.args["error"] == "access_denied"
                       else f"支援ポータルとの連携に失敗しました（{request.args['error']}）。")
            return render_template("start.html", linked=False, message=message), 400
        try:
            tokens().put(portal().authorize_access_token())
        except OAuthError as error:
            return render_template("start.html", linked=False,
                                   message=f"支援ポータルとの連携に失敗しました（{error.error}）。"), 400
        return _load_and_show()

    @app.post("/reload")
    def reload():
        return _load_and_show()

    @app.get("/form")
    def form():
        return render_template("form.html", prefill=session.get("prefill"), fields=FIELDS, problem=None)

    @app.post("/form")
    def submit():
        typed = {name: request.form.get(name, "").strip() for name, _label in FIELDS}
        missing = [label for name, label in FIELDS if not typed[name]]
        if missing:
            prefill = {"values": {k: (v, "") for k, v in typed.items()}, "officers": None, "sections": []}
            return render_template("form.html", prefill=prefill, fields=FIELDS,
                                   problem="未入力の項目があります：" + "、".join(missing)), 422
        return render_template("done.html", typed=typed, fields=FIELDS)

    def _load_and_show():
        try:
            business = read("business")
            financials = read("financials") if "business.financials:read" in _granted() else None
        except PortalRefused as refused:
            session.pop("prefill", None)
            return render_template("form.html", prefill=None, fields=FIELDS, problem=None,
                                   refused=refused.reason), refused.status
        session["prefill"] = prefill_from(business, financials)
        return redirect(url_for("form"), code=303)

    def _granted() -> list[str]:
        token = tokens().get() or {}
        return token.get("scope", "").split()
