"""The portal's public address, for links made outside a visitor's request (`portal notify`, the
job worker): `PUBLIC_URL` (what `make run` sets from HOST/PORT, what production must set), else
`SERVER_NAME`, else the demo default.

`public_request_context` gives such code a request context whose `url_for(..., _external=True)`
builds on that address — also when `SERVER_NAME` is set to something else, which Flask would
otherwise put in every link.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from flask import Flask

DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"


def public_url(app: Flask) -> str:
    config = app.config
    if config.get("PUBLIC_URL"):
        return str(config["PUBLIC_URL"]).rstrip("/")
    if config.get("SERVER_NAME"):
        return f"{config.get('PREFERRED_URL_SCHEME', 'http')}://{config['SERVER_NAME']}"
    return DEFAULT_PUBLIC_URL


@contextmanager
def public_request_context(app: Flask) -> Iterator[None]:
    base = public_url(app)
    parts = urlsplit(base)
    with app.test_request_context("/", base_url=base) as context:
        context.url_adapter = app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
        yield
