"""Choosing the provider: the real GビズID preset, any issuer, or the stand-in on this host."""

from __future__ import annotations

import pytest

from portal.gbizid.config import NotConfigured, is_enabled, provider_settings
from tests.conftest import make_test_app


@pytest.fixture
def make(tmp_path):
    def build(**settings):
        return make_test_app(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path / "instance", **settings)

    return build


def settings_of(app, host: str = "portal.test"):
    with app.test_request_context("/", base_url=f"http://{host}"):
        return provider_settings()


def test_off_by_default(make):
    app = make()
    assert not is_enabled(app)
    with pytest.raises(NotConfigured):
        settings_of(app)


def test_the_stand_in_is_the_default_issuer_on_the_requests_host(make):
    app = make(GBIZID_STANDIN=True, GBIZID_STANDIN_CLIENT_SECRET="abc")
    settings = settings_of(app, "127.0.0.1:8000")
    assert settings.is_standin and settings.issuer == "http://127.0.0.1:8000/standin-gbizid"
    assert settings.metadata_url == "http://127.0.0.1:8000/standin-gbizid/.well-known/openid-configuration"
    assert (settings.client_id, settings.client_secret) == ("portal-standin", "abc")
    derived = settings_of(make(GBIZID_STANDIN=True))
    assert len(derived.client_secret) == 64 and derived.client_secret != "abc"


def test_the_real_gbizid_preset_fills_in_its_endpoints(make):
    app = make(GBIZID_PRESET="gbizid", GBIZID_CLIENT_ID="rp-1", GBIZID_CLIENT_SECRET="s",
               GBIZID_JWKS_URI="https://gbiz-id.go.jp/keys")
    settings = settings_of(app)
    assert settings.issuer == "https://gbiz-id.go.jp/oauth/" and not settings.metadata_url
    assert settings.endpoints["token_endpoint"] == "https://gbiz-id.go.jp/oauth/token"
    assert settings.endpoints["userinfo_endpoint"] == "https://gbiz-id.go.jp/oauth/userinfo"
    assert settings.token_auth_method == "client_secret_basic" and "profile" in settings.scope.split()
    staging = settings_of(make(GBIZID_PRESET="gbizid-staging", GBIZID_CLIENT_ID="rp-1", GBIZID_CLIENT_SECRET="s",
                               GBIZID_JWKS_URI="https://stg.gbiz-id.go.jp/keys"))
    assert staging.endpoints["authorization_endpoint"] == "https://stg.gbiz-id.go.jp/oauth/authorize"


@pytest.mark.parametrize("settings, missing", [
    ({"GBIZID_PRESET": "gbizid", "GBIZID_CLIENT_ID": "a", "GBIZID_CLIENT_SECRET": "b"}, "GBIZID_JWKS_URI"),
    ({"GBIZID_PRESET": "gbizid", "GBIZID_JWKS_URI": "https://x/keys", "GBIZID_CLIENT_SECRET": "b"},
     "GBIZID_CLIENT_ID"),
    ({"GBIZID_ISSUER": "https://op.example/", "GBIZID_CLIENT_ID": "a"}, "GBIZID_CLIENT_SECRET"),
    ({"GBIZID_PRESET": "gbiz", "GBIZID_CLIENT_ID": "a"}, "GBIZID_PRESET"),
])
def test_incomplete_settings_name_what_is_missing(make, settings, missing):
    with pytest.raises(NotConfigured, match=missing):
        settings_of(make(**settings))


def test_any_issuer_is_read_from_its_discovery_document(make):
    settings = settings_of(make(GBIZID_ISSUER="https://op.example/realm/", GBIZID_CLIENT_ID="a",
                                GBIZID_CLIENT_SECRET="b", GBIZID_STANDIN=True))
    assert not settings.is_standin
    assert settings.metadata_url == "https://op.example/realm/.well-known/openid-configuration"
    assert settings.client_name != settings_of(make(GBIZID_ISSUER="https://other.example/", GBIZID_CLIENT_ID="a",
                                                    GBIZID_CLIENT_SECRET="b")).client_name


def test_the_environment_turns_the_stand_in_on_and_off(tmp_path):
    from portal.config import build_config

    given = {"SECRET_KEY": "test-secret-key"}
    assert build_config(tmp_path, environ={**given, "PORTAL_GBIZID_STANDIN": "1"})["GBIZID_STANDIN"] is True
    assert build_config(tmp_path, environ={**given, "PORTAL_GBIZID_STANDIN": "0"})["GBIZID_STANDIN"] is False
    assert build_config(tmp_path, environ=given)["GBIZID_STANDIN"] is False
