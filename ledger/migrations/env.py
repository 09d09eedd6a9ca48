"""Alembic environment: migrates the ledger at the URL the config carries, or the settings' URL.

The ledger's code never creates tables itself; ``alembic upgrade head`` (or
``intersessional db upgrade``) does, so every database's schema has a recorded history.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

from ledger.schema import metadata
from settings import Settings


def _url() -> str:
    url = context.config.get_main_option("sqlalchemy.url")
    if url:
        return url
    return Settings().effective_ledger_url


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = context.config.attributes.get("connection")
    if connectable is not None:  # handed in by ledger.migrate.upgrade()
        context.configure(connection=connectable, target_metadata=metadata)
        with context.begin_transaction():
            context.run_migrations()
        return
    section = dict(context.config.get_section(context.config.config_ini_section) or {})
    section["sqlalchemy.url"] = _url()
    engine = engine_from_config(section, prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
