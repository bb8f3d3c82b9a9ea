"""Extra time on timed exams (accommodations) in the database: SQLite and PostgreSQL, and the upgrade from
schema 0003 of a database that already holds students and a running timed exam."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import exc, insert, inspect

from db import migrate
from db.engine import create_engine_for
from db.models import ExtraTime
from db.records import ExtraTimeRecord
from db.repository import RecordNotFound, Repository, open_repository
from question_bank.errors import TentaError
from tests.db.old_rows import insert_row, insert_session, schema_at

WHEN = datetime(2025, 5, 12, 8, 0, tzinfo=UTC)


def test_percent_or_minutes_for_all_banks_or_one_bank_and_the_bank_setting_wins(repo: Repository) -> None:
    anna, bo = repo.get_or_create_student("Anna"), repo.get_or_create_student("Bo")
    assert repo.extra_time_for(anna.id, "dl-timed") is None
    everywhere = repo.set_extra_time(anna.id, percent=25)
    assert (everywhere.bank_id, everywhere.percent, everywhere.minutes) == (None, 25.0, None)
    assert repo.extra_time_for(anna.id, "dl-timed") == everywhere
    assert repo.extra_time_for(bo.id, "dl-timed") is None, "one student's setting is not another's"

    own_bank = repo.set_extra_time(anna.id, "dl-timed", minutes=10)
    assert repo.extra_time_for(anna.id, "dl-timed") == own_bank, (
        "the bank's own setting wins, even when shorter"
    )
    assert repo.extra_time_for(anna.id, "other-bank") == everywhere

    replaced = repo.set_extra_time(anna.id, percent=50)
    assert (replaced.percent, replaced.minutes) == (50.0, None)
    assert [(s.student_name, s.bank_id, s.amount) for s in repo.extra_time_settings()] == [
        ("Anna", None, "50 %"),
        ("Anna", "dl-timed", "10 min"),
    ], "one setting per student and scope: setting again replaces"
    switched = repo.set_extra_time(anna.id, "dl-timed", percent=12.5)
    assert (switched.percent, switched.minutes) == (12.5, None)

    repo.set_extra_time(bo.id, "dl-timed", minutes=30)
    assert [s.student_name for s in repo.extra_time_settings()] == ["Anna", "Anna", "Bo"]
    assert [s.bank_id for s in repo.extra_time_settings(bo.id)] == ["dl-timed"]

    removed = repo.clear_extra_time(anna.id, "dl-timed")
    assert removed is not None and removed.percent == 12.5
    assert repo.extra_time_for(anna.id, "dl-timed") == replaced, "back to the all-banks setting"
    assert repo.clear_extra_time(anna.id, "dl-timed") is None
    assert repo.clear_extra_time(anna.id) is not None
    assert repo.extra_time_for(anna.id, "dl-timed") is None


@pytest.mark.parametrize(
    ("percent", "minutes", "message"),
    [
        (-5.0, None, "extra time -5 % is outside 0-400 %"),
        (0.0, None, "extra time 0 % is outside 0-400 %"),
        (400.5, None, "extra time 400.5 % is outside 0-400 %"),
        (float("nan"), None, "extra time nan % is outside"),
        (None, -15.0, "extra time -15 min is outside 0-1440 min"),
        (None, 2000.0, "extra time 2000 min is outside 0-1440 min"),
        (None, None, "exactly one of them"),
        (25.0, 10.0, "exactly one of them"),
    ],
)
def test_bad_amounts_are_refused_naming_the_value_and_nothing_is_stored(
    repo: Repository, percent: float | None, minutes: float | None, message: str
) -> None:
    anna = repo.get_or_create_student("Anna")
    with pytest.raises(TentaError) as raised:
        repo.set_extra_time(anna.id, percent=percent, minutes=minutes)
    assert message in raised.value.message
    assert repo.extra_time_settings() == []


def test_unknown_student_and_blank_bank_are_refused(repo: Repository) -> None:
    with pytest.raises(RecordNotFound, match="no student with id 42"):
        repo.set_extra_time(42, percent=25)
    anna = repo.get_or_create_student("Anna")
    with pytest.raises(TentaError, match="needs the bank's id"):
        repo.set_extra_time(anna.id, "  ", percent=25)
    assert repo.extra_time_settings() == []


def test_400_percent_and_a_day_are_the_largest_allowed(repo: Repository) -> None:
    anna = repo.get_or_create_student("Anna")
    most = repo.set_extra_time(anna.id, percent=400)
    assert most.extended_minutes(60) == 300 and most.describe(60) == "60 min + 400 % = 300 min"
    day = repo.set_extra_time(anna.id, "dl-timed", minutes=1440)
    assert day.describe(90) == "90 min + 1440 min = 1530 min"


def test_describe_shows_the_arithmetic() -> None:
    quarter = ExtraTimeRecord(student_id=1, student_name="A", bank_id=None, percent=25, updated_at=WHEN)
    assert quarter.describe(60) == "60 min + 25 % = 75 min"
    assert quarter.describe(45) == "45 min + 25 % = 56.2 min"
    fixed = ExtraTimeRecord(student_id=1, student_name="A", bank_id="b", minutes=7.5, updated_at=WHEN)
    assert fixed.extended_minutes(30) == 37.5 and fixed.describe(30) == "30 min + 7.5 min = 37.5 min"


def test_upgrade_from_0003_keeps_students_and_a_running_exam_and_adds_extra_time(
    empty_database_url: str,
) -> None:
    """A database written by the tenta before accommodations: everything stays, extra time starts empty."""
    engine = create_engine_for(empty_database_url)
    deadline = WHEN + timedelta(minutes=60)
    try:
        tables = schema_at(engine, "0003")
        assert migrate.current(engine) == "0003"
        assert "extra_time" not in inspect(engine).get_table_names()
        with engine.begin() as connection:
            anna_id = insert_row(
                connection, tables["students"], name="Anna", is_default=False, created_at=WHEN
            )
            session_id = insert_session(
                connection, tables, anna_id, WHEN, mode="full", bank_id="dl-timed", deadline=deadline
            )
    finally:
        engine.dispose()

    repository = open_repository(empty_database_url)
    try:
        (anna,) = repository.list_students()
        assert (anna.id, anna.name) == (anna_id, "Anna")
        running = repository.get_session(session_id)
        assert running.deadline == deadline and running.student_id == anna_id
        assert repository.extra_time_settings() == []
        setting = repository.set_extra_time(anna_id, "dl-timed", percent=50)
        assert repository.extra_time_for(anna_id, "dl-timed") == setting
        assert repository.get_session(session_id).deadline == deadline, "a running exam keeps its deadline"
    finally:
        repository.close()
    engine = create_engine_for(empty_database_url)
    try:
        assert migrate.current(engine) == migrate.head_revision()
        migrate.downgrade(engine, "0003")
        assert "extra_time" not in inspect(engine).get_table_names()
        assert migrate.current(engine) == "0003"
    finally:
        engine.dispose()


def test_one_all_banks_setting_per_student_even_when_written_behind_the_repository(
    database_url: str,
) -> None:
    """NULL bank ids never clash in a unique constraint; the partial index keeps "all banks" single."""
    repository = open_repository(database_url)
    try:
        anna = repository.get_or_create_student("Anna")
        repository.set_extra_time(anna.id, percent=25)
    finally:
        repository.close()
    engine = create_engine_for(database_url)
    try:
        with pytest.raises(exc.IntegrityError), engine.begin() as connection:
            connection.execute(
                insert(ExtraTime).values(student_id=anna.id, bank_id=None, minutes=5.0, updated_at=WHEN)
            )
        with pytest.raises(exc.IntegrityError), engine.begin() as connection:
            connection.execute(
                insert(ExtraTime).values(
                    student_id=anna.id, bank_id="b", percent=5.0, minutes=5.0, updated_at=WHEN
                )
            )
    finally:
        engine.dispose()
