"""Secrets every process on one database shares (the anonymous-grading key): made once, race-safe, kept
across machines with different data dirs, on SQLite and PostgreSQL; and the 0009 migration adding them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect
from sqlalchemy.orm import Session

import db.repository
from db import migrate
from db.engine import create_engine_for
from db.repository import Repository, open_repository
from quiz.context import AppContext
from quiz.settings import Settings
from quiz.teacher.anonymous import pseudonyms_for
from tests.db.old_rows import insert_row, schema_at

WHEN = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def test_a_secret_is_made_once_and_then_kept(repo: Repository) -> None:
    made: list[str] = []

    def make(value: str) -> str:
        made.append(value)
        return value

    assert repo.shared_secret("key", lambda: make("first")) == "first"
    assert repo.shared_secret("key", lambda: make("second")) == "first"
    assert repo.shared_secret("other", lambda: make("third")) == "third"
    assert made == ["first", "third"], "a stored secret is not made again"


def test_a_secret_stored_by_another_process_between_the_check_and_the_insert_wins(
    database_url: str, repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    other_process = open_repository(database_url)
    looked = db.repository._secret

    def look_then_lose_the_race(session: Session, name: str) -> str | None:
        found = looked(session, name)
        if found is None:
            monkeypatch.setattr(db.repository, "_secret", looked)
            assert other_process.shared_secret(name, lambda: "winner") == "winner"
        return found

    monkeypatch.setattr(db.repository, "_secret", look_then_lose_the_race)
    try:
        assert repo.shared_secret("key", lambda: "loser") == "winner"
        assert other_process.shared_secret("key", lambda: "later") == "winner"
    finally:
        other_process.close()


def test_two_data_dirs_on_one_database_see_the_same_pseudonyms(
    database_url: str, settings: Settings, tmp_path: Path
) -> None:
    """Two teachers' machines (each its own data dir) sharing one department database."""
    first = AppContext(settings.model_copy(update={"data_dir": tmp_path / "a", "database_url": database_url}))
    second = AppContext(
        settings.model_copy(update={"data_dir": tmp_path / "b", "database_url": database_url})
    )
    try:
        students = [first.repository.get_or_create_student(f"Student {n}", f"s{n}") for n in range(30)]
        seen_first = pseudonyms_for(first.repository, first.settings.data_dir)
        seen_second = pseudonyms_for(second.repository, second.settings.data_dir)

        for bank_id in ("bank-a", "bank-b"):
            assert seen_second.in_bank(bank_id) == seen_first.in_bank(bank_id)
            assert len({seen_first.name(student.id, bank_id) for student in students}) == 30
    finally:
        first.repository.close()
        second.repository.close()


def test_upgrade_from_0008_keeps_rows_and_adds_an_empty_secrets_table(empty_database_url: str) -> None:
    engine = create_engine_for(empty_database_url)
    try:
        tables = schema_at(engine, "0008")
        assert "app_secrets" not in inspect(engine).get_table_names()
        with engine.begin() as connection:
            student_id = insert_row(
                connection, tables["students"], name="Anna", is_default=False, created_at=WHEN
            )
    finally:
        engine.dispose()

    repository = open_repository(empty_database_url)
    try:
        assert [student.id for student in repository.list_students()] == [student_id]
        assert repository.shared_secret("key", lambda: "made after the upgrade") == "made after the upgrade"
    finally:
        repository.close()
    engine = create_engine_for(empty_database_url)
    try:
        assert migrate.current(engine) == migrate.head_revision()
        migrate.downgrade(engine, "0008")
        assert "app_secrets" not in inspect(engine).get_table_names()
        assert migrate.upgrade(engine) == migrate.head_revision()
    finally:
        engine.dispose()
    reopened = open_repository(empty_database_url)
    try:
        assert reopened.shared_secret("key", lambda: "made again") == "made again"
    finally:
        reopened.close()
