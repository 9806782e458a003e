"""Demo articles and editing history for `portal seed`: loaded by `key`, so a second run adds
nothing and never overwrites what 職員 changed. Each article is linked to the demo measures it
names (by their demo ids); a few demo measures get a short revision history."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import clock
from portal.accounts.services import find_user
from portal.content.indexing import record_changes
from portal.editorial import services as editorial
from portal.editorial.snapshots import article_snapshot, support_snapshot
from portal.models import Article, Revision, Support

DEMO_FILE = Path(__file__).resolve().parent.parent / "demo" / "articles.json"
#: (demo measure, the sentence the edit adds to its summary, its change note, major?); the last one
#: is left submitted, waiting for the demo 公開者.
DEMO_EDITS = (
    ("demo-s-003", "商工会・商工会議所の助言を受けて経営計画をつくります。", "計画づくりの進め方を追記", False),
    ("demo-s-069", "書類を郵送して申請する場合、発行までおおむね2週間かかります。", "発行までの期間を追記", True),
    ("demo-s-007", "事業所のある市区町村の認定を受けてから、金融機関に申し込みます。", "手続きの順番を追記", False),
)


def load_demo_articles(session: Session, path: Path = DEMO_FILE) -> list[str]:
    records = json.loads(path.read_text(encoding="utf-8"))
    existing = set(session.scalars(select(Article.key).where(Article.key.is_not(None))))
    demo = {s.source_id: s for s in session.scalars(select(Support).where(Support.source == "demo"))}
    author = find_user(session, "staff@example.jp")
    now = clock.now()
    added: list[Article] = []
    for record in records:
        if record["key"] in existing:
            continue
        at = now - timedelta(days=record["published_offset_days"])
        article = Article(key=record["key"], category=record["category"], title=record["title"],
                          summary=record["summary"], body=record["body"], keywords=record["keywords"],
                          published_at=at, created_at=at, updated_at=at, author_id=author.id if author else None,
                          supports=sorted((demo[s] for s in record["supports"] if s in demo), key=lambda s: s.id))
        session.add(article)
        added.append(article)
    session.flush()
    for article in added:
        session.add(Revision(kind="article", object_id=article.id, number=1, state="published",
                             data=article_snapshot(article), note="初版", origin="seed",
                             author_id=article.author_id, created_at=article.created_at,
                             published_at=article.published_at))
    if added:
        record_changes(session, "articles", [a.id for a in added])
    edits = _demo_edits(session, demo)
    session.commit()
    lines = [f"経営お役立ちコンテンツ: 新規 {len(added)} 件、既存 {len(records) - len(added)} 件"]
    if edits:
        lines.append(f"支援制度の編集履歴: {edits} 件の制度に版を追加")
    return lines


def _demo_edits(session: Session, demo: dict[str, Support]) -> int:
    """A published edit for each measure of DEMO_EDITS that has no history yet, and one submitted
    draft waiting for a 公開者 (so the review screens have something to show)."""
    editor, publisher = find_user(session, "staff@example.jp"), find_user(session, "publisher@example.jp")
    if editor is None or publisher is None:
        return 0
    done = 0
    for n, (source_id, sentence, note, major) in enumerate(DEMO_EDITS):
        support = demo.get(source_id)
        if support is None or editorial.latest(session, "support", support.id) is not None:
            continue
        data = support_snapshot(support)
        data["summary"] = f"{data['summary']}{sentence}"
        editorial.save_draft(session, editor, "support", support, data, note=note, major=major)
        editorial.submit(session, editor, "support", support)
        if n < len(DEMO_EDITS) - 1:
            editorial.approve(session, publisher, "support", support, comment="確認しました")
        done += 1
    return done
