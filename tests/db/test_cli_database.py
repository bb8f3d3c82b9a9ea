"""`tenta db path|current|upgrade|migrations` against the database in the temporary data dir."""

from __future__ import annotations

from sqlalchemy import text
from typer.testing import CliRunner

from db import migrate
from db.engine import create_engine_for
from quiz.cli.main import app
from quiz.settings import Settings

runner = CliRunner()


def test_path_names_the_sqlite_file(settings: Settings) -> None:
    result = runner.invoke(app, ["db", "path"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(settings.data_dir / "tenta.sqlite3")


def test_current_before_and_after_upgrade(settings: Settings) -> None:
    head = migrate.head_revision()
    before = runner.invoke(app, ["db", "current"])
    assert before.exit_code == 0 and "no database yet" in before.output
    assert not (settings.data_dir / "tenta.sqlite3").exists(), "`db current` must not create the database"

    upgraded = runner.invoke(app, ["db", "upgrade"])
    assert upgraded.exit_code == 0, upgraded.output
    assert f"upgraded schema empty -> {head}" in upgraded.output
    assert f"already at schema {head}" in runner.invoke(app, ["db", "upgrade"]).output
    assert f"schema {head} (up to date)" in runner.invoke(app, ["db", "current"]).output


def test_current_reports_a_database_from_a_newer_tenta(settings: Settings) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    engine = create_engine_for(settings.resolved_database_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0042_future'"))
    engine.dispose()
    result = runner.invoke(app, ["db", "current"])
    assert result.exit_code != 0
    assert "database was written by a newer tenta (schema rev 0042_future); upgrade tenta" in str(
        result.exception
    )


def test_migrations_lists_every_revision() -> None:
    result = runner.invoke(app, ["db", "migrations"])
    assert result.exit_code == 0
    assert result.output.startswith("0001  Initial schema")
