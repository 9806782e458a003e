"""The HTTP client the connector tests hand to live clients: the host's HttpClient reduced to urllib.

An HTTP error status is an answer (an `HttpResponse`), not an exception, exactly as the host's
client behaves, so each connector's own status handling is what the tests exercise.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from urllib.parse import parse_qs, urlencode, urlsplit

from portal.sdk import HttpResponse


def fixture_bytes(connector: str, name: str) -> bytes:
    """A recorded-format fixture a built-in connector ships (`connectors/<connector>/fixtures/<name>`)."""
    return resources.files(f"connectors.{connector}").joinpath("fixtures", name).read_bytes()


def fixture_json(connector: str, name: str):
    return json.loads(fixture_bytes(connector, name))


class UrllibHttp:
    def get(self, url: str, params: Mapping[str, str] | None = None,
            headers: Mapping[str, str] | None = None) -> HttpResponse:
        if params:
            url = f"{url}?{urlencode(params)}"
        request = urllib.request.Request(url, headers=dict(headers or {}))
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return HttpResponse(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            with error:
                return HttpResponse(error.code, dict(error.headers), error.read())


class FakeBearerService:
    """A local HTTP server answering JSON per path, 401 without the expected Bearer token; it keeps
    every request (path and query) so tests can check exactly what a connector asked for."""

    def __init__(self, routes: dict[str, tuple[int, bytes, dict[str, str]]], token: str,
                 unauthorized: bytes, prefix: str = "") -> None:
        self.routes = routes
        self.requests: list[tuple[str, dict[str, str]]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                parts = urlsplit(self.path)
                fake.requests.append((parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}))
                if self.headers.get("Authorization") != f"Bearer {token}":
                    status, body, extra = 401, unauthorized, {}
                else:
                    status, body, extra = fake.routes.get(parts.path, (404, b"{}", {}))
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                for name, value in extra.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}{prefix}"

    @contextmanager
    def running(self) -> Iterator[FakeBearerService]:
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.server.shutdown()
            self.server.server_close()
            thread.join()


class JsonHandler(BaseHTTPRequestHandler):
    """A request handler whose `reply` sends JSON (or bytes as they are), quietly."""

    def reply(self, status: int, body: object) -> None:
        content = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def log_message(self, format: str, *args: object) -> None:  # keep the test output quiet
        pass


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A local server for `handler` on a free port, yielding its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
