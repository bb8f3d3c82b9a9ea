"""Schema migrations: applied on open, matching the models, refusing databases from a newer tenta."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from db import migrate
from db.engine import create_engine_for
from db.models import Base
from db.repository import open_repository
from question_bank.errors import TentaError


def test_migration_list_starts_with_the_initial_schema() -> None:
    revisions = migrate.revisions()
    assert revisions[0][0] == "0001" and revisions[0][1].startswith("Initial schema")
    assert revisions[-1][0] == migrate.head_revision()


def test_open_migrates_an_empty_database_to_head(empty_database_url: str) -> None:
    engine = create_engine_for(empty_database_url)
    try:
        assert migrate.current(engine) is None
        open_repository(empty_database_url).close()
        assert migrate.current(engine) == migrate.head_revision()
        assert migrate.upgrade(engine) == migrate.head_revision(), "upgrading twice is a no-op"
    finally:
        engine.dispose()


def test_migrations_produce_exactly_the_models(empty_database_url: str) -> None:
    engine = create_engine_for(empty_database_url)
    try:
        migrate.upgrade(engine)
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert differences == []
    finally:
        engine.dispose()


def test_downgrade_to_empty_and_upgrade_again(empty_database_url: str) -> None:
    engine = create_engine_for(empty_database_url)
    try:
        migrate.upgrade(engine)
        with engine.begin() as connection:
            command.downgrade(migrate.alembic_config(connection), "base")
        assert migrate.current(engine) is None
        assert inspect(engine).get_table_names() == ["alembic_version"]
        assert migrate.upgrade(engine) == migrate.head_revision()
    finally:
        engine.dispose()


def test_database_from_a_newer_tenta_is_refused_with_a_clear_message(empty_database_url: str) -> None:
    open_repository(empty_database_url).close()
    engine = create_engine_for(empty_database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '0099_from_the_future'"))
    finally:
        engine.dispose()
    with pytest.raises(TentaError) as raised:
        open_repository(empty_database_url)
    message = raised.value.message
    assert "newer tenta" in message and "0099_from_the_future" in message and "\n" not in message
    if empty_database_url.startswith("sqlite"):
        assert empty_database_url.removeprefix("sqlite:///") in message
