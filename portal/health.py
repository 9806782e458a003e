"""Readiness: `/readyz` reports, as JSON, whether each dependency the portal needs answers.

`/healthz` (in `portal.main`) stays the liveness probe and touches nothing. `/readyz` runs every
check registered with `register_check(app, name, check)` — the database and Redis here; features
add their own (the job queue, the search index) — and answers 503 when one is down:

    {"status": "ok" | "unavailable",
     "checks": {"database": {"status": "ok", "ms": 1.4}, "redis": {"status": "not_used"}, …}}

A check is a function of the app that returns a dict of details (`{"status": "not_used"}` when the
dependency is not configured) or raises when the dependency is down; the exception's first line
becomes the `detail`; a `CheckFailed` also carries the details it measured (how long a job has
waited, say), which stay in the answer beside the `detail`. Each check uses short timeouts of its own, so a dependency that never answers
cannot hold the probe.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify
from sqlalchemy import text

from portal.abuse.limiter import uses_redis
from portal.extensions import limiter

Check = Callable[[Flask], dict[str, Any] | None]
bp = Blueprint("health", __name__)


class CheckFailed(RuntimeError):
    """A dependency is down; `details` are what the check measured on the way to saying so."""

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.details = details or {}


def register_check(app: Flask, name: str, check: Check) -> None:
    """Adds (or replaces) the readiness check called `name`."""
    app.extensions.setdefault("portal_ready_checks", {})[name] = check


def database_check(app: Flask) -> dict[str, Any]:
    from portal.db import get_db

    with get_db(app).engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    return {}


def redis_check(app: Flask) -> dict[str, Any]:
    uri = app.config.get("RATELIMIT_STORAGE_URI")
    if not uses_redis(uri):
        return {"status": "not_used"}
    import redis

    timeout = float(app.config["REDIS_TIMEOUT"])
    client = redis.Redis.from_url(uri, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        client.ping()
    finally:
        client.close()
    return {}


def run_checks(app: Flask) -> tuple[bool, dict[str, dict[str, Any]]]:
    results: dict[str, dict[str, Any]] = {}
    healthy = True
    for name, check in app.extensions.get("portal_ready_checks", {}).items():
        started = time.monotonic()
        try:
            result = {"status": "ok", **(check(app) or {})}
        except Exception as error:  # noqa: BLE001  (any failure of a dependency is "down", with its reason)
            healthy = False
            reason = (str(error).strip().splitlines() or [type(error).__name__])[0][:200]
            result = {**getattr(error, "details", {}), "status": "down", "detail": f"{type(error).__name__}: {reason}"}
        result["ms"] = round((time.monotonic() - started) * 1000, 1)
        results[name] = result
    return healthy, results


@bp.get("/readyz")
@limiter.exempt
def readyz():
    healthy, results = run_checks(current_app._get_current_object())
    response = jsonify({"status": "ok" if healthy else "unavailable", "checks": results})
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def init_health(app: Flask) -> None:
    app.register_blueprint(bp)
    register_check(app, "database", database_check)
    register_check(app, "redis", redis_check)
