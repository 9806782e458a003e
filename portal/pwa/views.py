"""Manifest, service worker (served at the root so its scope is the whole portal) and offline page.

The service worker's version is derived from the URLs it pre-caches, which carry content hashes,
so any change to the shell's files installs a new worker and drops the old caches.
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, current_app, jsonify, make_response, render_template, url_for

from portal.htmx import render
from portal.ui import asset_url

bp = Blueprint("pwa", __name__)

# Every file base.html asks for: the offline page is rendered from it and must not ask for anything
# the worker has not cached (tests/web/test_pwa.py checks the page against this list).
SHELL_ASSETS = (
    "css/portal.css",
    "css/locaben.css",
    "css/linking.css",
    "js/htmx-2.0.11.min.js",
    "js/app.js",
    "js/push.js",
    "js/proposals.js",
    "icons/icon.svg",
    "icons/icon-192.png",
)


def precache_urls() -> list[str]:
    return [url_for("pwa.offline")] + [asset_url(name) for name in SHELL_ASSETS]


def shell_version(urls: list[str]) -> str:
    source = render_template("pwa/sw.js", version="", precache=urls, offline_url="")
    return hashlib.sha256(("\n".join(urls) + source).encode()).hexdigest()[:12]


@bp.get("/manifest.webmanifest")
def manifest():
    config = current_app.config
    data = {
        "id": "/",
        "name": config["SITE_NAME"],
        "short_name": config["SITE_SHORT_NAME"],
        "description": "中小企業・小規模事業者のための支援制度・事例・経営情報のポータル",
        "lang": "ja",
        "dir": "ltr",
        "start_url": "/?source=pwa",
        "scope": "/",
        "display": "standalone",
        "orientation": "any",
        "theme_color": config["THEME_COLOR"],
        "background_color": "#ffffff",
        "categories": ["business", "government"],
        "icons": [
            {"src": asset_url("icons/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": asset_url("icons/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {"src": asset_url("icons/icon-maskable-512.png"), "sizes": "512x512", "type": "image/png",
             "purpose": "maskable"},
        ],
    }
    response = jsonify(data)
    response.mimetype = "application/manifest+json"
    return response


@bp.get("/sw.js")
def service_worker():
    urls = precache_urls()
    body = render_template("pwa/sw.js", version=shell_version(urls), precache=urls,
                           offline_url=url_for("pwa.offline"))
    response = make_response(body)
    response.mimetype = "text/javascript"
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/favicon.ico")
def favicon():
    """Browsers and crawlers ask for /favicon.ico whatever the page links: the PNG icon, not a 404."""
    from pathlib import Path

    data = (Path(current_app.static_folder) / "icons" / "icon-192.png").read_bytes()  # bytes: no file left open
    response = make_response(data)
    response.mimetype = "image/png"
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.get("/offline")
def offline():
    return render("pwa/offline.html")
