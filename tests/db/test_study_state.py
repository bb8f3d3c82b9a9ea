"""A session's topics, flags in a session's detail, suspended questions and leech state on review cards,
stored on SQLite and PostgreSQL, and the 0008 migration that adds them to a database written by 0007."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Connection, Table, inspect

from db import migrate
from db.engine import create_engine_for
from db.records import ReviewCardRecord, ReviewLogEntry, SuspensionReason
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


def test_a_session_keeps_the_topics_its_questions_were_chosen_from(repo: Repository, bank: Bank) -> None:
    student = repo.get_or_create_student("Anna")
    chosen = repo.start_session(
        student.id, bank, bank.questions[:2], "practice", topics=["CNN", "regularisation"]
    )
    assert chosen.topics == ["CNN", "regularisation"]
    resumed = repo.resumable_session(student.id, bank.id)
    assert resumed is not None and resumed.topics == ["CNN", "regularisation"]
    repo.finish_session(chosen.id)
    whole = repo.start_session(student.id, bank, bank.questions, "full")
    assert whole.topics == []
    assert [(s.session_id, s.topics) for s in repo.history(student_id=student.id)] == [
        (whole.id, []),
        (chosen.id, ["CNN", "regularisation"]),
    ]
    assert repo.session_detail(chosen.id).summary.topics == ["CNN", "regularisation"]


def test_session_detail_says_which_questions_were_flagged(repo: Repository, bank: Bank) -> None:
    student = repo.get_or_create_student("Anna")
    quiz = repo.start_session(student.id, bank, bank.questions, "full")
    repo.set_flag(quiz.id, "dropout", True)
    repo.finish_session(quiz.id)
    items = repo.session_detail(quiz.id).items
    assert [(item.question_id, item.flagged) for item in items] == [
        ("conv", False),
        ("dropout", True),
        ("relu", False),
    ]


def test_suspend_and_unsuspend_per_student_and_bank(repo: Repository, bank: Bank) -> None:
    anna = repo.get_or_create_student("Anna")
    olle = repo.get_or_create_student("Olle")
    assert repo.suspended_questions(anna.id, bank.id) == []
    first = repo.suspend_question(anna.id, bank.id, "dropout")
    assert (first.question_id, first.reason) == ("dropout", SuspensionReason.MANUAL)
    again = repo.suspend_question(anna.id, bank.id, "dropout", SuspensionReason.LEECH)
    assert again == first, "suspending twice keeps the first suspension"
    repo.suspend_question(anna.id, bank.id, "conv")
    assert [s.question_id for s in repo.suspended_questions(anna.id, bank.id)] == ["dropout", "conv"]
    assert repo.suspended_questions(olle.id, bank.id) == []
    assert repo.suspended_questions(anna.id, "other-bank") == []
    removed = repo.unsuspend_question(anna.id, bank.id, "dropout")
    assert removed is not None and removed.question_id == "dropout"
    assert repo.unsuspend_question(anna.id, bank.id, "dropout") is None
    assert [s.question_id for s in repo.suspended_questions(anna.id, bank.id)] == ["conv"]


def test_suspending_needs_a_known_student_and_a_question_id(repo: Repository, bank: Bank) -> None:
    with pytest.raises(TentaError, match="no student with id 999"):
        repo.suspend_question(999, bank.id, "conv")
    student = repo.get_or_create_student("Anna")
    with pytest.raises(TentaError, match="needs the question's id"):
        repo.suspend_question(student.id, bank.id, " ")


def test_a_card_keeps_lapses_and_leech_and_a_leech_is_suspended_with_its_review(
    repo: Repository, bank: Bank
) -> None:
    student = repo.get_or_create_student("Anna")
    card = ReviewCardRecord(
        student_id=student.id, bank_id=bank.id, question_id="conv", state=3, step=0, due=WHEN, lapses=7
    )
    stored = repo.save_review_card(card, ReviewLogEntry(rating=1, reviewed_at=WHEN))
    assert (stored.lapses, stored.leech) == (7, False)
    assert repo.suspended_questions(student.id, bank.id) == []
    leech = card.model_copy(update={"lapses": 8, "leech": True, "due": WHEN + timedelta(minutes=10)})
    repo.save_review_card(leech, ReviewLogEntry(rating=1, reviewed_at=WHEN), suspend_as_leech=True)
    saved = repo.get_review_card(student.id, bank.id, "conv")
    assert saved is not None and (saved.lapses, saved.leech) == (8, True)
    (suspension,) = repo.suspended_questions(student.id, bank.id)
    assert (suspension.question_id, suspension.reason) == ("conv", SuspensionReason.LEECH)
    assert len(repo.review_logs(student.id, bank.id)) == 2


def _card_with_reviews(
    connection: Connection, tables: Mapping[str, Table], student_id: int, ratings: list[int]
) -> int:
    """A card in review with these ratings in its log, a day apart."""
    card_id = insert_row(
        connection,
        tables["review_cards"],
        student_id=student_id,
        bank_id="dl-test",
        question_id=f"q{len(ratings)}",
        state=2,
        step=None,
        stability=3.0,
        difficulty=5.0,
        due=WHEN,
        last_review=WHEN,
    )
    for index, rating in enumerate(ratings):
        insert_row(
            connection,
            tables["review_logs"],
            card_id=card_id,
            rating=rating,
            reviewed_at=WHEN + timedelta(days=index),
        )
    return card_id


def test_upgrade_from_0007_keeps_sessions_and_counts_the_lapses_of_existing_cards(
    empty_database_url: str, bank: Bank
) -> None:
    engine = create_engine_for(empty_database_url)
    question = bank.questions[0]
    try:
        tables = schema_at(engine, "0007")
        assert migrate.current(engine) == "0007"
        assert "suspended_questions" not in inspect(engine).get_table_names()
        with engine.begin() as connection:
            student_id = insert_row(
                connection, tables["students"], name="Anna", is_default=False, created_at=WHEN
            )
            snapshot_id = insert_question_snapshot(connection, tables, question, WHEN)
            session_id = insert_session(connection, tables, student_id, WHEN, mode="practice")
            insert_session_item(connection, tables, session_id, question, snapshot_id, flagged=True)
            # Good, Good: learnt; Again: lapse; Good: relearnt; Again: lapse; Again, Hard, Easy: relearning.
            lapsed_twice = _card_with_reviews(connection, tables, student_id, [3, 3, 1, 3, 1, 1, 2, 4])
            # Again in learning is no lapse; Easy learns at once; Good in review keeps it.
            never_lapsed = _card_with_reviews(connection, tables, student_id, [1, 1, 4, 3])
    finally:
        engine.dispose()

    repository = open_repository(empty_database_url)
    try:
        running = repository.get_session(session_id)
        assert running.topics == [] and running.flagged == [question.id]
        cards = {card.id: card for card in repository.review_cards(student_id, "dl-test")}
        assert (cards[lapsed_twice].lapses, cards[lapsed_twice].leech) == (2, False)
        assert (cards[never_lapsed].lapses, cards[never_lapsed].leech) == (0, False)
        assert repository.suspended_questions(student_id, "dl-test") == []
        repository.suspend_question(student_id, "dl-test", question.id)
        assert [s.question_id for s in repository.suspended_questions(student_id, "dl-test")] == [question.id]
    finally:
        repository.close()
    engine = create_engine_for(empty_database_url)
    try:
        assert migrate.current(engine) == migrate.head_revision()
        migrate.downgrade(engine, "0007")
        assert migrate.current(engine) == "0007"
        assert "suspended_questions" not in inspect(engine).get_table_names()
        assert "lapses" not in {column["name"] for column in inspect(engine).get_columns("review_cards")}
    finally:
        engine.dispose()
    reopened = open_repository(empty_database_url)
    try:
        assert reopened.get_session(session_id).flagged == [question.id], "a downgrade keeps the session"
        lapses = {card.id: card.lapses for card in reopened.review_cards(student_id, "dl-test")}
        assert lapses == {lapsed_twice: 2, never_lapsed: 0}, "upgrading again counts them again"
    finally:
        reopened.close()
