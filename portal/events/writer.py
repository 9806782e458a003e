"""Writing events: a per-process queue flushed in one multi-row INSERT on its own connection.

A request only appends to the queue; the queue is written when it holds `EVENT_BATCH_SIZE` events
or its oldest event is `EVENT_FLUSH_SECONDS` old (checked whenever events arrive), before a log-in
merge, before personal recommendations read the log, and when the process exits. The insert uses
its own connection so that it never commits (or rolls back) the request's session. Losing events is
better than failing a page: a failed write is logged and the batch dropped.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
import weakref
from typing import Any

from flask import Flask, current_app
from sqlalchemy import insert
from sqlalchemy.engine import Engine

from portal.models import Event

log = logging.getLogger(__name__)


class EventWriter:
    def __init__(self, engine: Engine, batch_size: int = 20, max_age: float = 5.0) -> None:
        self.engine = engine
        self.batch_size = batch_size
        self.max_age = max_age
        self._rows: list[dict[str, Any]] = []
        self._oldest = 0.0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._rows)

    def add(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        with self._lock:
            if not self._rows:
                self._oldest = time.monotonic()
            self._rows.extend(rows)
            due = len(self._rows) >= self.batch_size or time.monotonic() - self._oldest >= self.max_age
        if due:
            self.flush()

    def flush(self) -> int:
        """Writes what is queued; returns how many events were written."""
        with self._lock:
            rows, self._rows = self._rows, []
        if not rows:
            return 0
        try:
            with self.engine.begin() as connection:
                connection.execute(insert(Event), rows)
        except Exception:  # never let the log break a page; say so in the log
            log.exception("could not write %d usage events; they were dropped", len(rows))
            return 0
        return len(rows)


def _flush_at_exit(reference: weakref.ref) -> None:
    writer = reference()
    if writer is not None:
        writer.flush()


def create_writer(app: Flask, engine: Engine) -> EventWriter:
    writer = EventWriter(engine, int(app.config["EVENT_BATCH_SIZE"]), float(app.config["EVENT_FLUSH_SECONDS"]))
    atexit.register(_flush_at_exit, weakref.ref(writer))
    app.extensions["event_writer"] = writer
    return writer


def event_writer(app: Flask | None = None) -> EventWriter:
    return (app or current_app).extensions["event_writer"]
