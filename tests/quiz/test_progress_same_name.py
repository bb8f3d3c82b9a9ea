"""A student's progress is theirs alone, even when another student has the same name."""

from __future__ import annotations

from question_bank.models import Bank
from quiz import progress
from quiz.context import AppContext
from tests.practice import fixed_grade


def test_progress_of_one_anna_leaves_out_the_other_annas_answers(ctx: AppContext, bank: Bank) -> None:
    repository = ctx.repository
    mine = repository.get_or_create_student("Anna Öberg", "anna.oberg@uni.se")
    namesake = repository.get_or_create_student("Anna Öberg", "anna.oberg2@uni.se")
    question = bank.questions[0]
    for student, fraction in ((mine, 0.25), (namesake, 1.0)):
        answer = repository.submit_answer(student.id, bank, question, "svar", source="import")
        repository.save_grade(answer.id, fixed_grade(question, fraction))

    answers = progress.student_answers(repository, mine.id, bank.id)

    assert [(answer.question_id, answer.fraction) for answer in answers] == [(question.id, 0.25)]
