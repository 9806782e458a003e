"""What `make run` and `make preprint` start, read from `make -n` (the commands a newcomer's make
would run): mail links follow the address `make run` serves on, and the two servers never share
gunicorn's control socket (gunicorn 27 puts one in the home folder unless told otherwise)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def planned(*args: str, needle: str = "--bind") -> str:
    """The command of a make target that contains `needle`, with continuation lines joined."""
    out = subprocess.run(["make", "-n", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    joined = out.replace("\\\n", " ")
    [line] = [line for line in joined.splitlines() if needle in line]
    return line


def served_gunicorn() -> str:
    """The gunicorn line of scripts/serve.sh (what `make run` starts beside its worker)."""
    text = (ROOT / "scripts" / "serve.sh").read_text().replace("\\\n", " ")
    [line] = [line for line in text.splitlines() if "gunicorn" in line and "--bind" in line]
    return line


def test_make_run_on_another_port_puts_that_address_in_mail_links():
    command = planned("run", "PORT=18101", "HOST=127.0.0.1", needle="scripts/serve.sh")
    assert "PORTAL_PUBLIC_URL=${PORTAL_PUBLIC_URL:-http://127.0.0.1:18101}" in command
    assert command.rstrip().endswith("scripts/serve.sh .venv/bin 127.0.0.1 18101 2")
    assert '--bind "$HOST:$PORT"' in served_gunicorn()


def test_make_run_and_make_preprint_never_share_a_control_socket():
    run = served_gunicorn()
    preprint = planned("preprint", "PREPRINT_PORT=18102", "PORT=18101")
    socket = re.search(r"--control-socket (\S+)", run)
    assert socket is not None and "$PORT" in socket.group(1)
    assert "--control-socket" not in preprint and "--no-control-socket" in preprint
    assert "PORTAL_URL=${PORTAL_URL:-http://127.0.0.1:18101}" in preprint and "127.0.0.1:18102" in preprint
