"""Alembic migrations run programmatically, so the schema ships inside the package and upgrades itself."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from db.engine import describe_url, write_engine
from question_bank.errors import TentaError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Any constant works; it only has to be the same for every tenta process migrating a PostgreSQL database.
_POSTGRES_MIGRATION_LOCK = 0x7465_6E74_61


def alembic_config(connection: Connection | None = None) -> Config:
    """An alembic Config pointing into the installed package; `connection` is used by env.py when given."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def script_directory() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    head = script_directory().get_current_head()
    if head is None:
        raise RuntimeError(f"no alembic revisions found in {MIGRATIONS_DIR}")
    return head


def revisions() -> list[tuple[str, str]]:
    """(revision, message) of every migration, oldest first."""
    walked = list(script_directory().walk_revisions())
    return [(script.revision, script.doc) for script in reversed(walked)]


def current(engine: Engine) -> str | None:
    """The schema revision of the database, None when it was never migrated."""
    with engine.connect() as connection:
        return _known_current_revision(connection, describe_url(engine.url))


def upgrade(engine: Engine) -> str:
    """Bring the database to the newest schema; safe when several processes start at once."""
    head = head_revision()
    if current(engine) == head:
        return head
    name = describe_url(engine.url)
    with (
        write_engine(engine).connect() as connection,
        _sqlite_foreign_keys_off(connection),
        connection.begin(),
    ):
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _POSTGRES_MIGRATION_LOCK})
        if _known_current_revision(connection, name) != head:
            command.upgrade(alembic_config(connection), "head")
            _check_foreign_keys(connection, name)
    return head


def downgrade(engine: Engine, revision: str) -> None:
    """Take the schema back to `revision` (for developers and upgrade tests), data kept where it fits."""
    with (
        write_engine(engine).connect() as connection,
        _sqlite_foreign_keys_off(connection),
        connection.begin(),
    ):
        command.downgrade(alembic_config(connection), revision)
        _check_foreign_keys(connection, describe_url(engine.url))


@contextmanager
def _sqlite_foreign_keys_off(connection: Connection) -> Iterator[None]:
    """SQLite alters a table by rebuilding it (alembic's batch mode); with foreign keys enforced, dropping
    the old table would delete (ON DELETE CASCADE) or refuse the rows that reference it. The pragma only
    switches outside a transaction, so it is set before the migration's transaction begins."""
    driver = connection.connection.driver_connection
    if not isinstance(driver, sqlite3.Connection):
        yield
        return
    driver.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        driver.execute("PRAGMA foreign_keys = ON")


def _check_foreign_keys(connection: Connection, name: str) -> None:
    """With enforcement off during a SQLite migration, check every reference before committing."""
    if connection.dialect.name != "sqlite":
        return
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        table, row_id, parent = broken[0][0], broken[0][1], broken[0][2]
        raise TentaError(
            f"{name}: schema upgrade stopped, nothing changed: {len(broken)} row(s) would point at missing "
            f"rows (first: {table} row {row_id} → {parent})"
        )


def _known_current_revision(connection: Connection, name: str) -> str | None:
    revision = MigrationContext.configure(connection).get_current_revision()
    if revision is None:
        return None
    known = {script.revision for script in script_directory().walk_revisions()}
    if revision not in known:
        raise TentaError(
            f"{name}: database was written by a newer tenta (schema rev {revision}); upgrade tenta"
        )
    return revision
