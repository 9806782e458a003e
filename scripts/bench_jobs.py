"""The job queue's own cost: jobs per second through one `portal worker` (2 threads) and the time
from enqueue to done, on the embedded SQLite queue and on Redis (when one answers on
PORTAL_BENCH_REDIS_URL, default redis://127.0.0.1:6379/5).

The job is a sync of a connection that no longer exists, which returns at once: what is measured is
Huey plus the ledger (insert, claim, done), not any feature's work. Throughput: N jobs queued while no
worker runs, then one worker started; the figure is N over the time from the first claim to the last
`done`. Latency: jobs queued one by one at a steady rate while the worker waits, each measured from
its insert to its `done` (both in the ledger).
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
REDIS = os.environ.get("PORTAL_BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _redis_answers() -> bool:
    import redis

    try:
        client = redis.Redis.from_url(REDIS, socket_connect_timeout=1)
        client.ping()
        client.close()
        return True
    except redis.RedisError:
        return False


def _run(queue_url: str, jobs: int, stream: int, rate: float) -> dict[str, float]:
    work = Path(tempfile.mkdtemp(prefix="portal-bench-jobs-"))
    env = {**os.environ, "PORTAL_INSTANCE_PATH": str(work), "DATABASE_URL": f"sqlite:///{work / 'bench.sqlite3'}",
           "SECRET_KEY": "bench", "PORTAL_QUEUE_URL": queue_url, "PORTAL_QUEUE_NAME": f"bench_{secrets.token_hex(4)}"}
    saved = dict(os.environ)
    os.environ.update(env)
    worker = None
    try:
        from sqlalchemy import func, select

        from portal import create_app, jobs as portal_jobs
        from portal.db import get_session, upgrade_database
        from portal.jobs.queue import queue_of
        from portal.models import Job

        app = create_app()
        upgrade_database(app)
        with app.app_context():
            session = get_session()
            for index in range(jobs):
                portal_jobs.enqueue(session, "linking.sync", connection_id=-1, after="never")
                if index % 100 == 99:
                    session.commit()
            session.commit()
            worker = subprocess.Popen([sys.executable, "-c", "from portal.cli import main; main()", "worker",
                                       "--no-scheduler"], cwd=PROJECT, env=env,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

            def done() -> int:
                session.expire_all()
                return session.scalar(select(func.count(Job.id)).where(Job.state == "done"))

            deadline = time.monotonic() + 600
            while done() < jobs and time.monotonic() < deadline:
                time.sleep(0.2)
            first = session.scalar(select(func.min(Job.started_at)))
            last = session.scalar(select(func.max(Job.finished_at)))
            per_second = jobs / max((last - first).total_seconds(), 1e-6)

            streamed = []
            for _ in range(stream):
                streamed.append(portal_jobs.enqueue(session, "linking.sync", connection_id=-1, after="never"))
                session.commit()
                time.sleep(1 / rate)
            while done() < jobs + stream and time.monotonic() < deadline:
                time.sleep(0.1)
            latencies = [(finished - created).total_seconds() * 1000 for created, finished in session.execute(
                select(Job.created_at, Job.finished_at).where(Job.id.in_(streamed)))]
            queue_of(app).huey.flush()
        return {"per_second": per_second, "p50": _percentile(latencies, 50), "p95": _percentile(latencies, 95)}
    finally:
        if worker is not None:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=60)
        os.environ.clear()
        os.environ.update(saved)
        shutil.rmtree(work, ignore_errors=True)


def bench_jobs(jobs: int = 2000, stream: int = 200, rate: float = 20.0) -> None:
    print()
    print("== ジョブのキュー（portal worker 1 プロセス・2 スレッド、何もしないジョブ） ==")
    queues = [("SQLite（組み込み）", "")] + ([("Redis", REDIS)] if _redis_answers() else [])
    for label, url in queues:
        figures = _run(url, jobs, stream, rate)
        print(f"{label}: {figures['per_second']:,.0f} ジョブ/秒（{jobs:,} 件）、"
              f"投入から完了まで p50 {figures['p50']:.0f} ms / p95 {figures['p95']:.0f} ms"
              f"（毎秒 {rate:.0f} 件ずつ {stream} 件）")
    if len(queues) == 1:
        print(f"Redis: {REDIS} に接続できないため測っていません")


if __name__ == "__main__":
    bench_jobs()
