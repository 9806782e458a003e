"""RSS 2.0 and Atom 1.0 feeds of the published news, built with ElementTree so every value is
escaped and the XML is well-formed whatever a title contains.

Dates: RSS wants RFC 822 (`Tue, 03 Mar 2026 09:00:00 +0900`), Atom RFC 3339. Every link is absolute
(feed readers resolve nothing). Item bodies go in as the sanitised HTML the item page shows.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from datetime import datetime
from email.utils import format_datetime

from portal import clock
from portal.content.markup import render_markdown
from portal.models import NewsItem
from portal.ui import JST

ATOM = "http://www.w3.org/2005/Atom"
ET.register_namespace("atom", ATOM)  # for RSS's atom:link


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def _serialise(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def rss(items: Sequence[NewsItem], *, title: str, site_url: str, feed_url: str, description: str,
        item_url: Callable[[NewsItem], str]) -> bytes:
    root = ET.Element("rss", {"version": "2.0"})
    channel = _sub(root, "channel")
    _sub(channel, "title", title)
    _sub(channel, "link", site_url)
    _sub(channel, "description", description)
    _sub(channel, "language", "ja")
    _sub(channel, f"{{{ATOM}}}link", href=feed_url, rel="self", type="application/rss+xml")
    newest = max((i.published_at for i in items if i.published_at), default=None) or clock.now()
    _sub(channel, "lastBuildDate", format_datetime(newest.astimezone(JST)))
    for item in items:
        entry = _sub(channel, "item")
        url = item_url(item)
        _sub(entry, "title", item.title)
        _sub(entry, "link", url)
        _sub(entry, "guid", url, isPermaLink="true")
        _sub(entry, "category", item.category.label)
        _sub(entry, "pubDate", format_datetime(item.published_at.astimezone(JST)))
        _sub(entry, "description", item.summary or str(render_markdown(item.body)))
    return _serialise(root)


def _rfc3339(value: datetime) -> str:
    return value.astimezone(JST).isoformat(timespec="seconds")


def atom(items: Sequence[NewsItem], *, title: str, site_url: str, feed_url: str, feed_id: str,
         item_url: Callable[[NewsItem], str], author: str) -> bytes:
    # Plain tag names under an xmlns attribute: the Atom elements without a prefix on every tag.
    root = ET.Element("feed", {"xmlns": ATOM, "{http://www.w3.org/XML/1998/namespace}lang": "ja"})
    _sub(root, "title", title)
    _sub(root, "id", feed_id)
    _sub(root, "link", href=feed_url, rel="self", type="application/atom+xml")
    _sub(root, "link", href=site_url, rel="alternate", type="text/html")
    newest = max((i.updated_at for i in items), default=None) or clock.now()
    _sub(root, "updated", _rfc3339(newest))
    _sub(_sub(root, "author"), "name", author)
    for item in items:
        entry = _sub(root, "entry")
        url = item_url(item)
        _sub(entry, "title", item.title)
        _sub(entry, "id", url)
        _sub(entry, "link", href=url, rel="alternate", type="text/html")
        _sub(entry, "published", _rfc3339(item.published_at))
        _sub(entry, "updated", _rfc3339(max(item.updated_at, item.published_at)))
        _sub(entry, "category", term=item.category.value, label=item.category.label)
        if item.summary:
            _sub(entry, "summary", item.summary)
        _sub(entry, "content", str(render_markdown(item.body)), type="html")
    return _serialise(root)
