"""Alembic environment: uses the connection handed over by db.migrate, or TENTA_DATABASE_URL from the CLI."""

from __future__ import annotations

import os
from typing import Literal

from alembic import context
from sqlalchemy import Connection

from db.engine import create_engine_for
from db.models import Base, UTCDateTime

config = context.config


def _render_item(kind: str, item: object, _context: object) -> str | Literal[False]:
    """Migrations spell column types in plain SQLAlchemy, so they never depend on today's models."""
    if kind == "type" and isinstance(item, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def _url() -> str:
    url = os.environ.get("TENTA_DATABASE_URL") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("set TENTA_DATABASE_URL (or sqlalchemy.url) to run alembic by hand")
    return url


if context.is_offline_mode():
    context.configure(url=_url(), target_metadata=Base.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
elif (given := config.attributes.get("connection")) is not None:
    _run(given)
else:
    with create_engine_for(_url()).begin() as own_connection:
        _run(own_connection)
