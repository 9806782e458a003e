"""What every template can use: the navigation, asset URLs that change with their content, dates.

Features add themselves to the header navigation with `add_nav_item` when their blueprint is
registered, so the header never links to a feature that does not exist.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask, current_app, url_for
from markupsafe import Markup, escape

JST = ZoneInfo("Asia/Tokyo")


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str
    order: int = 100
    requires_login: bool = False
    roles: frozenset[str] = frozenset()

    def visible_to(self, user) -> bool:
        """Shown to everyone, or only when logged in, or only to the given roles (e.g. 職員)."""
        if not (self.requires_login or self.roles):
            return True
        if not getattr(user, "is_authenticated", False):
            return False
        return not self.roles or str(getattr(user, "role", "")) in self.roles


def add_nav_item(app: Flask, endpoint: str, label: str, order: int = 100, requires_login: bool = False,
                 roles: tuple[str, ...] = ()) -> None:
    """`roles` (values of `portal.models.Role`) limits the item to those users, e.g. a 職員-only screen."""
    items: list[NavItem] = app.extensions.setdefault("portal_nav", [])
    if all(item.endpoint != endpoint for item in items):
        items.append(NavItem(endpoint, label, order, requires_login, frozenset(roles)))
        items.sort(key=lambda item: item.order)


@lru_cache(maxsize=256)
def _file_digest(path: Path) -> str:
    """Read once per process: static files change with a deployment, which restarts the workers."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:10]


def asset_url(filename: str) -> str:
    """`/static/…?v=<content hash>`: safe to cache forever, renewed when the file changes."""
    version = _file_digest(Path(current_app.static_folder) / filename)
    return url_for("static", filename=filename, v=version)


def format_date(value: date | datetime | None, with_weekday: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(JST).date()
    text = f"{value.year}年{value.month}月{value.day}日"
    if with_weekday:
        text += f"（{'月火水木金土日'[value.weekday()]}）"
    return text


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    local = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(JST)
    return f"{format_date(local.date())} {local:%H:%M}"


def http_url(value: str | None) -> str:
    """The URL when it is http(s), else "": imported data must not smuggle javascript: links."""
    value = (value or "").strip()
    return value if value.lower().startswith(("http://", "https://")) else ""


_ROW = re.compile(r"<tr\b[^>]*>.*?</tr>", re.S)
_CELL = re.compile(r"<(td|th)\b")


def label_cells(html: str, headings) -> Markup:
    """Gives every cell of every row the heading of its column as `data-label`, so that below 600 px
    (where tables become cards, see portal.css) each value still says what it is."""
    def row(match: re.Match) -> str:
        names = iter(headings)
        return _CELL.sub(lambda cell: f'{cell.group(0)} data-label="{escape(next(names, ""))}"', match.group(0))

    return Markup(_ROW.sub(row, str(html)))


def init_templates(app: Flask) -> None:
    app.extensions.setdefault("portal_nav", [])
    app.jinja_env.globals.update(asset_url=asset_url)
    app.jinja_env.filters.update(jdate=format_date, jdatetime=format_datetime, http_url=http_url,
                                 label_cells=label_cells)

    @app.context_processor
    def site_context():
        config = current_app.config
        return {
            "site_name": config["SITE_NAME"],
            "site_short_name": config["SITE_SHORT_NAME"],
            "site_operator": config["SITE_OPERATOR"],
            "theme_color": config["THEME_COLOR"],
            "nav_items": current_app.extensions["portal_nav"],
        }
