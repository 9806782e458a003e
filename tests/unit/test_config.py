"""Configuration layers: defaults, then a file or mapping, then the environment."""

from __future__ import annotations

import pytest

from portal.config import ConfigError, build_config, normalise_database_url

DEV = {"PORTAL_DEVELOPMENT": "1"}  # development: the portal may make its own SECRET_KEY


def test_in_development_defaults_use_sqlite_under_the_instance_folder_and_a_persistent_secret(tmp_path):
    first = build_config(tmp_path, environ=DEV)
    second = build_config(tmp_path, environ=DEV)
    assert first["DATABASE_URL"] == f"sqlite:///{tmp_path / 'portal.sqlite3'}"
    assert first["SECRET_KEY"] and first["SECRET_KEY"] == second["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_mapping_overrides_defaults_and_environment_overrides_mapping(tmp_path):
    config = build_config(tmp_path, {"SITE_NAME": "県ポータル", "MAIL_PORT": 2525},
                          environ={"PORTAL_MAIL_PORT": "1025", "PORTAL_MAIL_USE_TLS": "1",
                                   "SECRET_KEY": "from-env"})
    assert config["SITE_NAME"] == "県ポータル"
    assert config["MAIL_PORT"] == 1025
    assert config["MAIL_USE_TLS"] is True
    assert config["SECRET_KEY"] == "from-env"


def test_settings_file_is_read(tmp_path):
    settings = tmp_path / "settings.py"
    settings.write_text('SITE_NAME = "〇〇県中小企業ポータル"\nlowercase_is_ignored = 1\n', encoding="utf-8")
    config = build_config(tmp_path, settings, environ=DEV)
    assert config["SITE_NAME"] == "〇〇県中小企業ポータル"
    assert "lowercase_is_ignored" not in config


def test_portal_config_environment_variable_names_a_settings_file(tmp_path):
    settings = tmp_path / "prod.py"
    settings.write_text('RATELIMIT_STORAGE_URI = "redis://127.0.0.1:6379/0"\n', encoding="utf-8")
    config = build_config(tmp_path, environ={**DEV, "PORTAL_CONFIG": str(settings)})
    assert config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"


def test_postgresql_urls_get_the_psycopg_driver(tmp_path):
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"
    config = build_config(tmp_path, environ={**DEV, "DATABASE_URL": "postgresql://postgres@127.0.0.1/test"})
    assert config["DATABASE_URL"] == "postgresql+psycopg://postgres@127.0.0.1/test"


def test_connector_settings_come_from_json_in_the_environment(tmp_path):
    config = build_config(tmp_path, environ={**DEV, "PORTAL_CONNECTOR_SETTINGS": '{"gbizinfo_base_url": "http://127.0.0.1:9"}',
                                             "PORTAL_SYNC_INTERVAL_HOURS": "6"})
    assert config["CONNECTOR_SETTINGS"] == {"gbizinfo_base_url": "http://127.0.0.1:9"}
    assert config["SYNC_INTERVAL_HOURS"] == 6


def test_feature_settings_from_the_environment_get_the_type_of_their_default(tmp_path):
    config = build_config(tmp_path, environ={**DEV, "PORTAL_OAUTH_REFRESH_TOKEN_LIFETIME": "100",
                                             "PORTAL_EVENT_FLUSH_SECONDS": "0.5", "PORTAL_EVENTS_ENABLED": "0",
                                             "PORTAL_OAUTH_API_RATE_LIMIT": "5 per minute"})
    assert config["OAUTH_REFRESH_TOKEN_LIFETIME"] == 100
    assert config["EVENT_FLUSH_SECONDS"] == 0.5
    assert config["EVENTS_ENABLED"] is False
    assert config["OAUTH_API_RATE_LIMIT"] == "5 per minute"


def test_outside_development_the_portal_refuses_to_make_its_own_secret_and_names_the_setting(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY") as refused:
        build_config(tmp_path, environ={"DATABASE_URL": "postgresql://postgres@127.0.0.1/test"})
    assert "PORTAL_DEVELOPMENT=1" in str(refused.value)
    assert not (tmp_path / "secret_key").exists()
    assert build_config(tmp_path, environ={"SECRET_KEY": "shared-by-every-machine"})["SECRET_KEY"] == "shared-by-every-machine"


def test_rate_limits_share_the_queues_redis_unless_told_otherwise(tmp_path):
    alone = build_config(tmp_path, environ=DEV)
    assert alone["RATELIMIT_STORAGE_URI"] == "memory://"
    on_redis = build_config(tmp_path, environ={**DEV, "PORTAL_QUEUE_URL": "redis://10.0.0.5:6379/2"})
    assert on_redis["RATELIMIT_STORAGE_URI"] == "redis://10.0.0.5:6379/2"
    on_postgres = build_config(tmp_path, environ={**DEV, "PORTAL_QUEUE_URL": "postgresql://db/portal"})
    assert on_postgres["RATELIMIT_STORAGE_URI"] == "memory://"  # per process; the README says so
    told = build_config(tmp_path, environ={**DEV, "PORTAL_QUEUE_URL": "redis://10.0.0.5:6379/2",
                                           "PORTAL_RATELIMIT_STORAGE_URI": "redis://10.0.0.9:6379/0"})
    assert told["RATELIMIT_STORAGE_URI"] == "redis://10.0.0.9:6379/0"


def test_the_search_backend_must_be_one_this_database_can_have(tmp_path):
    assert build_config(tmp_path, {"SEARCH_BACKEND": "whoosh"}, environ=DEV)["SEARCH_BACKEND"] == "whoosh"
    assert build_config(tmp_path, {"SEARCH_BACKEND": "postgresql"},
                        environ={**DEV, "DATABASE_URL": "postgresql://db/portal"})["SEARCH_BACKEND"] == "postgresql"
    with pytest.raises(ValueError, match="needs DATABASE_URL to name a PostgreSQL database"):
        build_config(tmp_path, {"SEARCH_BACKEND": "postgresql"}, environ=DEV)
    with pytest.raises(ValueError, match="give whoosh or postgresql"):
        build_config(tmp_path, environ={**DEV, "PORTAL_SEARCH_BACKEND": "elastic"})
