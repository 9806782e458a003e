"""Background jobs: the one module features use to run work outside a request.

    from portal import jobs

    @jobs.task("mail.deliver")                  # a one-off task: handler(session, **payload)
    def deliver(session, to: str, message: str) -> None: ...

    jobs.enqueue(session, "mail.deliver", to=…, message=…)   # runs after session.commit()

    @jobs.periodic("reminders")                 # at every tick of a slot (see registry.SLOTS)
    def send_reminders(session) -> None: ...

Huey (3.5) moves job ids from the web processes to `portal worker`; the jobs themselves are rows in
the database (`portal.models.job`), so a job is committed with the change that asked for it, claimed
by one worker, and found again by the sweep when a worker or the queue lost it. Handlers must be safe
to run twice — claim in the database before doing anything that cannot be undone, as
`portal notify` does. A module that declares tasks is listed in `TASK_MODULES`, so that every web
process and every worker knows the same tasks.
"""

from __future__ import annotations

import importlib

from flask import Flask

from portal.jobs.health import queue_health
from portal.jobs.ledger import UnknownTask, enqueue
from portal.jobs.queue import inline, queue_of
from portal.jobs.registry import SLOTS, periodic, task

#: Modules whose import declares tasks; a feature with tasks adds its module here.
TASK_MODULES = (
    "portal.mail",  # every e-mail
    "portal.notify.jobs",  # `portal notify` (slot notify), push fan-out, digest mails
    "portal.linking.jobs",  # due syncs (slot sync), the first sync after linking
    "portal.events.jobs",  # event retention (slot purge)
    "portal.content.jobs",  # the search index rebuilt from the database (for imports to ask for)
    "portal.jobs.housekeeping",  # finished jobs (slot purge)
    "portal.experts.jobs",  # 専門家派遣依頼: reminders, 期限切れ (slot reminders)
    "portal.editorial.jobs",  # scheduled publish and unpublish (slot publishing)
)

__all__ = ["SLOTS", "TASK_MODULES", "UnknownTask", "enqueue", "init_app", "inline", "load_tasks", "periodic", "queue_health",
           "queue_of", "task"]


def load_tasks() -> None:
    """Imports every module of `TASK_MODULES`, which declares their tasks."""
    for module in TASK_MODULES:
        importlib.import_module(module)


def init_app(app: Flask) -> None:
    """Imports the task modules, builds the application's queue and adds the queue and search index
    to the checks of `/readyz`."""
    from portal.content.freshness import search_check
    from portal.health import register_check
    from portal.jobs import queue
    from portal.jobs.health import queue_check

    load_tasks()
    queue.init_queue(app)
    register_check(app, "queue", queue_check)
    register_check(app, "search", search_check)
