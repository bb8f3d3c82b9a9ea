"""`tenta db …`: where the database is, which schema it has, and upgrading it explicitly."""

from __future__ import annotations

import typer
from rich.console import Console

from db import migrate
from db.engine import create_engine_for, describe_url, sqlite_path
from db.repository import database_errors
from quiz.settings import Settings

db_app = typer.Typer(help="The database: location, schema revision, upgrade.", no_args_is_help=True)


def _console() -> Console:
    return Console(highlight=False, soft_wrap=True)


@db_app.command("path")
def path() -> None:
    """Print the database in use (the SQLite file, or the URL without its password)."""
    _console().print(describe_url(Settings().resolved_database_url), markup=False)


@db_app.command("current")
def current() -> None:
    """Print the database's schema revision and whether it is the newest this tenta knows."""
    url = Settings().resolved_database_url
    name, head = describe_url(url), migrate.head_revision()
    file = sqlite_path(url)
    if file is not None and not file.exists():
        _console().print(f"{name}: no database yet (created at schema {head} on first use)", markup=False)
        return
    engine = create_engine_for(url)
    try:
        with database_errors(name):
            revision = migrate.current(engine)
    finally:
        engine.dispose()
    if revision == head:
        state = "up to date"
    elif revision is None:
        state = "empty; run `tenta db upgrade`"
    else:
        state = f"behind {head}; run `tenta db upgrade`"
    _console().print(f"{name}: schema {revision or '-'} ({state})", markup=False)


@db_app.command("upgrade")
def upgrade() -> None:
    """Migrate the database to the newest schema (tenta also does this on start)."""
    settings = Settings()
    url = settings.resolved_database_url
    name = describe_url(url)
    if sqlite_path(url) is not None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_engine_for(url)
    try:
        with database_errors(name):
            before = migrate.current(engine)
            after = migrate.upgrade(engine)
    finally:
        engine.dispose()
    if before == after:
        _console().print(f"{name}: already at schema {after}", markup=False)
    else:
        _console().print(f"{name}: upgraded schema {before or 'empty'} -> {after}", markup=False)


@db_app.command("migrations")
def migrations() -> None:
    """List the schema migrations this tenta ships, oldest first."""
    console = _console()
    for revision, message in migrate.revisions():
        console.print(f"{revision}  {' '.join(message.split())}", markup=False)


def register(app: typer.Typer) -> None:
    """Add `tenta db` to the root app."""
    app.add_typer(db_app, name="db")
