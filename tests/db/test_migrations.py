"""Schema migrations: applied on open, matching the models, refusing databases from a newer tenta."""

from __future__ import annotations

from datetime import UTC, datetime

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
from tests.db.banks import sample_bank
from tests.db.old_rows import insert_question_snapshot, insert_row, schema_at


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


def test_upgrade_from_the_initial_schema_keeps_overrides_and_adds_point_decisions(
    empty_database_url: str,
) -> None:
    """A database written before key-point overrides existed: its overrides stay plain scores."""
    engine = create_engine_for(empty_database_url)
    question = sample_bank().questions[0]
    when = datetime(2025, 1, 20, 10, 0, tzinfo=UTC)
    try:
        tables = schema_at(engine, "0001")
        assert migrate.current(engine) == "0001"
        assert "point_credits" not in {column["name"] for column in inspect(engine).get_columns("overrides")}
        with engine.begin() as connection:
            student_id = insert_row(
                connection, tables["students"], name="Anna", is_default=False, created_at=when
            )
            snapshot_id = insert_question_snapshot(connection, tables, question, when)
            answer_id = insert_row(
                connection,
                tables["answers"],
                student_id=student_id,
                snapshot_id=snapshot_id,
                bank_id="dl-test",
                question_id=question.id,
                text="kärnan glider",
                submitted_at=when,
                source="import",
                regrade_pending=False,
                regrade_requested=False,
            )
            insert_row(
                connection,
                tables["overrides"],
                answer_id=answer_id,
                score=1.5,
                comment="nästan",
                teacher="Eva",
                created_at=when,
            )
    finally:
        engine.dispose()

    repository = open_repository(empty_database_url)
    try:
        detail = repository.get_answer(answer_id)
        assert detail.final_score == 1.5
        assert [(o.score, o.comment, o.point_credits) for o in detail.overrides] == [(1.5, "nästan", {})]
        decisions = {"kernel": 1.0, "sum": 1.0}
        repository.add_override(answer_id, 2.0, "both points", "Olle", point_credits=decisions)
        latest = repository.get_answer(answer_id).latest_override
        assert latest is not None and latest.point_credits == decisions
    finally:
        repository.close()
    engine = create_engine_for(empty_database_url)
    try:
        assert migrate.current(engine) == migrate.head_revision()
    finally:
        engine.dispose()
