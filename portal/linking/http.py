"""The host's HTTP client for connectors (`portal.sdk.HttpClient`), on `requests`.

The host, not the connector, decides the timeouts (`CONNECTOR_HTTP_TIMEOUT`, seconds, for connect
and read), the User-Agent, and what a network failure means: a connection error or a timeout is
raised as `sdk.UpstreamError`, so a connector's ordinary error handling covers it. Every call is
logged (URL without the query, status, time), never the headers, which carry the token.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping

import requests

from portal.sdk import HttpResponse, UpstreamError

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10.0
USER_AGENT = "sme-portal-connector/1.0"


class RequestsHttpClient:
    """One client per sync; `close()` (or `with`) releases its connections."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT, user_agent: str = USER_AGENT) -> None:
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers["User-Agent"] = user_agent
        self.calls = 0

    @classmethod
    def from_config(cls, config: Mapping[str, object]) -> RequestsHttpClient:
        return cls(timeout=float(config.get("CONNECTOR_HTTP_TIMEOUT", DEFAULT_TIMEOUT)))

    def get(self, url: str, params: Mapping[str, str] | None = None,
            headers: Mapping[str, str] | None = None) -> HttpResponse:
        started = time.monotonic()
        self.calls += 1
        try:
            response = self.session.get(url, params=dict(params or {}), headers=dict(headers or {}),
                                        timeout=self.timeout, allow_redirects=True)
        except requests.Timeout:
            raise UpstreamError("連携先のサービスが時間内に応答しませんでした。時間をおいて再度お試しください。",
                                detail=f"timeout after {self.timeout}s: {url}") from None
        except requests.RequestException as error:
            raise UpstreamError("連携先のサービスに接続できませんでした。時間をおいて再度お試しください。",
                                detail=f"{type(error).__name__}: {url}") from None
        log.info("connector GET %s -> %s (%.0f ms)", url, response.status_code,
                 (time.monotonic() - started) * 1000)
        return HttpResponse(response.status_code, dict(response.headers), response.content)

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> RequestsHttpClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
