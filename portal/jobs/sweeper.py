"""What the scheduler does each minute: ask for the jobs of the slots whose tick it is, and sweep.

A slot's jobs are keyed by the tick they belong to (`portal.notify.jobs:notify@2026-12-05T01:00`),
so a tick handled twice — two schedulers, a restart within the minute — asks for each job once. The
sweep hands over again what the ledger says is waiting but the queue no longer holds (see
`ledger.sweep`); a worker also sweeps once when it starts, so work a killed worker left is taken up
as soon as its lease has run out and a worker is there to do it.
"""

from __future__ import annotations

import logging

from flask import Flask
from sqlalchemy.orm import Session

from portal import clock
from portal.db import get_db
from portal.jobs import ledger, registry
from portal.jobs.queue import dispatch

log = logging.getLogger("portal.jobs")


def tick(app: Flask, slot: str, line: str) -> list[int]:
    """Asks for every job of `slot` for its latest tick; returns the ids of the new ones."""
    when = registry.last_tick(line, clock.now())
    if when is None:
        return []
    stamp = when.astimezone(clock.JST).strftime("%Y-%m-%dT%H:%M")
    created = []
    with app.app_context(), Session(get_db(app).engine) as session:
        session.info["app"] = app
        for name in registry.PERIODIC[slot]:
            job_id = ledger.enqueue(session, name, key=f"{name}@{stamp}")
            if job_id is not None:
                created.append(job_id)
        session.commit()
    if created:
        log.info("slot %s (%s): %d job(s) asked for", slot, stamp, len(created))
    return created


def sweep_and_dispatch(app: Flask, requeue_after: float | None = None) -> ledger.Swept:
    wait = float(app.config["JOBS_REQUEUE_AFTER"]) if requeue_after is None else requeue_after
    with app.app_context(), Session(get_db(app).engine) as session:
        swept = ledger.sweep(session, wait)
    if swept.released:
        log.warning("jobs %s were left running by a stopped worker; queued again", swept.released)
    if swept.given_up:
        log.warning("jobs %s were left running by a stopped worker and have no attempt left", swept.given_up)
    for job_id, run_after in swept.requeued:
        dispatch(app, job_id, run_after)
    return swept
