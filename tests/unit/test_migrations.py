"""The migrations are the only way the schema changes: they must build exactly the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from portal.db import Base, get_db, target_metadata, upgrade_database
from tests.conftest import close_app, make_test_app


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_app(request, fresh_database_url, tmp_path):
    app = make_test_app(fresh_database_url(request.param), tmp_path / "instance")
    yield app
    close_app(app)


def test_models_and_migrations_agree(empty_app):
    upgrade_database(empty_app)
    engine = get_db(empty_app).engine
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, target_metadata(engine.dialect.name))
    assert differences == [], f"models and migrations disagree: {differences}"


def test_upgrade_creates_every_model_table_and_is_repeatable(empty_app):
    upgrade_database(empty_app)
    upgrade_database(empty_app)  # a second run changes nothing and does not fail
    engine = get_db(empty_app).engine
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables
    # PostgreSQL holds its text index in tables SQLite never gets.
    assert ("search_entries" in tables) == (engine.dialect.name == "postgresql")


def test_downgrade_to_base_removes_the_tables(empty_app):
    from alembic import command

    from portal.db import alembic_config

    upgrade_database(empty_app)
    db = get_db(empty_app)
    config = alembic_config(db.url)
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
