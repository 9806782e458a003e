"""The installable app's files as the server delivers them."""

from __future__ import annotations

import re
from pathlib import Path

from tests.helpers import text


def test_manifest_describes_an_installable_japanese_app(client):
    response = client.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json()
    assert manifest["lang"] == "ja"
    assert manifest["name"] == "中小企業支援ポータル" and manifest["short_name"]
    assert manifest["display"] == "standalone" and manifest["start_url"].startswith("/")
    assert manifest["theme_color"].startswith("#")
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        with client.get(icon["src"]) as image:
            assert image.status_code == 200 and image.mimetype == "image/png"
            width, height = int.from_bytes(image.data[16:20]), int.from_bytes(image.data[20:24])
            assert f"{width}x{height}" == icon["sizes"]


def test_service_worker_is_served_at_root_scope_with_a_precache_that_exists(client):
    response = client.get("/sw.js")
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"
    body = text(response)
    precache = re.search(r"const PRECACHE = (\[.*?\]);", body).group(1)
    urls = re.findall(r'"([^"]+)"', precache)
    assert "/offline" in urls
    for url in urls:
        with client.get(url) as cached:
            assert cached.status_code == 200, url


def test_service_worker_version_changes_when_a_shell_file_changes(app, client):
    from portal.ui import _file_digest

    before = re.search(r'const VERSION = "(\w+)"', text(client.get("/sw.js"))).group(1)
    css = Path(app.static_folder) / "css" / "portal.css"
    original = css.read_text(encoding="utf-8")
    try:
        css.write_text(original + "\n/* changed */\n", encoding="utf-8")
        _file_digest.cache_clear()
        after = re.search(r'const VERSION = "(\w+)"', text(client.get("/sw.js"))).group(1)
    finally:
        css.write_text(original, encoding="utf-8")
        _file_digest.cache_clear()
    assert before != after


def test_offline_page_is_japanese(client):
    response = client.get("/offline")
    assert response.status_code == 200
    assert "インターネットに接続されていません" in text(response)


def test_pages_link_the_manifest_and_register_the_worker_from_a_file(client):
    html = text(client.get("/"))
    assert 'rel="manifest" href="/manifest.webmanifest"' in html
    assert re.search(r'<script src="/static/js/app.js\?v=\w+" defer></script>', html)
    with client.get("/static/js/app.js") as script:
        assert b'register("/sw.js"' in script.data


def test_the_offline_page_asks_only_for_files_the_worker_caches(client):
    body = text(client.get("/sw.js"))
    precache = set(re.findall(r'"([^"]+)"', re.search(r"const PRECACHE = (\[.*?\]);", body).group(1)))
    offline = text(client.get("/offline"))
    wanted = set(re.findall(r'(?:src|href)="(/static/[^"]+)"', offline))
    assert wanted and wanted <= precache, wanted - precache


def test_the_offline_page_is_served_under_the_address_asked_for(client):
    # The cached /offline response is re-wrapped (a new Response has no URL), so a boosted link
    # does not push /offline into the address bar.
    body = text(client.get("/sw.js"))
    offline_fn = body[body.index("function offlineResponse"):body.index("function cacheFirst")]
    assert "new Response(body" in offline_fn and "cached.text()" in offline_fn


def test_favicon_ico_is_an_icon_not_a_404(client):
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200
        assert response.mimetype == "image/png"
