"""The time spent on a question is stored with the session (session_items.time_spent_s), so a quiz paused
(or quit) and resumed hands its answers in with the time of every sitting, not only the last one; a timed
exam resumed after its deadline used to show 00:00 in its results."""

from __future__ import annotations

import random
from datetime import timedelta

from quiz.context import AppContext
from quiz.modes import QuizMode
from quiz.session import QuizRequest, resume_quiz, start_quiz
from tests.quiz.conftest import NOW


def test_time_spent_before_a_pause_counts_after_the_resume(ctx: AppContext, student_id: int) -> None:
    request = QuizRequest(student_id=student_id, bank_id="dl-course", mode=QuizMode.FULL)
    quiz = start_quiz(ctx, request, now=NOW, rng=random.Random(0))
    quiz.save_draft("Maskininlärning är en del av AI.")
    quiz.add_time(180.0)  # three minutes on the first question, then escape (or ctrl+q)

    resumed = resume_quiz(ctx, quiz.session_id)
    (answer,) = resumed.hand_in(now=NOW + timedelta(minutes=40))

    assert answer.time_taken_s == 180.0


def test_every_sitting_adds_to_its_own_question(ctx: AppContext, student_id: int) -> None:
    """Three sittings on two questions: each answer carries the sum of its own question's time, and the
    resumed quiz's clock starts from all of it."""
    request = QuizRequest(student_id=student_id, bank_id="dl-course", mode=QuizMode.FULL)
    first = start_quiz(ctx, request, now=NOW, rng=random.Random(0))
    first.save_draft("AI ⊃ ML ⊃ DL")
    first.add_time(70.5)
    first.go_to(1)
    first.add_time(30.0)

    second = resume_quiz(ctx, first.session_id)
    assert second.position == 1 and second.elapsed_seconds() == 100.5
    second.save_draft("Keras är TensorFlows API på hög nivå.")
    second.add_time(45.0)
    second.go_to(0)
    second.add_time(-5.0)  # a clock set back between two looks counts nothing
    second.add_time(19.5)

    third = resume_quiz(ctx, first.session_id)
    assert third.time_spent == {third.questions[0].id: 90.0, third.questions[1].id: 75.0}
    times = {answer.question_id: answer.time_taken_s for answer in third.hand_in(now=NOW)}
    assert times == {third.questions[0].id: 90.0, third.questions[1].id: 75.0}
