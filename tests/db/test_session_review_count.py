"""A session's review count (history's Review column, the results screen's "N waiting for teacher
review", `tenta history`) is the shared rule, AnswerDetail.waits_for_teacher: an answer the student
questioned ("I disagree") waits for the teacher as an uncertain grade does, until a teacher's override
decides it. Before, only uncertain grades were counted and a questioned answer's session read as final.
Runs on SQLite and PostgreSQL like every repository test."""

from __future__ import annotations

from db.repository import Repository
from question_bank.models import Bank
from tests.db.test_repository import grade


def test_a_regrade_request_counts_in_the_sessions_review_count_until_decided(
    repo: Repository, bank: Bank
) -> None:
    anna = repo.get_or_create_student("Anna")
    quiz = repo.start_session(anna.id, bank, bank.questions[:2], "exam")
    sure = repo.submit_answer(anna.id, bank, bank.questions[0], "glider", session_id=quiz.id)
    other = repo.submit_answer(anna.id, bank, bank.questions[1], "nollställer", session_id=quiz.id)
    repo.save_grade(sure.id, grade(1.0))
    repo.save_grade(other.id, grade(0.5))
    repo.finish_session(quiz.id)
    assert repo.history(student_id=anna.id)[0].needs_review_count == 0

    repo.request_regrade(sure.id, "Jag tog upp båda punkterna.", requested_by="Anna")
    assert repo.history(student_id=anna.id)[0].needs_review_count == 1
    assert repo.session_detail(quiz.id).summary.needs_review_count == 1

    repo.add_override(sure.id, 1.5, "Rätt, båda punkterna finns.", "Kim")
    assert repo.history(student_id=anna.id)[0].needs_review_count == 0
