"""Demo data for `portal seed` and `make run`: idempotent, so it can run on every start."""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal.accounts.services import create_user, find_user
from portal.models import Role


DEMO_PASSWORD = "sakura-kaika-2026"
DEMO_ACCOUNTS = (
    ("demo@example.jp", "business", "デモ事業者（株式会社みらい工房）"),
    ("shien@example.jp", "supporter", "デモ支援者（みらい経営支援センター）"),
    ("staff@example.jp", "staff", "デモ職員（ポータル運営事務局）"),
    ("publisher@example.jp", "staff", "デモ公開者（ポータル運営事務局）"),
)
#: 職員 whose editorial role is 公開者 (approve, publish); other 職員 are 編集者.
DEMO_PUBLISHERS = ("publisher@example.jp",)


def seed_accounts(session: Session) -> list[str]:
    created = []
    for email, role, name in DEMO_ACCOUNTS:
        if find_user(session, email) is None:
            user = create_user(session, email, DEMO_PASSWORD, Role(role), display_name=name, confirmed=True)
            if email in DEMO_PUBLISHERS:
                user.editor_role = "publisher"
            created.append(email)
    session.commit()
    lines = ["デモ用アカウント（パスワードを変更していなければ、次の内容でログインできます）:"]
    for email, role, _name in DEMO_ACCOUNTS:
        mark = "（今回作成）" if email in created else ""
        label = "職員（公開者）" if email in DEMO_PUBLISHERS else Role(role).label
        lines.append(f"  {label}: {email} / {DEMO_PASSWORD} {mark}".rstrip())
    return lines


def ensure_search_index(session: Session) -> list[str]:
    """Brings the search index up to the database when it lags behind (a new machine, a deleted
    instance folder, an import killed before it indexed, a changed analysis, a restored backup)."""
    from portal.content.indexing import catch_up_all

    results = [result for result in catch_up_all(session) if result.written]
    if not results:
        return []
    counts = {result.kind: result.written for result in results}
    done = "を作り直しました" if any(result.rebuilt for result in results) else "の遅れを直しました"
    return [f"検索索引{done}（支援制度 {counts.get('supports', 0)} 件、事例 {counts.get('cases', 0)} 件、記事 {counts.get('articles', 0)} 件）"]


def seed_demo(session: Session) -> list[str]:
    from portal.articles.demo import load_demo_articles
    from portal.content.importers.demo import load_demo
    from portal.oauth.demo import seed_preprint_client
    from portal.demo.business import seed_demo_business
    from portal.experts.demo import seed_demo_expert_requests
    from portal.news.demo import load_demo_news
    from portal.recommend.demo import seed_demo_events

    return [*ensure_search_index(session), *load_demo(session), *seed_accounts(session), *load_demo_news(session),
            *load_demo_articles(session),
            *seed_demo_business(session), *seed_demo_expert_requests(session), *seed_demo_events(session),
            *seed_preprint_client(session)]
