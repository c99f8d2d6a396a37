"""Alembic environment: runs as the owner role when one is given (PostgreSQL), else as the app's engine.

`basisbaan db upgrade -x owner_url=postgresql://owner@host/db` (or BASISBAAN_DATABASE_OWNER_URL) migrates
as the owner and then makes sure the app's login role from DATABASE_URL exists with the app's privileges.
"""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app
from sqlalchemy import create_engine, pool

from basisbaan.config import normalise_database_url
from basisbaan.db_security import provision_app_login
from basisbaan.extensions import db

config = context.config
if config.config_file_name is not None and not logging.getLogger().handlers:
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = db.metadata
x_args = context.get_x_argument(as_dictionary=True)
owner_url = x_args.get("owner_url") or current_app.config.get("BASISBAAN_DATABASE_OWNER_URL")


def _configure(connection=None, url=None) -> None:
    dialect = connection.dialect.name if connection is not None else url.split(":")[0]
    context.configure(
        connection=connection, url=url, target_metadata=target_metadata, compare_type=True,
        render_as_batch=dialect.startswith("sqlite"), literal_binds=connection is None,
    )


def run_offline() -> None:
    _configure(url=normalise_database_url(owner_url) if owner_url else str(db.engine.url))
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    engine = create_engine(normalise_database_url(owner_url), poolclass=pool.NullPool) if owner_url else db.engine
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            # Batch migrations copy and drop tables; with foreign keys enforced, dropping a parent table
            # would cascade-delete its children. SQLite applies this pragma only outside a transaction.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        _configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")  # the pooled connection goes back to the app
            connection.commit()
        if owner_url and connection.dialect.name == "postgresql":
            provision_app_login(connection, current_app.config["SQLALCHEMY_DATABASE_URI"])
            connection.commit()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
