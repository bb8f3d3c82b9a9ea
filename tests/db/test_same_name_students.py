"""Students who share a name stay apart: the external id identifies a student, a name never merges two.

Every test runs on a fresh SQLite file and on a real PostgreSQL server."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

import pytest
from sqlalchemy import exc, inspect, text

from db import migrate
from db.engine import create_engine_for
from db.records import NewGrade
from db.repository import AmbiguousStudentName, Repository, open_repository
from question_bank.models import Bank
from tests.db.banks import sample_bank
from tests.db.old_rows import (
    insert_question_snapshot,
    insert_row,
    insert_session,
    insert_session_item,
    schema_at,
)

ANNA = "Anna Öberg"
WHEN = datetime(2026, 1, 12, 9, 30, tzinfo=UTC)


def _grade(score: float) -> NewGrade:
    return NewGrade(
        score=score,
        max_points=2.0,
        points=[],
        feedback="",
        confidence=0.9,
        needs_review=False,
        flags=[],
        language="sv",
        grader_version="g1",
        model_id="m",
    )


def test_an_external_id_makes_two_same_name_students_two(repo: Repository) -> None:
    first = repo.get_or_create_student(ANNA, "anna.oberg@uni.se")
    second = repo.get_or_create_student(ANNA, "anna.oberg2@uni.se")

    assert first.id != second.id
    assert (second.name, second.external_id) == (ANNA, "anna.oberg2@uni.se")
    assert repo.get_or_create_student(ANNA, "anna.oberg@uni.se") == first
    assert repo.get_or_create_student(ANNA, " anna.oberg2@uni.se ") == second, "ids are trimmed"
    assert [(s.name, s.external_id) for s in repo.list_students()] == [
        (ANNA, "anna.oberg@uni.se"),
        (ANNA, "anna.oberg2@uni.se"),
    ]


def test_a_profile_made_by_name_takes_the_first_id_a_file_gives_it(repo: Repository) -> None:
    bo = repo.get_or_create_student("Bo")  # as the app's "New profile" makes it

    adopted = repo.get_or_create_student("Bo", "bo@uni.se")
    other_bo = repo.get_or_create_student("Bo", "bo.ek@uni.se")

    assert adopted.id == bo.id and adopted.external_id == "bo@uni.se"
    assert other_bo.id != bo.id, "a student who already has an id is never given a second one"
    assert repo.get_or_create_student("Bo", "bo@uni.se").id == bo.id


def test_a_name_several_students_share_is_refused_without_an_id_and_nothing_is_created(
    repo: Repository,
) -> None:
    first = repo.get_or_create_student(ANNA, "anna.oberg@uni.se")
    second = repo.get_or_create_student(ANNA, "anna.oberg2@uni.se")

    with pytest.raises(AmbiguousStudentName) as raised:
        repo.get_or_create_student(ANNA)

    message = raised.value.message
    assert ANNA in message and "anna.oberg@uni.se" in message and "anna.oberg2@uni.se" in message
    assert "student id or e-mail column" in message and "\n" not in message
    assert [candidate.id for candidate in raised.value.candidates] == [first.id, second.id]
    assert repo.list_students() == [first, second]
    with pytest.raises(AmbiguousStudentName, match="by their id instead"):
        repo.find_student(ANNA)
    assert repo.find_student("anna.oberg2@uni.se") == second


def test_a_name_alone_still_finds_the_one_student_of_that_name(repo: Repository) -> None:
    anna = repo.get_or_create_student(ANNA, "anna.oberg@uni.se")

    assert repo.get_or_create_student(ANNA) == anna
    assert repo.find_student(ANNA) == anna
    assert repo.get_or_create_student("anna öberg").id != anna.id, "case still tells names apart"


def test_names_compare_exactly_as_before_up_to_surrounding_space(repo: Repository) -> None:
    """Case and Unicode composition count (an NFD "Öberg" from a Mac file is another name), as they did
    when names were unique; the feedback export's file names keep such look-alikes apart."""
    anna = repo.get_or_create_student(ANNA)
    decomposed = unicodedata.normalize("NFD", ANNA)

    assert repo.get_or_create_student(f"  {ANNA}\t") == anna
    assert repo.get_or_create_student(decomposed).id != anna.id
    assert repo.find_student(f" {ANNA} ") == anna
    assert repo.get_or_create_student(f" {ANNA} ", "anna@uni.se").id == anna.id, "the id is recorded"


def test_two_students_without_an_id_cannot_share_a_name_even_behind_the_repository(database_url: str) -> None:
    """The partial unique index: a name alone always means one student, also with concurrent writers."""
    repository = open_repository(database_url)
    try:
        repository.get_or_create_student(ANNA)
    finally:
        repository.close()
    engine = create_engine_for(database_url)
    insert = text(
        "INSERT INTO students (name, external_id, is_default, created_at) VALUES (:name, :id, false, :at)"
    )
    try:
        with pytest.raises(exc.IntegrityError), engine.begin() as connection:
            connection.execute(insert, {"name": ANNA, "id": None, "at": WHEN})
        with engine.begin() as connection:
            connection.execute(insert, {"name": ANNA, "id": "anna.oberg3@uni.se", "at": WHEN})
    finally:
        engine.dispose()


def test_gradebook_and_exports_keep_same_name_students_apart(repo: Repository, bank: Bank) -> None:
    late = repo.get_or_create_student(ANNA, "b@uni.se")
    early = repo.get_or_create_student(ANNA, "a@uni.se")
    question = bank.questions[0]
    for student, text_, score in ((late, "kärnan glider", 2.0), (early, "vet inte", 0.0)):
        answer = repo.submit_answer(student.id, bank, question, text_)
        repo.save_grade(answer.id, _grade(score))

    book = repo.gradebook(bank.id)

    assert [(row.student_id, row.external_id, row.total) for row in book.rows] == [
        (early.id, "a@uni.se", 0.0),
        (late.id, "b@uni.se", 2.0),
    ]
    exported = {
        row.student_id: (row.student_external_id, row.text) for row in repo.answers_for_export(bank.id)
    }
    assert exported == {late.id: ("b@uni.se", "kärnan glider"), early.id: ("a@uni.se", "vet inte")}


def test_upgrade_from_0004_keeps_every_row_and_lets_names_repeat(empty_database_url: str) -> None:
    """A database written before names could repeat: rebuilding the students table (SQLite) must keep the
    rows that reference it, including those that would cascade (extra time, session items)."""
    engine = create_engine_for(empty_database_url)
    question = sample_bank().questions[0]
    try:
        tables = schema_at(engine, "0004")
        with engine.begin() as connection:
            anna_id = insert_row(connection, tables["students"], name=ANNA, is_default=False, created_at=WHEN)
            bo_id = insert_row(
                connection,
                tables["students"],
                name="Bo Ek",
                external_id="bo@uni.se",
                is_default=False,
                created_at=WHEN,
            )
            insert_row(connection, tables["extra_time"], student_id=anna_id, percent=25.0, updated_at=WHEN)
            session_id = insert_session(connection, tables, anna_id, WHEN, mode="exam")
            snapshot_id = insert_question_snapshot(connection, tables, question, WHEN)
            insert_session_item(connection, tables, session_id, question, snapshot_id)
            answer_id = insert_row(
                connection,
                tables["answers"],
                student_id=anna_id,
                session_id=session_id,
                snapshot_id=snapshot_id,
                bank_id="dl-test",
                question_id=question.id,
                text="kärnan glider",
                submitted_at=WHEN,
                source="quiz",
                regrade_pending=False,
                regrade_requested=False,
            )
    finally:
        engine.dispose()

    repository = open_repository(empty_database_url)
    try:
        assert [(s.id, s.name, s.external_id) for s in repository.list_students()] == [
            (anna_id, ANNA, None),
            (bo_id, "Bo Ek", "bo@uni.se"),
        ]
        extra = repository.extra_time_for(anna_id, "dl-test")
        assert extra is not None and extra.percent == 25.0
        running = repository.get_session(session_id)
        assert running.student_id == anna_id and running.question_ids == [question.id]
        assert repository.get_answer(answer_id).answer.student_id == anna_id
        assert repository.get_or_create_student(ANNA, "anna@uni.se").id == anna_id, "adopts the old row"
        second = repository.get_or_create_student(ANNA, "anna2@uni.se")
        assert second.id not in (anna_id, bo_id)
        assert repository.get_or_create_student("Bo Ek").id == bo_id
        assert repository.get_or_create_student("Bo Ek", "bo.ek@uni.se").id not in (anna_id, bo_id)
    finally:
        repository.close()
    engine = create_engine_for(empty_database_url)
    try:
        assert migrate.current(engine) == migrate.head_revision()
        names = {index["name"] for index in inspect(engine).get_indexes("students")}
        assert {"ix_students_name", "uq_students_name_without_external_id"} <= names
    finally:
        engine.dispose()


def test_downgrade_to_0004_restores_unique_names_and_keeps_the_rows(empty_database_url: str) -> None:
    repository = open_repository(empty_database_url)
    try:
        anna = repository.get_or_create_student(ANNA, "anna@uni.se")
        repository.set_extra_time(anna.id, percent=50)
    finally:
        repository.close()
    engine = create_engine_for(empty_database_url)
    try:
        migrate.downgrade(engine, "0004")
        assert migrate.current(engine) == "0004"
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM extra_time")).scalar_one() == 1
        migrate.upgrade(engine)
        assert migrate.current(engine) == migrate.head_revision()
    finally:
        engine.dispose()
