"""Demo news for `portal seed`: loaded by `key`, so a second run adds nothing and never overwrites
what 職員 changed in an item."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import NewsCategory, NewsItem

DEMO_FILE = Path(__file__).resolve().parent.parent / "demo" / "news.json"


def load_demo_news(session: Session, path: Path = DEMO_FILE) -> list[str]:
    records = json.loads(path.read_text(encoding="utf-8"))
    existing = set(session.scalars(select(NewsItem.key).where(NewsItem.key.is_not(None))))
    added = 0
    for record in records:
        if record["key"] in existing:
            continue
        published = datetime.fromisoformat(record["published_at"])
        session.add(NewsItem(key=record["key"], category=NewsCategory(record["category"]), title=record["title"],
                             summary=record["summary"], body=record["body"], published_at=published,
                             created_at=published, updated_at=published))
        added += 1
    session.commit()
    return [f"お知らせ: 新規 {added} 件、既存 {len(records) - added} 件"]
