"""The content version of each kind (`content_state`): bumped by every write, read by every
search, so that each process knows when its catalog, its caches and its text index are stale
without asking for the content itself."""

from __future__ import annotations

import time
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from portal import clock
from portal.models import ContentState


def bump_version(session: Session, kind: str) -> tuple[int, datetime]:
    """One more version of `kind`, in the caller's transaction; returns it and its time.

    The UPDATE holds the row until the commit, so writers of one kind take their versions in the
    order they commit: when a version is visible, so is everything written under the ones before."""
    now = clock.now()
    version = session.scalar(update(ContentState).where(ContentState.kind == kind)
                             .values(version=ContentState.version + 1, changed_at=now)
                             .returning(ContentState.version))
    if version is None:
        session.add(ContentState(kind=kind, version=1, changed_at=now))
        session.flush()
        version = 1
    return version, now


def content_version(session: Session, kind: str) -> int:
    return session.scalar(select(ContentState.version).where(ContentState.kind == kind)) or 0


_versions: dict[tuple[int, str], tuple[float, int]] = {}


def recent_content_version(session: Session, kind: str, max_age: float) -> int:
    """The content version, asked of the database at most every `max_age` seconds per process.

    Every search page needs it to know whether its catalog and cached results are current; a
    second of delay after an import costs nothing, a query per request costs a third of a page."""
    key = (id(session.get_bind()), kind)
    now = time.monotonic()
    cached = _versions.get(key)
    if cached is None or now - cached[0] >= max_age:
        cached = (now, content_version(session, kind))
        _versions[key] = cached
    return cached[1]
