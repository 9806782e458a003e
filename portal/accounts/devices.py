"""A person-readable name for the device behind a User-Agent, for the list of log-in sessions.

Only the browser family and the operating system are kept (「Chrome（Windows）」): enough to
recognise one's own devices, not a fingerprint.
"""

from __future__ import annotations

import re

# Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari".
BROWSERS = (
    (re.compile(r"Edg(e|A|iOS)?/"), "Edge"),
    (re.compile(r"OPR/|Opera"), "Opera"),
    (re.compile(r"SamsungBrowser/"), "Samsung Internet"),
    (re.compile(r"Firefox/|FxiOS/"), "Firefox"),
    (re.compile(r"Chrome/|CriOS/|Chromium/"), "Chrome"),
    (re.compile(r"Safari/"), "Safari"),
)
SYSTEMS = (
    (re.compile(r"iPhone"), "iPhone"),
    (re.compile(r"iPad"), "iPad"),
    (re.compile(r"Android"), "Android"),
    (re.compile(r"CrOS"), "ChromeOS"),
    (re.compile(r"Windows"), "Windows"),
    (re.compile(r"Macintosh|Mac OS X"), "Mac"),
    (re.compile(r"Linux"), "Linux"),
)
UNKNOWN = "不明な端末"


def device_label(user_agent: str | None) -> str:
    text = (user_agent or "")[:500]
    browser = next((name for pattern, name in BROWSERS if pattern.search(text)), None)
    system = next((name for pattern, name in SYSTEMS if pattern.search(text)), None)
    if browser and system:
        return f"{browser}（{system}）"
    return browser or system or UNKNOWN
