#!/usr/bin/env bash
# Makes sure `make test` can run the time-sensitive tests at other instants: Debian's faketime
# (libfaketime), installed with apt when we may. Without it the instants runner says so and fails,
# so a machine that cannot have it does not pass for one that checked.
set -euo pipefail
if command -v faketime >/dev/null 2>&1; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo -n"; else sudo=none; fi
  if [ "$sudo" != none ]; then
    echo "Installing Debian's faketime for the tests at other instants…"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get install -y -qq faketime >/dev/null 2>&1 || { $sudo apt-get update -qq && $sudo apt-get install -y -qq faketime >/dev/null; }
    exit 0
  fi
fi
echo "faketime is not installed and apt cannot install it here; install libfaketime (the 'faketime' command)." >&2
exit 1
