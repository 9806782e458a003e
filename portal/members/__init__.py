"""会社のメンバー: sharing a business's 事業データ with colleagues — invitations by e-mail with a signed,
expiring, one-use link, the members page, removing members and passing on 管理者 (`invitations` holds
the use cases, `views` the pages)."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from portal.members.views import bp, joining

    app.register_blueprint(bp)
    app.register_blueprint(joining)
