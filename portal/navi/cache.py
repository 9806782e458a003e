"""Rendered result regions for visitors who are not logged in, kept per content version.

The results region (filters with counts, results, pages) is the same for every anonymous visitor
who asks the same question on the same day about the same content, and rendering it is most of a
search page's cost. Logged-in users are never served from here (their region shows their own
マイリスト buttons). The key holds the content version and the date, so an import or midnight makes
every entry stale at once; `NAVI_CACHE_SIZE = 0` turns the cache off.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

from flask import Flask, current_app


class RegionCache:
    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> str | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: str) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


def region_cache(app: Flask | None = None) -> RegionCache:
    app = app or current_app
    if "navi_region_cache" not in app.extensions:
        app.extensions["navi_region_cache"] = RegionCache(int(app.config["NAVI_CACHE_SIZE"]))
    return app.extensions["navi_region_cache"]
