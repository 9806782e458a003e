"""A live server for the tests that need real parallel requests (races) or real sockets (faults).

`live_server(app)` serves the test's own app — on SQLite or PostgreSQL, as the `app` fixture is —
with werkzeug's threaded server on a free port; `fire(n, call)` runs `call(i)` in `n` threads
released together by a barrier, so the requests really meet in the server. `Visitor` is a browser
without JavaScript: its own cookies, CSRF tokens read from the pages.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import requests
from werkzeug.serving import make_server

from tests.e2e.pages import whole_bodies

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@contextmanager
def live_server(app) -> Iterator[str]:
    app.config["SERVER_NAME"] = None  # links and redirects use the host the request came to
    server = make_server("127.0.0.1", 0, whole_bodies(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="race-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def fire(n: int, call: Callable[[int], Any]) -> list[Any]:
    """`call(0)` … `call(n - 1)` at the same moment, each in its own thread; their results in order."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = call(i)
        except Exception as error:  # noqa: BLE001  (returned, so the test can say what broke)
            results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


class Visitor:
    """One browser (no JavaScript): cookies kept, redirects not followed."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = requests.Session()
        self.http.headers["Referer"] = base + "/"

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.http.get(self.base + path, allow_redirects=False, timeout=60, **kwargs)

    def post(self, path: str, data: dict | None = None, **kwargs) -> requests.Response:
        return self.http.post(self.base + path, data=data, allow_redirects=False, timeout=60, **kwargs)

    def csrf(self, path: str = "/account/login") -> str:
        match = CSRF.search(self.get(path).text)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def log_in(self, email: str, password: str) -> requests.Response:
        return self.post("/account/login", {"csrf_token": self.csrf(), "email": email, "password": password})

    def twin(self) -> Visitor:
        """Another connection with the same cookies: the same person pressing again."""
        other = Visitor(self.base)
        other.http.cookies.update(self.http.cookies)
        return other


def statuses(results: list[Any]) -> list[Any]:
    return [r.status_code if isinstance(r, requests.Response) else repr(r) for r in results]
