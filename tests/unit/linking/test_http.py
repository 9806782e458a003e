"""The host HTTP client against a local server: status, headers and body come back as sent."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from portal.linking.http import RequestsHttpClient
from portal.sdk import UpstreamError


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's naming)
        if self.path.startswith("/slow"):
            time.sleep(0.5)
        body = f"{self.path}|{self.headers.get('X-Token')}|{self.headers.get('User-Agent')}".encode()
        self.send_response(429 if self.path.startswith("/busy") else 200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Retry-After", "7")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # the client hung up on /slow: expected
        pass


@pytest.fixture
def server():
    httpd = QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def test_get_returns_an_sdk_response(server):
    with RequestsHttpClient.from_config({"CONNECTOR_HTTP_TIMEOUT": 5}) as http:
        response = http.get(f"{server}/hojin", params={"q": "1"}, headers={"X-Token": "abc"})
        busy = http.get(f"{server}/busy")
    assert response.status == 200
    path, token, agent = response.text.split("|")
    assert path == "/hojin?q=1" and token == "abc" and agent.startswith("sme-portal")
    assert busy.status == 429 and busy.header("retry-after") == "7"


def test_timeout_and_refused_connection_are_upstream_errors(server):
    with RequestsHttpClient(timeout=0.1) as http:
        with pytest.raises(UpstreamError) as slow:
            http.get(f"{server}/slow")
        assert "時間内に応答しませんでした" in slow.value.message
        with pytest.raises(UpstreamError) as refused:
            http.get("http://127.0.0.1:9/")
        assert "接続できませんでした" in refused.value.message
