"""The device names shown beside each log-in session on アカウント設定."""

from __future__ import annotations

import pytest

from portal.accounts.devices import UNKNOWN, device_label

WINDOWS_CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/131.0.0.0 Safari/537.36")


@pytest.mark.parametrize(("agent", "label"), [
    (WINDOWS_CHROME, "Chrome（Windows）"),
    (WINDOWS_CHROME + " Edg/131.0.0.0", "Edge（Windows）"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/18.1 Mobile/15E148 Safari/604.1", "Safari（iPhone）"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14.7; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox（Mac）"),
    ("Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 "
     "Chrome/122.0.0.0 Mobile Safari/537.36", "Samsung Internet（Android）"),
    ("curl/8.5.0", UNKNOWN), ("", UNKNOWN), (None, UNKNOWN),
])
def test_a_user_agent_becomes_browser_and_system(agent, label):
    assert device_label(agent) == label
