"""The stand-in provider's RS256 signing key, generated once and kept in the instance folder.

Every worker process must sign with the same key and the key must survive restarts (a client caches
the JWKS), so it lives in a file, not in memory. `portal.secret_files.create_once` writes it so that
two processes starting at once both end up reading the one key that won.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from joserfc.jwk import RSAKey

from portal.secret_files import create_once

KEY_FILE = "gbizid-standin-key.json"

_loaded: dict[Path, RSAKey] = {}


def signing_key(instance_path: str | os.PathLike) -> RSAKey:
    path = Path(instance_path) / KEY_FILE
    key = _loaded.get(path)
    if key is not None and path.exists():
        return key
    if not path.exists():
        _create(path)
    key = RSAKey.import_key(json.loads(path.read_text()))
    _loaded[path] = key
    return key


def _create(path: Path) -> None:
    key = RSAKey.generate_key(2048, auto_kid=True)
    create_once(path, lambda temporary: temporary.write_text(json.dumps(key.as_dict(private=True))))


def public_key_set(key: RSAKey) -> dict:
    """The JWKS document: the public half only, with its use and algorithm."""
    public = key.as_dict(private=False)
    public.update({"use": "sig", "alg": "RS256"})
    return {"keys": [public]}
