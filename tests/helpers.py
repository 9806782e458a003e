"""Small helpers for web tests: CSRF tokens from pages, posting forms like a browser does."""

from __future__ import annotations

import re

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"'
                     r'|"X-CSRFToken": "([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2) or match.group(3)


def submit(client, page_url: str, data: dict, action: str | None = None, **kwargs):
    """GET the page (for its CSRF token), then POST `data` to the form's action."""
    page = client.get(page_url)
    token = csrf_from(page.get_data(as_text=True))
    return client.post(action or page_url, data={"csrf_token": token, **data}, **kwargs)


def text(response) -> str:
    return response.get_data(as_text=True)
