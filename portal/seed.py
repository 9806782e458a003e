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
)


def seed_accounts(session: Session) -> list[str]:
    created = []
    for email, role, name in DEMO_ACCOUNTS:
        if find_user(session, email) is None:
            create_user(session, email, DEMO_PASSWORD, Role(role), display_name=name, confirmed=True)
            created.append(email)
    session.commit()
    lines = ["デモ用アカウント（パスワードを変更していなければ、次の内容でログインできます）:"]
    for email, role, _name in DEMO_ACCOUNTS:
        mark = "（今回作成）" if email in created else ""
        lines.append(f"  {Role(role).label}: {email} / {DEMO_PASSWORD} {mark}".rstrip())
    return lines


def ensure_search_index(session: Session) -> list[str]:
    """Rebuilds the search index when it does not hold what the database holds (a new machine,
    a deleted instance folder, or a search schema that changed and was recreated empty)."""
    from sqlalchemy import func, select

    from portal.content.indexing import reindex, search_index
    from portal.models import Case, Support

    expected = {"supports": session.scalar(select(func.count(Support.id))),
                "cases": session.scalar(select(func.count(Case.id)))}
    if all(search_index(kind).doc_count() == count for kind, count in expected.items()):
        return []
    counts = reindex(session)
    return [f"検索索引を作り直しました（支援制度 {counts['supports']} 件、事例 {counts['cases']} 件）"]


def seed_demo(session: Session) -> list[str]:
    from portal.content.importers.demo import load_demo
    from portal.oauth.demo import seed_preprint_client
    from portal.demo.business import seed_demo_business
    from portal.news.demo import load_demo_news
    from portal.recommend.demo import seed_demo_events

    return [*load_demo(session), *ensure_search_index(session), *seed_accounts(session), *load_demo_news(session),
            *seed_demo_business(session), *seed_demo_events(session), *seed_preprint_client(session)]
