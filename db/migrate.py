"""Alembic migrations run programmatically, so the schema ships inside the package and upgrades itself."""

from __future__ import annotations

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
    with write_engine(engine).begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _POSTGRES_MIGRATION_LOCK})
        if _known_current_revision(connection, describe_url(engine.url)) != head:
            command.upgrade(alembic_config(connection), "head")
    return head


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
