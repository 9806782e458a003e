"""Full page or fragment: decided here and nowhere else.

A page template names a block for each region that updates on its own. An htmx request that targets
such a region (not a boosted navigation, which wants the whole page) gets only that block; every
other request gets the whole page. Responses vary on `HX-Request` so caches keep both apart.
"""

from __future__ import annotations

from typing import Any

from flask import Response, make_response, redirect, render_template, url_for
from jinja2_fragments.flask import render_block

from portal.extensions import htmx


def wants_fragment() -> bool:
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render(template: str, block: str | None = None, http_status: int = 200, **context: Any) -> Response:
    """Render `template`, or only its `block` when an htmx request asked for that region."""
    if block and wants_fragment():
        body = render_block(template, block, **context)
    else:
        body = render_template(template, **context)
    response = make_response(body, http_status)
    response.vary.add("HX-Request")
    return response


def redirect_after_post(endpoint: str, **values: Any) -> Response:
    """303 so that the browser (and htmx) follows with a GET."""
    return redirect(url_for(endpoint, **values), code=303)


def is_safe_next(target: str | None) -> bool:
    """Only local paths are allowed as a post-login destination. Browsers drop tabs and newlines
    inside a URL and read a backslash as a slash, so `/<TAB>/evil.example` would leave the site:
    a control character or a backslash anywhere makes the target unsafe (and a newline could
    not go into the Location header anyway)."""
    return (bool(target) and target.startswith("/") and not target.startswith("//") and "\\" not in target
            and not any(ord(char) < 0x20 or ord(char) == 0x7F for char in target))
