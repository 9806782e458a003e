"""A local OAuth 2.0 authorization server and freee API in one, for the live linking tests.

It does what freee's accounts server does with a client: `/authorize` redirects back with a code
bound to the client, the redirect URI and the PKCE challenge (or `error=access_denied` when told
to deny); `/token` exchanges a code once (checking the client secret, the redirect URI and the
S256 verifier) and refreshes, rotating the refresh token (the old one stops working). The API
answers the recorded freee fixtures to a valid access token and 401 to any other, and can be told
to answer 429 with a Retry-After first. Everything it was asked is kept for the assertions.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.connectors.http import JsonHandler, serving

CLIENT_ID = "portal-client-id"
CLIENT_SECRET = "portal-client-secret-xyz"
ROUTES = {"/api/1/companies": "companies.json", "/api/1/reports/trial_bs": "trial_bs.json",
          "/api/1/reports/trial_pl": "trial_pl.json"}


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


@dataclass
class FakeFreee:
    base_url: str = ""
    deny: bool = False
    fail_refresh: bool = False
    expires_in: int = 3600
    rate_limited: int = 0  # how many API calls still get 429
    retry_after: str = "0"
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    access_tokens: set[str] = field(default_factory=set)
    refresh_tokens: set[str] = field(default_factory=set)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    token_auth: list[str] = field(default_factory=list)  # "basic" or "post", per token request
    api_requests: list[tuple[str, str]] = field(default_factory=list)
    counter: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def issue(self) -> dict[str, object]:
        n = next(self.counter)
        access, refresh = f"access-{n}", f"refresh-{n}"
        self.access_tokens.add(access)
        self.refresh_tokens.add(refresh)
        return {"access_token": access, "token_type": "bearer", "expires_in": self.expires_in,
                "refresh_token": refresh, "scope": "read"}

    def revoke_access(self) -> None:
        """Every access token stops working (as when it expires); refresh tokens still work."""
        self.access_tokens.clear()

    def settings(self) -> dict[str, str]:
        """CONNECTOR_SETTINGS["freee"] pointing the portal at this server."""
        return {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                "authorize_url": f"{self.base_url}/authorize", "token_url": f"{self.base_url}/token",
                "freee_base_url": self.base_url}


def handler_for(fake: FakeFreee) -> type[JsonHandler]:
    class Handler(JsonHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            if parts.path == "/authorize":
                return self.authorize(query)
            fake.api_requests.append((parts.path, self.headers.get("Authorization", "")))
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            if token not in fake.access_tokens:
                return self.reply(401, {"status_code": 401,
                                        "errors": [{"type": "status", "messages": ["unauthorized"]}]})
            if fake.rate_limited > 0:
                fake.rate_limited -= 1
                return self.send_429()
            if parts.path not in ROUTES:
                return self.reply(404, {})
            body = resources.files("connectors.freee").joinpath(f"fixtures/{ROUTES[parts.path]}").read_bytes()
            return self.reply(200, body)

        def authorize(self, query: dict[str, str]) -> None:
            target = query["redirect_uri"]
            if query.get("client_id") != CLIENT_ID or query.get("code_challenge_method") != "S256":
                answer = {"error": "invalid_request", "state": query.get("state", "")}
            elif fake.deny:
                answer = {"error": "access_denied", "state": query.get("state", "")}
            else:
                code = f"code-{next(fake.counter)}"
                fake.codes[code] = {"redirect_uri": target, "challenge": query["code_challenge"]}
                answer = {"code": code, "state": query.get("state", "")}
            self.send_response(302)
            self.send_header("Location", f"{target}?{urlencode(answer)}")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def send_429(self) -> None:
            self.send_response(429)
            self.send_header("Retry-After", fake.retry_after)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            fake.token_requests.append(dict(form))
            if urlsplit(self.path).path != "/token":
                return self.reply(404, {})
            basic = self.headers.get("Authorization", "")
            if basic.startswith("Basic "):  # client_secret_basic
                client_id, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
                form.setdefault("client_id", client_id)
                form.setdefault("client_secret", secret)
            fake.token_auth.append("basic" if basic.startswith("Basic ") else "post")
            if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
                return self.reply(401, {"error": "invalid_client"})
            if form.get("grant_type") == "authorization_code":
                grant = fake.codes.pop(form.get("code", ""), None)
                if (grant is None or grant["redirect_uri"] != form.get("redirect_uri")
                        or grant["challenge"] != s256(form.get("code_verifier", ""))):
                    return self.reply(400, {"error": "invalid_grant"})
                return self.reply(200, fake.issue())
            if form.get("grant_type") == "refresh_token":
                token = form.get("refresh_token", "")
                if fake.fail_refresh or token not in fake.refresh_tokens:
                    return self.reply(400, {"error": "invalid_grant", "error_description": "refresh token revoked"})
                fake.refresh_tokens.discard(token)  # rotation: the old refresh token is spent
                return self.reply(200, fake.issue())
            return self.reply(400, {"error": "unsupported_grant_type"})

    return Handler


@contextmanager
def running_freee() -> Iterator[FakeFreee]:
    fake = FakeFreee()
    with serving(handler_for(fake)) as base_url:
        fake.base_url = base_url
        yield fake
