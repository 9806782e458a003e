"""What one request may bring: the size of its body, and the size and nesting of its JSON.

Every body is limited by `MAX_CONTENT_LENGTH` before anything reads it (werkzeug answers 413 from
the Content-Length alone, or as soon as a chunked body passes the limit), so an anonymous POST of
gigabytes is refused at once instead of being spooled to disk. Forms that take files name their
endpoint with `allow_uploads` and get `UPLOAD_MAX_CONTENT_LENGTH` instead (each file still has its
own limit where it is read). JSON bodies are also held to `JSON_MAX_BYTES` and `JSON_MAX_DEPTH`:
Python's parser recurses once per `[`, so 100,000 nested arrays would otherwise end in a
RecursionError and a 500.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, Request, current_app, request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")


class JsonTooLarge(RequestEntityTooLarge):
    message_ja = "送られたJSONが大きすぎます。"
    field = "body"


class JsonTooDeep(BadRequest):
    message_ja = "送られたJSONの入れ子が深すぎます。"
    field = "body"


def json_depth(data: bytes) -> int:
    """The deepest nesting of arrays and objects in `data` (brackets inside strings do not count)."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRINGS.sub(b"", data)):
        if bracket in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


class PortalRequest(Request):
    """Flask's request, with the JSON limits applied before the body is parsed."""

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> Any | None:
        if (force or self.is_json) and current_app:
            config = current_app.config
            data = self.get_data(cache=True)
            if len(data) > int(config["JSON_MAX_BYTES"]):
                raise JsonTooLarge()
            if json_depth(data) > int(config["JSON_MAX_DEPTH"]):
                raise JsonTooDeep()
        return super().get_json(force=force, silent=silent, cache=cache)


def allow_uploads(app: Flask, *endpoints: str) -> None:
    """Let these endpoints take bodies up to `UPLOAD_MAX_CONTENT_LENGTH` (forms with files)."""
    app.extensions.setdefault("portal_upload_endpoints", set()).update(endpoints)


def _larger_limit_for_uploads() -> None:
    if request.endpoint in current_app.extensions.get("portal_upload_endpoints", ()):
        request.max_content_length = int(current_app.config["UPLOAD_MAX_CONTENT_LENGTH"])


def init_request_limits(app: Flask) -> None:
    app.request_class = PortalRequest
    app.extensions.setdefault("portal_upload_endpoints", set())
    # First of all before-request hooks: CSRF protection reads the form, and with it the body.
    app.before_request_funcs.setdefault(None, []).insert(0, _larger_limit_for_uploads)
