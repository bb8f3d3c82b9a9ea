"""Rows written straight into an older schema (reflected), for upgrade tests that must keep data."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from alembic import command
from sqlalchemy import Connection, Engine, MetaData, Table

from db import migrate
from question_bank.models import Question


def schema_at(engine: Engine, revision: str) -> Mapping[str, Table]:
    """Migrate an empty database up to `revision` and reflect its tables as they were then."""
    with engine.begin() as connection:
        command.upgrade(migrate.alembic_config(connection), revision)
    old = MetaData()
    old.reflect(engine)
    return old.tables


def insert_row(connection: Connection, table: Table, **values: object) -> int:
    """Insert a row with the schema as it was, returning its new id."""
    key = connection.execute(table.insert().values(**values)).inserted_primary_key
    assert key is not None
    return int(key[0])


def insert_question_snapshot(
    connection: Connection, tables: Mapping[str, Table], question: Question, when: datetime
) -> int:
    """The snapshot of a question that answers refer to, as the repository writes it."""
    return insert_row(
        connection,
        tables["question_snapshots"],
        bank_id="dl-test",
        bank_version="1",
        question_id=question.id,
        number=question.number,
        content_hash=question.content_hash(),
        question_type=question.type.value,
        prompt=question.prompt_in("sv"),
        reference_answer=question.reference_in("sv"),
        rubric=[point.model_dump(mode="json") for point in question.rubric],
        topics=list(question.topics),
        max_points=question.max_points,
        question_json=question.model_dump(mode="json"),
        created_at=when,
    )


def insert_session(
    connection: Connection,
    tables: Mapping[str, Table],
    student_id: int,
    when: datetime,
    *,
    mode: str,
    bank_id: str = "dl-test",
    **columns: object,
) -> int:
    """A quiz session in progress since `when`; `columns` are those a later schema added."""
    return insert_row(
        connection,
        tables["quiz_sessions"],
        student_id=student_id,
        bank_id=bank_id,
        bank_version="1",
        mode=mode,
        status="in_progress",
        position=0,
        started_at=when,
        updated_at=when,
        **columns,
    )


def insert_session_item(
    connection: Connection,
    tables: Mapping[str, Table],
    session_id: int,
    question: Question,
    snapshot_id: int,
    **columns: object,
) -> int:
    """The session's first question; `columns` are those a later schema added (draft, flagged …)."""
    return insert_row(
        connection,
        tables["session_items"],
        session_id=session_id,
        position=0,
        question_id=question.id,
        snapshot_id=snapshot_id,
        **columns,
    )
