"""The pages of an official service: 利用規約, プライバシーポリシー, よくある質問, アクセシビリティ方針,
サイトマップ, お問い合わせ (stored for 職員 and mailed to the operator), and the agreement to the terms.

Every page names the operator from settings (SITE_OPERATOR, OPERATOR_ORGANISATION, OPERATOR_ADDRESS,
OPERATOR_PHONE, PRIVACY_OFFICER, CONTACT_EMAIL), so a deployment changes them without editing templates.
"""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from portal.site import terms
    from portal.site.views import bp

    app.register_blueprint(bp)
    app.before_request(terms.ask_again_when_outdated)

    @app.context_processor
    def operator_context():
        return {"operator": operator(app.config)}


def operator(config) -> dict[str, str]:
    """Who runs the portal, as the pages and mails name them."""
    name = config["SITE_OPERATOR"]
    sender = config.get("MAIL_SENDER") or ""
    return {"name": name, "organisation": config.get("OPERATOR_ORGANISATION") or name,
            "address": config.get("OPERATOR_ADDRESS") or "", "phone": config.get("OPERATOR_PHONE") or "",
            "privacy_officer": config.get("PRIVACY_OFFICER") or name,
            "email": config.get("CONTACT_EMAIL") or sender.rpartition("<")[2].rstrip(">").strip(),
            "terms_version": config["TERMS_VERSION"]}
