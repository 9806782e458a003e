"""Flask-Limiter's storage: short timeouts for Redis, and the in-memory fallback while it is away.

With `RATELIMIT_IN_MEMORY_FALLBACK_ENABLED` (the default) Flask-Limiter logs "Rate limit storage
unreachable - falling back to in-memory storage" and goes on counting each limit in the process's
memory until Redis answers again; `RATELIMIT_SWALLOW_ERRORS` logs anything else the storage raises
instead of failing the request. The timeouts keep a Redis that accepts connections but never
answers from holding every request for the client library's default (none at all).
"""

from __future__ import annotations

from flask import Flask

REDIS_SCHEMES = ("redis://", "rediss://", "redis+sentinel://", "redis+cluster://", "unix://")


def uses_redis(uri: str | None) -> bool:
    return bool(uri) and uri.startswith(REDIS_SCHEMES)


def configure_storage(app: Flask) -> None:
    """Before `limiter.init_app`: Redis socket timeouts unless the operator set storage options."""
    if uses_redis(app.config.get("RATELIMIT_STORAGE_URI")) and not app.config.get("RATELIMIT_STORAGE_OPTIONS"):
        timeout = float(app.config["REDIS_TIMEOUT"])
        app.config["RATELIMIT_STORAGE_OPTIONS"] = {"socket_connect_timeout": timeout, "socket_timeout": timeout}
