"""A quiz without a terminal: question choice per mode, drafts and resume, and the store-before-grade rule."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from db.records import NewGrade, SessionStatus
from db.repository import Repository
from question_bank.errors import TentaError
from question_bank.models import Bank
from quiz import scheduling
from quiz.context import AppContext
from quiz.grading_service import GradingFailedError
from quiz.modes import QuizMode
from quiz.session import ItemState, QuizRequest, resume_quiz, start_quiz
from tests.quiz.conftest import NOW


def _request(student_id: int, mode: QuizMode, count: int | None = None) -> QuizRequest:
    return QuizRequest(student_id=student_id, bank_id="dl-course", mode=mode, count=count)


def _store_grade(repository: Repository, answer_id: int, score: float, max_points: float) -> None:
    repository.save_grade(
        answer_id,
        NewGrade(score=score, max_points=max_points, confidence=0.9, grader_version="test", model_id="none"),
    )


def test_full_exam_asks_every_question_in_exam_order(ctx: AppContext, bank: Bank, student_id: int) -> None:
    quiz = start_quiz(ctx, _request(student_id, QuizMode.FULL), now=NOW, rng=random.Random(0))
    assert [question.number for question in quiz.questions] == list(range(1, len(bank.questions) + 1))
    assert ctx.repository.get_session(quiz.session_id).question_ids == [
        question.id for question in quiz.questions
    ]


def test_practice_draws_n_distinct_questions_reproducibly(ctx: AppContext, student_id: int) -> None:
    first = start_quiz(ctx, _request(student_id, QuizMode.PRACTICE, 4), now=NOW, rng=random.Random(7))
    second = start_quiz(ctx, _request(student_id, QuizMode.PRACTICE, 4), now=NOW, rng=random.Random(7))
    ids = [question.id for question in first.questions]
    assert len(ids) == len(set(ids)) == 4
    assert ids == [question.id for question in second.questions]
    assert ctx.repository.get_session(first.session_id).status is SessionStatus.ABANDONED


def test_due_mode_asks_due_reviews_before_new_questions(ctx: AppContext, bank: Bank, student_id: int) -> None:
    reviewed = bank.questions[5].id
    scheduling.review(
        ctx.repository, student_id=student_id, bank_id=bank.id, question_id=reviewed, fraction=0.0, now=NOW
    )
    quiz = start_quiz(ctx, _request(student_id, QuizMode.DUE, 3), now=NOW, rng=random.Random(0))
    assert [question.id for question in quiz.questions] == [
        reviewed,
        bank.questions[0].id,
        bank.questions[1].id,
    ]


def test_due_mode_with_nothing_due_says_so(ctx: AppContext, bank: Bank, student_id: int) -> None:
    for question in bank.questions:
        scheduling.review(
            ctx.repository,
            student_id=student_id,
            bank_id=bank.id,
            question_id=question.id,
            fraction=1.0,
            now=NOW,
        )
    with pytest.raises(TentaError, match="Nothing to ask"):
        start_quiz(ctx, _request(student_id, QuizMode.DUE), now=NOW, rng=random.Random(0))


def test_weakest_mode_starts_with_the_weakest_topic(ctx: AppContext, bank: Bank, student_id: int) -> None:
    quiz = start_quiz(ctx, _request(student_id, QuizMode.FULL), now=NOW, rng=random.Random(0))
    weak_question = next(question for question in bank.questions if question.topics)
    for question in bank.questions:
        quiz.go_to(quiz.questions.index(question))
        answer = quiz.submit("an answer", now=NOW)
        fraction = 0.1 if question.id == weak_question.id else 0.9
        _store_grade(ctx.repository, answer.id, fraction * question.max_points, question.max_points)
    weakest = start_quiz(ctx, _request(student_id, QuizMode.WEAKEST, 3), now=NOW, rng=random.Random(0))
    assert weakest.questions[0].id == weak_question.id
    assert len(weakest.questions) == 3


def test_draft_and_position_survive_a_resume(ctx: AppContext, student_id: int) -> None:
    quiz = start_quiz(ctx, _request(student_id, QuizMode.FULL), now=NOW, rng=random.Random(0))
    quiz.go_to(2)
    quiz.save_draft("Parametrar lärs in under träningen,")
    resumed = resume_quiz(AppContext(ctx.settings), quiz.session_id)
    assert resumed.position == 2
    assert resumed.current.id == quiz.questions[2].id
    assert resumed.draft() == "Parametrar lärs in under träningen,"


def test_resume_restores_submitted_answers(ctx: AppContext, student_id: int) -> None:
    quiz = start_quiz(ctx, _request(student_id, QuizMode.FULL), now=NOW, rng=random.Random(0))
    answer = quiz.submit("Keras is part of TensorFlow.", now=NOW)
    resumed = resume_quiz(ctx, quiz.session_id)
    assert resumed.answer_for(quiz.questions[0]) == answer


def test_finished_session_cannot_be_resumed(ctx: AppContext, student_id: int) -> None:
    quiz = start_quiz(ctx, _request(student_id, QuizMode.FULL), now=NOW, rng=random.Random(0))
    quiz.finish(now=NOW)
    with pytest.raises(TentaError, match="finished"):
        resume_quiz(ctx, quiz.session_id)


class _BrokenGrader:
    """A grader whose model crashed: the answer must survive it."""

    def grade_many(self, requests: object) -> object:
        raise RuntimeError("model file is corrupt")


def test_answer_is_stored_before_grading_and_kept_when_grading_fails(
    ctx: AppContext, student_id: int
) -> None:
    quiz = start_quiz(ctx, _request(student_id, QuizMode.FULL), now=NOW, rng=random.Random(0))
    ctx.__dict__["grader"] = _BrokenGrader()
    answer = quiz.submit("Deep learning is a subset of machine learning.", now=NOW)
    assert [stored.id for stored in ctx.repository.ungraded_answers("dl-course")] == [answer.id]
    with pytest.raises(GradingFailedError, match="model file is corrupt"):
        quiz.grade(answer, now=NOW)
    assert [stored.id for stored in ctx.repository.ungraded_answers("dl-course")] == [answer.id]
    assert (
        ctx.repository.get_answer(answer.id).answer.text == "Deep learning is a subset of machine learning."
    )
    _summary, items = quiz.results()
    assert items[0].status == "failed"
    assert items[1].status == "skipped"


def _timed_bank(ctx: AppContext, bank: Bank, minutes: float) -> str:
    timed = bank.model_copy(update={"id": "dl-timed", "time_limit_minutes": minutes})
    ctx.catalog.install(Bank.model_validate(timed.model_dump()))
    return timed.id


def test_full_exam_of_a_timed_bank_has_a_deadline_and_practice_has_none(
    ctx: AppContext, bank: Bank, student_id: int
) -> None:
    bank_id = _timed_bank(ctx, bank, 90)
    exam = start_quiz(
        ctx,
        QuizRequest(student_id=student_id, bank_id=bank_id, mode=QuizMode.FULL),
        now=NOW,
        rng=random.Random(0),
    )
    assert exam.deadline == NOW + timedelta(minutes=90)
    assert exam.seconds_left(NOW + timedelta(minutes=30)) == 60 * 60
    assert exam.seconds_left(NOW + timedelta(hours=3)) == 0
    assert resume_quiz(AppContext(ctx.settings), exam.session_id).deadline == exam.deadline
    practice = start_quiz(
        ctx,
        QuizRequest(student_id=student_id, bank_id=bank_id, mode=QuizMode.PRACTICE),
        now=NOW,
        rng=random.Random(0),
    )
    assert practice.deadline is None and practice.seconds_left(NOW) is None and not practice.time_is_up(NOW)


def test_time_out_hands_in_typed_answers_at_the_deadline(
    ctx: AppContext, bank: Bank, student_id: int
) -> None:
    """What was typed in time counts, as given at the deadline, even when the student comes back later;
    nothing typed after it is accepted."""
    bank_id = _timed_bank(ctx, bank, 60)
    exam = start_quiz(
        ctx,
        QuizRequest(student_id=student_id, bank_id=bank_id, mode=QuizMode.FULL),
        now=NOW,
        rng=random.Random(0),
    )
    first = exam.submit("AI ⊃ ML ⊃ DL", now=NOW + timedelta(minutes=5))
    exam.go_to(0)
    exam.save_draft("AI ⊃ ML ⊃ DL")  # unchanged since it was submitted
    exam.go_to(1)
    exam.save_draft("Keras är TensorFlows högnivå-API")
    exam.go_to(2)
    exam.save_draft("Parametrar lärs in under träningen")
    exam.go_to(3)
    exam.save_draft("   ")
    late = NOW + timedelta(hours=2)
    assert exam.time_is_up(late)
    with pytest.raises(TentaError, match="Time is up"):
        exam.submit("Hyperparametrar väljs innan träningen", now=late)
    back = resume_quiz(AppContext(ctx.settings), exam.session_id)
    handed_in = back.hand_in(now=late)
    assert [answer.question_id for answer in handed_in] == [back.questions[1].id, back.questions[2].id]
    assert all(answer.submitted_at == NOW + timedelta(hours=1) for answer in handed_in)
    stored = ctx.repository.get_session(exam.session_id)
    assert stored.status is SessionStatus.FINISHED
    assert stored.answer_ids[back.questions[0].id] == first.id
    assert back.hand_in(now=late) == []


def test_finishing_hands_in_typed_and_edited_answers_once(ctx: AppContext, student_id: int) -> None:
    quiz = start_quiz(ctx, _request(student_id, QuizMode.FULL), now=NOW, rng=random.Random(0))
    quiz.submit("Keras is part of TensorFlow.", now=NOW)  # 1: submitted, then left as it is
    quiz.go_to(1)
    quiz.submit("Weights are learned.", now=NOW)
    quiz.save_draft("Weights are learned; the learning rate is chosen.")  # 2: edited after submitting
    quiz.go_to(2)
    quiz.save_draft("Training, validation and test data.")  # 3: typed only
    quiz.go_to(3)
    quiz.save_draft("   ")  # 4: whitespace counts as not answered
    resumed = resume_quiz(ctx, quiz.session_id)  # the states come from what is stored
    states = [item.state for item in resumed.summary()]
    assert states[:4] == [ItemState.SUBMITTED, ItemState.CHANGED, ItemState.DRAFT, ItemState.NOT_ANSWERED]
    assert set(states[4:]) == {ItemState.NOT_ANSWERED}
    handed_in = resumed.hand_in(now=NOW + timedelta(minutes=5))
    assert [answer.text for answer in handed_in] == [
        "Weights are learned; the learning rate is chosen.",
        "Training, validation and test data.",
    ]
    assert ctx.repository.get_session(quiz.session_id).status is SessionStatus.FINISHED
    latest = {answer.question_id: answer.text for answer in ctx.repository.ungraded_answers("dl-course")}
    assert latest[quiz.questions[1].id] == "Weights are learned; the learning rate is chosen."
    assert [item.state for item in resumed.summary()][:3] == [ItemState.SUBMITTED] * 3
