"""Credentials at rest: encrypted, unreadable without the key, never in the clear."""

from __future__ import annotations

import pytest

from portal.linking.crypto import CredentialsError, decrypt_credentials, encrypt_credentials

SECRETS = {"access_token": "at-0123456789abcdef", "refresh_token": "rt-fedcba9876543210",
           "client_secret": "cs-shhh-very-secret"}


def test_round_trip_and_no_plaintext_in_the_stored_bytes():
    config = {"SECRET_KEY": "s3cret", "CREDENTIALS_KEY": "a-separate-credentials-key"}
    ciphertext = encrypt_credentials(config, SECRETS)
    for value in SECRETS.values():
        assert value.encode() not in ciphertext
    assert b"refresh_token" not in ciphertext
    assert decrypt_credentials(config, ciphertext) == SECRETS


def test_a_wrong_key_cannot_decrypt():
    ciphertext = encrypt_credentials({"CREDENTIALS_KEY": "right"}, SECRETS)
    with pytest.raises(CredentialsError) as error:
        decrypt_credentials({"CREDENTIALS_KEY": "wrong"}, ciphertext)
    assert "もう一度「連携」" in error.value.message


def test_falls_back_to_a_key_derived_from_secret_key_distinct_from_credentials_key():
    from_secret = encrypt_credentials({"SECRET_KEY": "same"}, SECRETS)
    assert decrypt_credentials({"SECRET_KEY": "same"}, from_secret) == SECRETS
    # The same string as CREDENTIALS_KEY gives another key (different HKDF info).
    with pytest.raises(CredentialsError):
        decrypt_credentials({"CREDENTIALS_KEY": "same"}, from_secret)
    with pytest.raises(CredentialsError):
        decrypt_credentials({"SECRET_KEY": "other"}, from_secret)


def test_no_key_configured_is_refused_and_none_reads_as_empty():
    with pytest.raises(RuntimeError):
        encrypt_credentials({}, SECRETS)
    assert decrypt_credentials({"SECRET_KEY": "x"}, None) == {}
