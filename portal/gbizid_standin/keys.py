"""The stand-in provider's RS256 signing key, made once and shared through the database.

Every worker process and every machine must sign with the same key, and the key must survive
restarts (a client caches the JWKS), so it is a site key (`portal.site_keys`): made by whichever
instance needs it first, read by all. An installation that made it into the instance folder before
(`gbizid-standin-key.json`) hands that one over. Each process keeps the parsed key in memory.
"""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask
from joserfc.jwk import RSAKey

from portal import site_keys

KEY_FILE = "gbizid-standin-key.json"
SITE_KEY = "gbizid_standin_signing_key"
EXTENSION = "gbizid_standin_key"


def signing_key(app: Flask) -> RSAKey:
    key = app.extensions.get(EXTENSION)
    if key is not None:
        return key
    old = Path(app.instance_path) / KEY_FILE
    stored = site_keys.shared_key(app, SITE_KEY, lambda: old.read_text() if old.exists() else _new())
    key = RSAKey.import_key(json.loads(stored))
    app.extensions[EXTENSION] = key
    return key


def _new() -> str:
    return json.dumps(RSAKey.generate_key(2048, auto_kid=True).as_dict(private=True))


def public_key_set(key: RSAKey) -> dict:
    """The JWKS document: the public half only, with its use and algorithm."""
    public = key.as_dict(private=False)
    public.update({"use": "sig", "alg": "RS256"})
    return {"keys": [public]}
