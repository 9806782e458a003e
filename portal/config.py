"""Configuration: defaults, then a file or mapping, then the environment.

Environment wins so that an operator can change a deployment without editing files: `DATABASE_URL`
and `SECRET_KEY` are read as they are, and every other setting `X` can be given as `PORTAL_X`.
Values from the environment are converted to the type of the default (bool, int) so that
`PORTAL_MAIL_USE_TLS=1` means what it says.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from portal.secret_files import create_once

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULTS: dict[str, Any] = {
    "SITE_NAME": "中小企業支援ポータル",
    "SITE_SHORT_NAME": "支援ポータル",
    "SITE_OPERATOR": "ポータル運営事務局",
    # The pages of an official service (portal/site): who runs the portal, where to write, the terms.
    "OPERATOR_ORGANISATION": "",  # the body responsible (e.g. 〇〇経済産業局); SITE_OPERATOR when empty
    "OPERATOR_ADDRESS": "",
    "OPERATOR_PHONE": "",
    "PRIVACY_OFFICER": "",  # 個人情報保護管理者 named on the privacy policy; SITE_OPERATOR when empty
    "CONTACT_EMAIL": "",  # where お問い合わせ are mailed; the address of MAIL_SENDER when empty
    "CONTACT_RATE_LIMIT": "5 per 10 minutes;20 per day",  # per client address, on sending the form
    "TERMS_VERSION": "2026-12-01",  # change it when the terms change: everyone is asked to agree again
    "TERMS_ASK_UNRECORDED": False,  # also ask accounts with no agreement recorded (made before 0018 or by CLI)
    "SECRET_KEY": None,
    "DATABASE_URL": None,
    # Development (`make run`, the tests): keys may be generated into the instance folder. Outside it
    # the portal refuses to start without SECRET_KEY, since every machine must share it.
    "DEVELOPMENT": False,
    "SQL_ECHO": False,
    # E-mail: with no MAIL_SERVER the mail is printed to the console (local demo).
    "MAIL_SERVER": None,
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,
    "MAIL_USE_SSL": False,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_SENDER": "支援ポータル <noreply@portal.localhost>",
    "MAIL_TIMEOUT": 10,
    # werkzeug's scrypt default; tests lower the work factor to stay fast.
    "PASSWORD_HASH_METHOD": "scrypt",
    # Tokens sent by e-mail.
    "CONFIRM_TOKEN_MAX_AGE": 3 * 24 * 3600,
    "RESET_TOKEN_MAX_AGE": 3600,
    # Rate limits (Flask-Limiter syntax); storage is memory:// (per process) or redis://host:port;
    # empty: the Redis of QUEUE_URL when the queue is on Redis, else memory://.
    "RATELIMIT_STORAGE_URI": "",
    "RATELIMIT_ENABLED": True,
    "LOGIN_RATE_LIMIT": "10 per minute;50 per hour",
    "RESET_RATE_LIMIT": "5 per 15 minutes",
    "API_RATE_LIMIT": "600 per minute",
    # Cookies: the session cookie is also Secure whenever the request came over HTTPS.
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": 14 * 24 * 3600,
    # Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
    "PROXY_COUNT": 0,
    "WTF_CSRF_TIME_LIMIT": None,
    "THEME_COLOR": "#0b5394",
    # Rendered search result regions kept for anonymous visitors (0 = off); see portal/navi/cache.py.
    "NAVI_CACHE_SIZE": 512,
    # Linked services: CREDENTIALS_KEY encrypts stored credentials (default: derived from SECRET_KEY);
    # CONNECTOR_SETTINGS holds operators' non-secret values per connector (JSON in the environment).
    "CREDENTIALS_KEY": None,
    "CONNECTOR_SETTINGS": {},
    "CONNECTOR_HTTP_TIMEOUT": 10,
    "SYNC_TIMEOUT": 300,
    "SYNC_INTERVAL_HOURS": 24,
    # 専門家派遣依頼 (portal/experts/programme.py): visits per theme per 年度, IT・DX's, reminder days.
    "EXPERT_ALLOWANCE": 3,
    "EXPERT_ALLOWANCE_IT_DX": 5,
    "EXPERT_AGENCY_REMINDER_DAYS": "3,9",
    "EXPERT_BUSINESS_REMINDER_DAYS": 9,
    "EXPERT_EXPIRY_DAYS": 45,
    "EXPERT_CONFIRM_REMINDER_DAYS": 7,
    "DISABLED_PLUGINS": "",
    # How long (seconds) a web process trusts the content version it last read (tests use 0).
    "CONTENT_VERSION_MAX_AGE": 1.0,
    # Text search (portal/content/indexing.py): "" = PostgreSQL's own on a PostgreSQL database, Whoosh
    # files under SEARCH_INDEX_PATH (default instance/search) on SQLite; or "whoosh" / "postgresql".
    "SEARCH_BACKEND": "",
    "SEARCH_INDEX_PATH": "",
    "SEARCH_CATCH_UP_LIMIT": 2000,  # documents a request repairs itself; more go to a background thread
    "SEARCH_MAX_LAG": 60.0,  # seconds an index may lag before the readiness check reports it
    # GビズID log-in (OpenID Connect; see portal/gbizid/config.py). Off unless configured: set an
    # issuer (or GBIZID_PRESET "gbizid"/"gbizid-staging") with client id and secret, or turn on the
    # local stand-in provider (`make run` does), whose issuer is then the default.
    "GBIZID_STANDIN": False,
    "GBIZID_PRESET": "",
    "GBIZID_ISSUER": "",
    "GBIZID_METADATA_URL": "",
    "GBIZID_JWKS_URI": "",
    "GBIZID_CLIENT_ID": "",
    "GBIZID_CLIENT_SECRET": "",
    "GBIZID_SCOPE": "openid profile user email",
    "GBIZID_TOKEN_AUTH_METHOD": "client_secret_basic",
    "GBIZID_HTTP_TIMEOUT": 10,
    "GBIZID_STANDIN_CLIENT_ID": "portal-standin",
    "GBIZID_STANDIN_CLIENT_SECRET": "",
    # Linking: retries after a service's rate limit, and the size of an uploaded e-Tax file.
    "SYNC_RETRY_MAX_WAIT": 10.0,  # seconds; a first sync runs inside a web request
    "SYNC_RETRY_ATTEMPTS": 2,
    "LINKING_UPLOAD_MAX_BYTES": 2 * 1024 * 1024,
    # The once-only API's authorization server (portal/oauth).
    "OAUTH_ACCESS_TOKEN_LIFETIME": 3600,
    "OAUTH_REFRESH_TOKEN_LIFETIME": 30 * 24 * 3600,
    "OAUTH_API_RATE_LIMIT": "120 per minute",  # per application site
    "OAUTH_TOKEN_RATE_LIMIT": "60 per minute",  # per client address
    # The event log and おすすめ (portal/events, portal/recommend).
    "EVENTS_ENABLED": True,
    "EVENT_RETENTION_DAYS": 180,
    "EVENT_BATCH_SIZE": 20,
    "EVENT_FLUSH_SECONDS": 5.0,
    "RECOMMEND_MODEL_MAX_AGE": 600,  # seconds before the similar-users model is rebuilt
    "RECOMMEND_MIN_USERS": 3,  # a pair of items is shown only when this many people share it
    # お知らせ・通知 (portal/notify): links in mails and pushes, digest timing, Web Push.
    "PUBLIC_URL": "",  # e.g. https://portal.example.jp; needed by `portal notify` outside a request
    "NOTIFY_DIGEST_HOUR": 7,
    "NOTIFY_WEEKLY_DAY": 0,  # Monday
    "NOTIFY_LOOKBACK_DAYS": 7,
    "VAPID_PRIVATE_KEY": "",  # generated once into the instance folder when empty
    "VAPID_SUBJECT": "",  # mailto: of MAIL_SENDER when empty
    "PUSH_TTL": 86400,
    "PUSH_TIMEOUT": 10.0,
    # Background jobs (portal/jobs): the queue's storage (empty = SQLite in the instance folder,
    # redis://…, postgresql://…, or "immediate" to run each job in the process that asks for it).
    "QUEUE_URL": "",
    "QUEUE_NAME": "portal",
    "JOBS_SCHEDULE": {},  # slot → cron line in Japan time, or "off"
    "JOBS_LEASE_SECONDS": 60.0,  # a running job whose worker has not renewed it this long is taken up again
    "JOBS_HEARTBEAT_SECONDS": 10.0,
    "JOBS_REQUEUE_AFTER": 300.0,  # seconds before a waiting job the queue seems to have lost is handed over again
    "JOBS_STUCK_SECONDS": 300.0,  # /readyz: the oldest due job may wait this long
    "JOBS_WORKER_LOST_SECONDS": 120.0,  # /readyz: some worker must have been seen this recently
    # What one request may bring (portal/request_limits.py): bodies, upload forms, JSON.
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    "UPLOAD_MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    "JSON_MAX_BYTES": 64 * 1024,
    "JSON_MAX_DEPTH": 20,
    # A slow or missing database (portal/db.py): seconds to connect, per statement (PostgreSQL), to wait
    # for a pooled connection, and how long to refuse new connections after one failed.
    "DB_CONNECT_TIMEOUT": 3,
    "DB_STATEMENT_TIMEOUT": 10.0,
    "DB_POOL_TIMEOUT": 3.0,
    "DB_RETRY_SECONDS": 2.0,
    # Rate limits keep working from memory (per process) while Redis is away (portal/abuse/limiter.py).
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    "RATELIMIT_SWALLOW_ERRORS": True,
    "REDIS_TIMEOUT": 0.5,
    # Limits kept in the database, so every process sees them (portal/abuse/).
    "LOGIN_THROTTLE_FREE_ATTEMPTS": 5,
    "LOGIN_THROTTLE_BASE_DELAY": 30,
    "LOGIN_THROTTLE_MAX_DELAY": 900,
    "LOGIN_THROTTLE_FORGET_HOURS": 24,
    "REGISTER_LIMIT_PER_ADDRESS": "10 per hour",
    "MAIL_LIMIT_PER_RECIPIENT": "5 per hour",
    "MAIL_LIMIT_PER_ADDRESS": "30 per hour",
    # Server-side log-in sessions (portal/accounts/sessions.py): how often "last seen" is written.
    "SESSION_TOUCH_SECONDS": 300,
}


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the message says which one and what to give."""


MISSING_SECRET = ("SECRET_KEY が設定されていません。セッションと送るリンクの署名に使う鍵で、すべてのサーバーで同じ値が"
                  "必要です。環境変数 SECRET_KEY（または PORTAL_CONFIG の設定ファイル）に、例えば "
                  "`python3 -c 'import secrets; print(secrets.token_urlsafe(48))'` の出力を設定してください。"
                  "開発やお試しでは PORTAL_DEVELOPMENT=1 とすると、instance/secret_key に作って使います"
                  "（make run はそうしています）。")


def _coerce(value: str, default: Any) -> Any:
    if isinstance(default, dict):
        return json.loads(value)
    if isinstance(default, bool):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(value)
    if isinstance(default, float):
        return float(value)
    return value


def from_environment(environ: Mapping[str, str], known: Mapping[str, Any]) -> dict[str, Any]:
    """Settings given in the environment: `DATABASE_URL`, `SECRET_KEY`, and `PORTAL_<NAME>`."""
    found: dict[str, Any] = {}
    for name in ("DATABASE_URL", "SECRET_KEY"):
        if environ.get(name):
            found[name] = environ[name]
    for key, value in environ.items():
        if key.startswith("PORTAL_") and len(key) > 7:
            name = key[7:]
            found[name] = _coerce(value, known.get(name))
    return found


def normalise_database_url(url: str) -> str:
    """Let operators write `postgresql://…` and still get the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def check_search_backend(config: Mapping[str, Any]) -> None:
    """Refuse a search backend this database cannot have, before anything starts."""
    backend = str(config.get("SEARCH_BACKEND") or "").strip().lower()
    if backend not in ("", "whoosh", "postgresql"):
        raise ValueError(f"SEARCH_BACKEND={backend!r}: give whoosh or postgresql, or leave it empty "
                         "(then PostgreSQL's own search on PostgreSQL, Whoosh on SQLite)")
    if backend == "postgresql" and not str(config["DATABASE_URL"]).startswith("postgresql"):
        raise ValueError("SEARCH_BACKEND=postgresql needs DATABASE_URL to name a PostgreSQL database")


def load_secret_key(instance_path: Path) -> str:
    """A stable per-installation key for the local demo, kept out of the repository."""
    path = create_once(instance_path / "secret_key",
                       lambda temporary: temporary.write_text(secrets.token_urlsafe(48)))
    return path.read_text().strip()


def build_config(
    instance_path: Path,
    overrides: Mapping[str, Any] | str | os.PathLike | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Merge the three layers and fill in what depends on the instance folder."""
    config = dict(DEFAULTS)
    if isinstance(overrides, (str, os.PathLike)):
        namespace: dict[str, Any] = {}
        exec(compile(Path(overrides).read_text(), str(overrides), "exec"), namespace)
        config.update({k: v for k, v in namespace.items() if k.isupper()})
    elif overrides:
        config.update(overrides)
    if environ is None:
        environ = os.environ
    if environ.get("PORTAL_CONFIG"):
        namespace = {}
        path = environ["PORTAL_CONFIG"]
        exec(compile(Path(path).read_text(), path, "exec"), namespace)
        config.update({k: v for k, v in namespace.items() if k.isupper()})
    config.update(from_environment(environ, config))

    instance_path.mkdir(mode=0o700, parents=True, exist_ok=True)  # keys, the SQLite file, the index
    if not config.get("DATABASE_URL"):
        config["DATABASE_URL"] = f"sqlite:///{instance_path / 'portal.sqlite3'}"
    config["DATABASE_URL"] = normalise_database_url(config["DATABASE_URL"])
    check_search_backend(config)
    if not config.get("SECRET_KEY"):
        if not (config.get("DEVELOPMENT") or config.get("TESTING")):
            raise ConfigError(MISSING_SECRET)
        config["SECRET_KEY"] = load_secret_key(instance_path)
    if not config.get("RATELIMIT_STORAGE_URI"):
        queue_url = str(config.get("QUEUE_URL") or "")
        shared = queue_url.startswith(("redis://", "rediss://", "unix://"))
        config["RATELIMIT_STORAGE_URI"] = queue_url if shared else "memory://"
    return config
