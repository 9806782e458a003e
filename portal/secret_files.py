"""Secrets the portal makes for itself once and keeps in the instance folder (session key, signing
keys): readable only by the owner, and safe when several worker processes start at the same time.

The content is written to a private temporary file that is then hard-linked to its name. `os.link`
never replaces an existing name, so when two processes race, one file wins and both read it.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path


def create_once(path: Path, write: Callable[[Path], None]) -> Path:
    """Makes `path` with `write(temporary_path)` unless it exists; returns `path`."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        write(temporary)
        temporary.chmod(0o600)  # a library may have re-created the file with its own mode
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
    finally:
        temporary.unlink(missing_ok=True)
    return path
