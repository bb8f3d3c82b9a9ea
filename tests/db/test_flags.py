"""Flagged questions of a session and a student's topic filter, stored on SQLite and PostgreSQL,
and the 0007 migration that adds them to a database written by 0006."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect

from db import migrate
from db.engine import create_engine_for
from db.repository import Repository, open_repository
from question_bank.errors import TentaError
from question_bank.models import Bank
from tests.db.old_rows import (
    insert_question_snapshot,
    insert_row,
    insert_session,
    insert_session_item,
    schema_at,
)

WHEN = datetime(2025, 2, 10, 9, 0, tzinfo=UTC)


def test_flags_are_kept_with_the_session_until_unflagged(repo: Repository, bank: Bank) -> None:
    student = repo.get_or_create_student("Anna")
    quiz = repo.start_session(student.id, bank, bank.questions, "full")
    assert quiz.flagged == []
    second, first = bank.questions[1].id, bank.questions[0].id
    repo.set_flag(quiz.id, second, True)
    repo.set_flag(quiz.id, first, True)
    assert repo.get_session(quiz.id).flagged == [first, second], "in quiz order"
    repo.set_flag(quiz.id, first, False)
    resumed = repo.resumable_session(student.id, bank.id)
    assert resumed is not None and resumed.flagged == [second]


def test_a_flag_needs_an_open_session_and_one_of_its_questions(repo: Repository, bank: Bank) -> None:
    student = repo.get_or_create_student("Anna")
    quiz = repo.start_session(student.id, bank, bank.questions[:1], "practice")
    with pytest.raises(TentaError, match="does not ask question 'dropout'"):
        repo.set_flag(quiz.id, "dropout", True)
    repo.finish_session(quiz.id)
    with pytest.raises(TentaError, match="finished"):
        repo.set_flag(quiz.id, bank.questions[0].id, True)


def test_topic_filter_per_student_and_bank(repo: Repository, bank: Bank) -> None:
    anna = repo.get_or_create_student("Anna")
    olle = repo.get_or_create_student("Olle")
    assert repo.topic_filter(anna.id, bank.id) == []
    repo.set_topic_filter(anna.id, bank.id, ["CNN", "regularization", "CNN"])
    assert repo.topic_filter(anna.id, bank.id) == ["CNN", "regularization"]
    assert repo.topic_filter(olle.id, bank.id) == [], "another student's choice is their own"
    assert repo.topic_filter(anna.id, "other-bank") == []
    repo.set_topic_filter(anna.id, bank.id, ["regularization"])
    assert repo.topic_filter(anna.id, bank.id) == ["regularization"]
    repo.set_topic_filter(anna.id, bank.id, [])
    assert repo.topic_filter(anna.id, bank.id) == []


def test_upgrade_from_0006_keeps_sessions_unflagged_and_adds_topic_filters(
    empty_database_url: str, bank: Bank
) -> None:
    engine = create_engine_for(empty_database_url)
    question = bank.questions[0]
    try:
        tables = schema_at(engine, "0006")
        assert migrate.current(engine) == "0006"
        assert "topic_filters" not in inspect(engine).get_table_names()
        assert "flagged" not in {column["name"] for column in inspect(engine).get_columns("session_items")}
        with engine.begin() as connection:
            student_id = insert_row(
                connection, tables["students"], name="Anna", is_default=False, created_at=WHEN
            )
            snapshot_id = insert_question_snapshot(connection, tables, question, WHEN)
            session_id = insert_session(connection, tables, student_id, WHEN, mode="full")
            draft = {"draft": "en kärna glider", "draft_saved_at": WHEN}
            insert_session_item(connection, tables, session_id, question, snapshot_id, **draft)
    finally:
        engine.dispose()

    repository = open_repository(empty_database_url)
    try:
        running = repository.get_session(session_id)
        assert running.flagged == [] and running.drafts == {question.id: "en kärna glider"}
        repository.set_flag(session_id, question.id, True)
        assert repository.get_session(session_id).flagged == [question.id]
        repository.set_topic_filter(student_id, "dl-test", ["CNN"])
        assert repository.topic_filter(student_id, "dl-test") == ["CNN"]
    finally:
        repository.close()
    engine = create_engine_for(empty_database_url)
    try:
        assert migrate.current(engine) == migrate.head_revision()
        migrate.downgrade(engine, "0006")
        assert "topic_filters" not in inspect(engine).get_table_names()
        assert migrate.current(engine) == "0006"
    finally:
        engine.dispose()
    reopened = open_repository(empty_database_url)
    try:
        assert reopened.get_session(session_id).flagged == [], "a downgrade drops the flags, not the session"
    finally:
        reopened.close()
