"""`portal worker`: a Huey consumer for this portal's queue, with a heartbeat in the ledger.

The worker runs `--threads` jobs at a time. With the embedded queue (SQLite in the instance folder,
one machine) it also runs the scheduler: the slots' ticks and the minute sweep. With Redis or
PostgreSQL, where several machines run workers, exactly one of them should be started with
`--scheduler` (two would ask for each tick's jobs once anyway; the ledger's keys see to that).

Every `JOBS_HEARTBEAT_SECONDS` the worker writes that it is alive and renews the leases of the jobs
it is running; a worker that stops beating (killed, its machine gone) lets its leases run out, and
the next sweep gives its jobs to another worker. A worker sweeps once when it starts. SIGTERM (what
systemd sends) lets running jobs finish before it exits; Ctrl+C stops it at once — what it was doing
is taken up again by the sweep.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import threading

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import delete
from sqlalchemy.orm import Session

from portal import clock
from portal.db import get_db
from portal.jobs import ledger, runner, sweeper
from portal.jobs.queue import queue_of
from portal.models import JobWorker

log = logging.getLogger("portal.jobs")
LOG_FORMAT = "%(asctime)s [worker] %(levelname)s %(name)s: %(message)s"


class Heartbeat(threading.Thread):
    """Renews this worker's row and its jobs' leases until stopped."""

    def __init__(self, app, worker: str) -> None:
        super().__init__(name="portal-heartbeat", daemon=True)
        self.app, self.worker, self.stopped = app, worker, threading.Event()

    def beat(self) -> None:
        with Session(get_db(self.app).engine) as session:
            ledger.renew(session, self.worker, runner.lease_seconds(self.app))

    def run(self) -> None:
        interval = float(self.app.config["JOBS_HEARTBEAT_SECONDS"])
        while not self.stopped.wait(interval):
            try:
                self.beat()
            except Exception:  # noqa: BLE001 — a database hiccup must not stop the beating
                log.exception("heartbeat failed")


def _register(app, worker: str, scheduler: bool) -> None:
    now = clock.now()
    with Session(get_db(app).engine) as session:
        session.add(JobWorker(id=worker, host=socket.gethostname(), pid=os.getpid(), scheduler=scheduler,
                              started_at=now, seen_at=now))
        session.commit()


def _unregister(app, worker: str) -> None:
    with Session(get_db(app).engine) as session:
        session.execute(delete(JobWorker).where(JobWorker.id == worker))
        session.commit()


@click.command("worker", help="ジョブ（メール送信・定期実行など）を処理するワーカーを起動します。停止は Ctrl+C。")
@click.option("--threads", type=click.IntRange(1, 64), default=2, show_default=True, help="同時に処理するジョブの数")
@click.option("--scheduler/--no-scheduler", default=None,
              help="定期実行（通知・取得・整理）とスイープも行う。既定：組み込みのキューでは行う、Redis・PostgreSQL では行わない")
@with_appcontext
def worker_command(threads: int, scheduler: bool | None) -> None:
    app = current_app._get_current_object()
    queue = queue_of(app)
    if queue.immediate:
        click.echo("エラー: QUEUE_URL=immediate ではジョブをその場で実行するため、ワーカーは要りません。", err=True)
        sys.exit(1)
    if scheduler is None:
        scheduler = queue.backend == "sqlite"
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format=LOG_FORMAT, stream=sys.stderr)
    logging.getLogger("huey").setLevel(logging.WARNING)
    worker = runner.worker_id()
    _register(app, worker, scheduler)
    heartbeat = Heartbeat(app, worker)
    heartbeat.start()
    log.info("worker %s: queue %s (%s), %d thread(s), scheduler %s", worker, app.config["QUEUE_NAME"],
             queue.backend, threads, "on" if scheduler else "off")
    from portal.content.freshness import catch_up_search

    caught_up = catch_up_search(app)  # an index left behind by a crash or a killed import
    if any(caught_up.values()):
        log.info("start-up search catch-up wrote %s", caught_up)
    swept = sweeper.sweep_and_dispatch(app)
    if swept.requeued:
        log.info("start-up sweep handed %d waiting job(s) to the queue", len(swept.requeued))
    # SQLite is polled: at most a second's wait for a new job once the queue has been idle.
    consumer = queue.huey.create_consumer(workers=threads, worker_type="thread", periodic=scheduler,
                                          max_delay=1.0, graceful_signal="TERM")
    try:
        consumer.run()
    finally:
        heartbeat.stopped.set()
        _unregister(app, worker)
        log.info("worker %s stopped", worker)
