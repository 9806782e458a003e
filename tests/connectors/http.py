"""The HTTP client the connector tests hand to live clients: the host's HttpClient reduced to urllib.

An HTTP error status is an answer (an `HttpResponse`), not an exception, exactly as the host's
client behaves, so each connector's own status handling is what the tests exercise.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Mapping
from urllib.parse import urlencode

from portal.sdk import HttpResponse


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
