"""Which redirect URIs a client may use: the registered ones exactly, and for loopback addresses
any port (RFC 8252 §7.3).

A native or local application — the example site プレプリント started with `make preprint
PREPRINT_PORT=…`, a desktop tool — listens on a port it is given at start, so "the authorization
server MUST allow any port to be specified at the time of the request for loopback IP redirect
URIs". Only IP literals count as loopback (RFC 8252 §8.3 advises against `localhost`), only over
plain http (a loopback address never leaves the machine), and everything but the port must match.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

LOOPBACK_HOSTS = {"127.0.0.1", "::1"}


def _without_port(uri: str):
    parts = urlsplit(uri)
    try:
        parts.port  # noqa: B018  (raises on a malformed port)
    except ValueError:
        return None
    if parts.scheme != "http" or parts.hostname not in LOOPBACK_HOSTS or parts.username or parts.password:
        return None
    return parts.hostname, parts.path, parts.query, parts.fragment


def redirect_uri_allowed(registered: Iterable[str], given: str) -> bool:
    """Whether `given` is one of the `registered` URIs, or the same loopback URI on another port."""
    registered = list(registered)
    if given in registered:
        return True
    loose = _without_port(given)
    return loose is not None and any(_without_port(uri) == loose for uri in registered)
