"""Counting the SQL statements a request runs, so tests can pin down N+1 patterns.

A listener on the app's engine (`before_cursor_execute`) records every statement sent to the
database while the block runs. The event log's batch writer (`portal.events.writer.EventWriter`)
inserts on a connection of its own whenever its queue is due — how full the queue is depends on the
requests before, not on the page — so its statements are left out: while its `flush` runs, the
listener ignores what it sees on that thread. COMMIT and the pool's pings go to the driver
directly and are not statements here either.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from flask import Flask
from sqlalchemy import event

from portal.db import get_db


@dataclass
class Queries:
    """The statements seen, in order, with their parameters."""

    executed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def statements(self) -> list[str]:
        return [statement for statement, _parameters in self.executed]

    def __len__(self) -> int:
        return len(self.executed)

    def repeated(self) -> list[str]:
        """Statements run more than once with the same parameters: work a request could do once."""
        counts = Counter(self.executed)
        return [statement for (statement, _parameters), n in counts.items() if n > 1]

    def __str__(self) -> str:
        return "\n".join(f"{n:3}: {' '.join(s.split())[:300]}" for n, s in enumerate(self.statements, 1))


@contextmanager
def count_queries(app: Flask) -> Iterator[Queries]:
    """`with count_queries(app) as queries: client.get(...)`, then `len(queries)`."""
    engine = get_db(app).engine
    queries = Queries()
    in_writer = threading.local()
    writer = app.extensions.get("event_writer")

    def listener(_conn, _cursor, statement, parameters, _context, _executemany) -> None:
        if not getattr(in_writer, "active", False):
            queries.executed.append((statement, repr(parameters)))

    if writer is not None:
        flush = writer.flush

        def flagged_flush() -> int:
            in_writer.active = True
            try:
                return flush()
            finally:
                in_writer.active = False

        writer.flush = flagged_flush
    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield queries
    finally:
        event.remove(engine, "before_cursor_execute", listener)
        if writer is not None:
            del writer.flush  # the class's method again


def queries_for(app: Flask, client, url: str, method: str = "GET", **kwargs):
    """The response of one request and the statements it ran."""
    with count_queries(app) as queries:
        response = client.open(url, method=method, **kwargs)
    return response, queries
