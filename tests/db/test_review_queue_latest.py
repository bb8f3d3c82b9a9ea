"""The review queue holds the answer the gradebook counts: a student's latest to each question (runs on
SQLite and PostgreSQL, like every repository test)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from db.repository import Repository
from question_bank.models import Bank
from tests.db.test_repository import grade

EXAM_START = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def test_an_uncertain_grade_of_an_attempt_answered_again_leaves_the_queue(
    repo: Repository, bank: Bank
) -> None:
    """Helper 75: a student who submitted twice had both attempts in `tenta review`, the first one
    superseded by the second, which is the one the gradebook counts."""
    bjorn = repo.get_or_create_student("Björn Johansson")
    anna = repo.get_or_create_student("Anna Lind")
    question = bank.questions[0]
    first = repo.submit_answer(bjorn.id, bank, question, "kärnan", submitted_at=EXAM_START)
    second = repo.submit_answer(
        bjorn.id, bank, question, "kärnan glider över bilden", submitted_at=EXAM_START + timedelta(minutes=5)
    )
    annas = repo.submit_answer(anna.id, bank, question, "filter", submitted_at=EXAM_START)
    for answer in (first, second, annas):
        repo.save_grade(answer.id, grade(1.0, needs_review=True))
    assert [detail.answer.id for detail in repo.review_queue(bank.id)] == [annas.id, second.id]
    assert [detail.answer.id for detail in repo.review_queue()] == [annas.id, second.id]


def test_a_regrade_request_on_an_earlier_attempt_stays_in_the_queue(repo: Repository, bank: Bank) -> None:
    student = repo.get_or_create_student("Björn Johansson")
    question = bank.questions[0]
    first = repo.submit_answer(student.id, bank, question, "kärnan", submitted_at=EXAM_START)
    second = repo.submit_answer(
        student.id, bank, question, "kärnan glider", submitted_at=EXAM_START + timedelta(minutes=5)
    )
    repo.save_grade(first.id, grade(0.5))
    repo.save_grade(second.id, grade(1.0))
    repo.request_regrade(first.id, "Jag menade samma sak första gången.", requested_by="Björn")
    assert [detail.answer.id for detail in repo.review_queue(bank.id)] == [first.id]


def test_the_latest_answer_to_another_question_does_not_hide_this_one(repo: Repository, bank: Bank) -> None:
    student = repo.get_or_create_student("Anna Lind")
    flagged = repo.submit_answer(student.id, bank, bank.questions[0], "filter", submitted_at=EXAM_START)
    later = repo.submit_answer(
        student.id, bank, bank.questions[1], "ett svar", submitted_at=EXAM_START + timedelta(minutes=5)
    )
    repo.save_grade(flagged.id, grade(1.0, needs_review=True))
    repo.save_grade(later.id, grade(1.0))
    assert [detail.answer.id for detail in repo.review_queue(bank.id)] == [flagged.id]
