"""Demo data for the once-only API: the example application site プレプリント (examples/preprint/).

It is registered as a public client (PKCE only), so the demo needs no secret anywhere: `make run`
plus `make preprint` work together out of the box. Linked to the demo measure 経営力向上計画, whose
page then offers the consented pre-fill path.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import clock
from portal.models import OAuthClient, Support
from portal.oauth.scopes import ALL_SCOPES

PREPRINT_CLIENT_ID = "preprint-demo"
PREPRINT_URL = "http://127.0.0.1:8001"
PREPRINT_MEASURE = ("demo", "demo-s-008")  # 経営力向上計画（中小企業等経営強化法）


def seed_preprint_client(session: Session) -> list[str]:
    if session.scalar(select(OAuthClient).where(OAuthClient.client_id == PREPRINT_CLIENT_ID)) is not None:
        return []
    measure = session.scalar(select(Support.id).where(Support.source == PREPRINT_MEASURE[0],
                                                      Support.source_id == PREPRINT_MEASURE[1]))
    now = clock.now()
    session.add(OAuthClient(
        client_id=PREPRINT_CLIENT_ID, secret_hash=None, name="プレプリント 経営力向上計画 申請サイト（見本）",
        description="経営力向上計画の申請書（見本）に、会社の基本情報と決算の数字を入れるために使います。",
        start_url=f"{PREPRINT_URL}/start", redirect_uris=[f"{PREPRINT_URL}/callback"], scopes=list(ALL_SCOPES),
        support_ids=[measure] if measure else [], active=True, created_at=now, updated_at=now))
    session.commit()
    return [f"見本の申請サイト「プレプリント」を登録しました（client_id: {PREPRINT_CLIENT_ID}、{PREPRINT_URL}）"]
