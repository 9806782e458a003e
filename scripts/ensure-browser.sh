#!/usr/bin/env bash
# Makes sure the browser tests have a Chromium with Japanese fonts: Debian's chromium and
# fonts-noto-cjk when apt is there and we may use it, otherwise Playwright's own browser.
set -euo pipefail
bin="${1:-.venv/bin}"
if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo -n"; else sudo=none; fi
  if [ "$sudo" != none ]; then
    echo "Installing Debian's chromium and fonts-noto-cjk for the browser tests…"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
    exit 0
  fi
fi
echo "apt is not available; installing Playwright's own Chromium…"
"$bin/playwright" install --with-deps chromium || "$bin/playwright" install chromium
