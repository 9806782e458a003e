"""The usage event log (views, saves, searches, clicks) that おすすめ learns from.

`init_events(app)` binds the recorder to an app: request hooks that note what a page showed, the
per-process writer that inserts the noted events in one statement, and the log-in merge of a
visitor's anonymous events into the account. Pages never wait on a query for this.
"""

from portal.events.recorder import init_events, record
from portal.events.services import merge_visitor, purge_expired, recent_items
from portal.events.writer import EventWriter, event_writer

__all__ = ["EventWriter", "event_writer", "init_events", "merge_visitor", "purge_expired", "recent_items", "record"]
