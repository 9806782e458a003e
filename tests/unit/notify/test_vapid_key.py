"""The Web Push key pair is the portal's, not an instance folder's: two instances over one database
offer browsers the same public key; a key made into an instance folder earlier is handed over."""

from __future__ import annotations

from pathlib import Path

from py_vapid import Vapid

from portal.notify.push import KEY_FILE, application_server_key
from tests.queues import queued_app  # noqa: F401


def test_two_instances_over_one_database_offer_the_same_key(queued_app):
    first, second = queued_app("a", QUEUE_URL="immediate"), queued_app("b", QUEUE_URL="immediate")
    with first.app_context():
        key = application_server_key(first)
    with second.app_context():
        assert application_server_key(second) == key
    assert not (Path(first.instance_path) / KEY_FILE).exists()


def test_a_key_an_installation_made_into_its_instance_folder_is_handed_over(queued_app, tmp_path):
    old = Vapid()
    old.generate_keys()
    instance = tmp_path / "old"
    instance.mkdir()
    old.save_key(str(instance / KEY_FILE))
    app = queued_app("old", QUEUE_URL="immediate")
    with app.app_context():
        assert application_server_key(app) == application_server_key_of(old)


def test_a_configured_key_wins(queued_app):
    configured = Vapid()
    configured.generate_keys()
    app = queued_app("configured", QUEUE_URL="immediate", VAPID_PRIVATE_KEY=configured.private_pem().decode())
    with app.app_context():
        assert application_server_key(app) == application_server_key_of(configured)


def application_server_key_of(key: Vapid) -> str:
    import base64

    from cryptography.hazmat.primitives import serialization

    raw = key.public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
