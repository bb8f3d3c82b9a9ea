"""The time spent on each question of a session, stored on SQLite and PostgreSQL so a resumed quiz keeps
it, and the 0010 migration that adds it to a database written by 0009."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, inspect

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


def _session_item_columns(engine: Engine) -> set[str]:
    return {column["name"] for column in inspect(engine).get_columns("session_items")}


def test_time_adds_up_per_question_and_comes_back_with_the_session(repo: Repository, bank: Bank) -> None:
    student = repo.get_or_create_student("Anna")
    quiz = repo.start_session(student.id, bank, bank.questions[:3], "full")
    assert quiz.time_spent == {}
    first, second = bank.questions[0].id, bank.questions[1].id
    repo.add_time(quiz.id, first, 61.25)
    repo.add_time(quiz.id, second, 10.0)
    repo.add_time(quiz.id, first, 38.75)
    repo.add_time(quiz.id, second, 0.0)
    assert repo.get_session(quiz.id).time_spent == {first: 100.0, second: 10.0}
    resumed = repo.resumable_session(student.id, bank.id)
    assert resumed is not None and resumed.time_spent == {first: 100.0, second: 10.0}


def test_time_is_kept_when_the_answer_is_submitted(repo: Repository, bank: Bank) -> None:
    student = repo.get_or_create_student("Anna")
    question = bank.questions[0]
    quiz = repo.start_session(student.id, bank, [question], "full")
    repo.add_time(quiz.id, question.id, 42.0)
    repo.submit_answer(student.id, bank, question, "en kärna", session_id=quiz.id, time_taken_s=42.0)
    repo.add_time(quiz.id, question.id, 8.0)  # edited and submitted again later
    assert repo.get_session(quiz.id).time_spent == {question.id: 50.0}


@pytest.mark.parametrize("seconds", [-1.0, math.nan, math.inf])
def test_time_must_be_seconds_zero_or_more(repo: Repository, bank: Bank, seconds: float) -> None:
    student = repo.get_or_create_student("Anna")
    question = bank.questions[0]
    quiz = repo.start_session(student.id, bank, [question], "full")
    with pytest.raises(TentaError, match="time spent must be a number of seconds"):
        repo.add_time(quiz.id, question.id, seconds)
    assert repo.get_session(quiz.id).time_spent == {}


def test_time_needs_an_open_session_and_one_of_its_questions(repo: Repository, bank: Bank) -> None:
    student = repo.get_or_create_student("Anna")
    quiz = repo.start_session(student.id, bank, bank.questions[:1], "practice")
    with pytest.raises(TentaError, match="does not ask question 'dropout'"):
        repo.add_time(quiz.id, "dropout", 5.0)
    repo.finish_session(quiz.id)
    with pytest.raises(TentaError, match="finished"):
        repo.add_time(quiz.id, bank.questions[0].id, 5.0)
    assert repo.get_session(quiz.id).time_spent == {}


def test_two_writers_adding_at_once_both_count(database_url: str, bank: Bank) -> None:
    """The sum is taken by the database, so no addition of one writer overwrites the other's."""
    first = open_repository(database_url)
    second = open_repository(database_url)
    try:
        student = first.get_or_create_student("Anna")
        question = bank.questions[0]
        quiz = first.start_session(student.id, bank, [question], "full")

        def add(repository: Repository) -> None:
            for _ in range(15):
                repository.add_time(quiz.id, question.id, 2.0)

        with ThreadPoolExecutor(max_workers=2) as pool:
            for done in [pool.submit(add, first), pool.submit(add, second)]:
                done.result()
        assert first.get_session(quiz.id).time_spent == {question.id: 60.0}
    finally:
        first.close()
        second.close()


def test_upgrade_from_0009_starts_answered_questions_from_their_answer_time(
    empty_database_url: str, bank: Bank
) -> None:
    engine = create_engine_for(empty_database_url)
    answered, drafted = bank.questions[0], bank.questions[1]
    try:
        tables = schema_at(engine, "0009")
        assert migrate.current(engine) == "0009"
        assert "time_spent_s" not in _session_item_columns(engine)
        with engine.begin() as connection:
            student_id = insert_row(
                connection, tables["students"], name="Anna", is_default=False, created_at=WHEN
            )
            answered_snapshot = insert_question_snapshot(connection, tables, answered, WHEN)
            drafted_snapshot = insert_question_snapshot(connection, tables, drafted, WHEN)
            session_id = insert_session(connection, tables, student_id, WHEN, mode="full")
            answer_id = insert_row(
                connection,
                tables["answers"],
                student_id=student_id,
                session_id=session_id,
                snapshot_id=answered_snapshot,
                bank_id="dl-test",
                question_id=answered.id,
                text="kärnan glider",
                time_taken_s=95.5,
                submitted_at=WHEN,
                source="quiz",
                regrade_pending=False,
                regrade_requested=False,
            )
            insert_session_item(
                connection, tables, session_id, answered, answered_snapshot, answer_id=answer_id
            )
            insert_row(
                connection,
                tables["session_items"],
                session_id=session_id,
                position=1,
                question_id=drafted.id,
                snapshot_id=drafted_snapshot,
                draft="dropout stänger av neuroner",
                draft_saved_at=WHEN,
            )
    finally:
        engine.dispose()

    repository = open_repository(empty_database_url)
    try:
        running = repository.get_session(session_id)
        assert running.time_spent == {answered.id: 95.5}, "the draft-only question starts from 0"
        assert running.drafts == {drafted.id: "dropout stänger av neuroner"}
        repository.add_time(session_id, drafted.id, 12.0)
        assert repository.get_session(session_id).time_spent == {answered.id: 95.5, drafted.id: 12.0}
    finally:
        repository.close()
    engine = create_engine_for(empty_database_url)
    try:
        assert migrate.current(engine) == migrate.head_revision()
        migrate.downgrade(engine, "0009")
        assert migrate.current(engine) == "0009"
        assert "time_spent_s" not in _session_item_columns(engine)
    finally:
        engine.dispose()
    reopened = open_repository(empty_database_url)
    try:
        again = reopened.get_session(session_id)
        assert again.drafts == {drafted.id: "dropout stänger av neuroner"}, "a downgrade keeps the session"
        assert again.time_spent == {answered.id: 95.5}, "upgrading again starts from the answer's time"
    finally:
        reopened.close()
