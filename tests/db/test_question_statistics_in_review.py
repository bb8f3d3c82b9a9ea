"""Question statistics count the answers waiting for the teacher by the one rule the gradebook exports hold
grades by (AnswerDetail.waits_for_teacher): a regrade request counts as well as an uncertain grade, and
a teacher's override, which answers either, releases it. Runs on SQLite and PostgreSQL like every
repository test."""

from __future__ import annotations

from db.repository import Repository
from question_bank.models import Bank
from tests.db.test_repository import grade


def test_a_regrade_request_counts_as_waiting_until_the_teacher_decides(repo: Repository, bank: Bank) -> None:
    question = bank.questions[0]
    asking = repo.submit_answer(repo.get_or_create_student("Bo Ek").id, bank, question, "kärnan")
    unsure = repo.submit_answer(repo.get_or_create_student("Fia Lund").id, bank, question, "filter")
    settled = repo.submit_answer(repo.get_or_create_student("Anna Lind").id, bank, question, "faltning")
    repo.save_grade(asking.id, grade(1.0))
    repo.save_grade(unsure.id, grade(1.0, needs_review=True))
    repo.save_grade(settled.id, grade(2.0))
    repo.request_regrade(asking.id, "Jag nämnde båda punkterna.", requested_by="Bo")

    stats = next(item for item in repo.question_statistics(bank.id) if item.question_id == question.id)

    assert stats.needs_review == 2  # before: 1, the regrade request not counted

    repo.add_override(asking.id, 1.5, "", "Kim")
    repo.add_override(unsure.id, 1.0, "", "Kim")
    stats = next(item for item in repo.question_statistics(bank.id) if item.question_id == question.id)

    assert stats.needs_review == 0
