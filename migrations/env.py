"""Alembic environment: runs on the connection the portal hands over, or on the configured URL.

SQLite cannot alter tables in place, so every migration runs in batch mode.
"""

from alembic import context
from sqlalchemy import create_engine

import portal.models  # noqa: F401  (registers every table on Base.metadata)
from portal.db import target_metadata as metadata_for

config = context.config


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Huey's own tables (`huey_*`, when the job queue is kept in the portal's PostgreSQL database)
    are made by Huey, not by these migrations."""
    return not (type_ == "table" and reflected and compare_to is None and name.startswith("huey_"))


def run_migrations_offline() -> None:
    url = config.get_main_option("sqlalchemy.url")
    context.configure(
        url=url,
        target_metadata=metadata_for("postgresql" if url.startswith("postgresql") else "sqlite"),
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _run(connection) -> None:
    context.configure(
        connection=connection,
        # PostgreSQL has tables SQLite does not (the in-database search index): see portal.db.
        target_metadata=metadata_for(connection.dialect.name),
        render_as_batch=True,
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
