"""Studying by topic: every mode asks only questions of the chosen topics, on a real SQLite file."""

from __future__ import annotations

import random

import pytest

from db.records import NewGrade
from question_bank.errors import TentaError
from question_bank.models import Bank
from quiz import scheduling
from quiz.context import AppContext
from quiz.modes import NO_TOPIC, QuizMode
from quiz.session import QuizRequest, choose_questions, resume_quiz, start_quiz
from quiz.topics import bank_topics, describe, known_topics
from tests.quiz.conftest import NOW

REGULARIZATION = ["q05-keras-code", "q06-regularization-purpose", "q07-dropout", "q08-early-stopping"]
CNN = ["q09-image-network", "q10-cnn-how"]


def _request(student_id: int, mode: QuizMode, *topics: str, count: int | None = None) -> QuizRequest:
    return QuizRequest(student_id=student_id, bank_id="dl-course", mode=mode, count=count, topics=topics)


def _ids(ctx: AppContext, request: QuizRequest, bank: Bank, seed: int = 0) -> list[str]:
    chosen = choose_questions(ctx, request, bank, now=NOW, rng=random.Random(seed))
    return [question.id for question in chosen]


def test_full_exam_of_two_topics_asks_their_questions_in_exam_order(
    ctx: AppContext, bank: Bank, student_id: int
) -> None:
    request = _request(student_id, QuizMode.FULL, "cnn", "regularization")
    assert _ids(ctx, request, bank) == REGULARIZATION + CNN
    assert len(_ids(ctx, _request(student_id, QuizMode.FULL), bank)) == 12, "no topic chosen: whole bank"


def test_practice_draws_only_from_the_chosen_topic_and_no_more_than_it_has(
    ctx: AppContext, bank: Bank, student_id: int
) -> None:
    for seed in range(5):
        drawn = _ids(ctx, _request(student_id, QuizMode.PRACTICE, "regularization", count=3), bank, seed)
        assert len(drawn) == 3 and set(drawn) <= set(REGULARIZATION)
    everything = _ids(ctx, _request(student_id, QuizMode.PRACTICE, "cnn", count=10), bank)
    assert sorted(everything) == CNN


def test_due_today_counts_only_the_chosen_topic(ctx: AppContext, bank: Bank, student_id: int) -> None:
    for question_id in [*CNN, "q01-ai-ml-dl"]:
        scheduling.review(
            ctx.repository,
            student_id=student_id,
            bank_id=bank.id,
            question_id=question_id,
            fraction=1.0,
            now=NOW,
        )
    assert _ids(ctx, _request(student_id, QuizMode.DUE, "cnn", "foundations"), bank) == []
    with pytest.raises(TentaError) as raised:
        start_quiz(ctx, _request(student_id, QuizMode.DUE, "cnn"), now=NOW, rng=random.Random(0))
    assert raised.value.message == (
        "No question of cnn is due today; choose other topics or practise them instead."
    )
    assert _ids(ctx, _request(student_id, QuizMode.DUE, "cnn", "hardware"), bank) == ["q12-cpu-gpu"]


def test_weakest_first_within_a_topic(ctx: AppContext, bank: Bank, student_id: int) -> None:
    quiz = start_quiz(ctx, _request(student_id, QuizMode.FULL), now=NOW, rng=random.Random(0))
    scores = {"q07-dropout": 0.1, "q06-regularization-purpose": 0.9, "q09-image-network": 0.0}
    for position, question in enumerate(quiz.questions):
        if question.id in scores:
            quiz.go_to(position)
            answer = quiz.submit("ett svar", now=NOW)
            ctx.repository.save_grade(
                answer.id,
                NewGrade(
                    score=scores[question.id] * question.max_points,
                    max_points=question.max_points,
                    confidence=0.9,
                    grader_version="test",
                    model_id="none",
                ),
            )
    weakest = _ids(ctx, _request(student_id, QuizMode.WEAKEST, "regularization", count=4), bank)
    assert weakest[0] == "q07-dropout" and weakest[-1] == "q06-regularization-purpose"
    assert set(weakest) == set(REGULARIZATION), "the weaker cnn question is not in the topic"


def test_a_topic_restricted_exam_is_untimed(ctx: AppContext, bank: Bank, student_id: int) -> None:
    timed = bank.model_copy(update={"id": "dl-timed", "time_limit_minutes": 60})
    ctx.catalog.install(Bank.model_validate(timed.model_dump()))
    request = QuizRequest(student_id=student_id, bank_id="dl-timed", mode=QuizMode.FULL, topics=("cnn",))
    part = start_quiz(ctx, request, now=NOW, rng=random.Random(0))
    assert part.deadline is None and [q.id for q in part.questions] == CNN
    whole = start_quiz(ctx, request.model_copy(update={"topics": ()}), now=NOW, rng=random.Random(0))
    assert whole.deadline is not None


def test_untagged_questions_form_the_no_topic_choice(ctx: AppContext, bank: Bank, student_id: int) -> None:
    untagged = tuple(
        question.model_copy(update={"topics": ()}) if question.number in {1, 12} else question
        for question in bank.questions
    )
    edited = Bank.model_validate(
        bank.model_copy(update={"id": "dl-mixed", "questions": untagged}).model_dump()
    )
    ctx.catalog.install(edited)
    assert bank_topics(edited)[-1] == (NO_TOPIC, 2)
    assert describe([NO_TOPIC, "cnn"]) == "(no topic), cnn" and describe([]) == "all topics"
    request = QuizRequest(student_id=student_id, bank_id="dl-mixed", mode=QuizMode.FULL, topics=(NO_TOPIC,))
    quiz = start_quiz(ctx, request, now=NOW, rng=random.Random(0))
    assert [question.id for question in quiz.questions] == ["q01-ai-ml-dl", "q12-cpu-gpu"]
    assert known_topics(edited, ["hardware", "cnn", NO_TOPIC]) == ["cnn", NO_TOPIC], "hardware left the bank"


def test_flags_survive_a_resume_and_show_in_the_summary(ctx: AppContext, student_id: int) -> None:
    quiz = start_quiz(ctx, _request(student_id, QuizMode.FULL), now=NOW, rng=random.Random(0))
    assert quiz.next_flagged() is None
    quiz.go_to(4)
    assert quiz.toggle_flag() is True
    quiz.go_to(9)
    quiz.toggle_flag()
    quiz.go_to(2)
    quiz.toggle_flag()
    assert quiz.toggle_flag() is False, "a second press unflags"
    resumed = resume_quiz(AppContext(ctx.settings), quiz.session_id)
    assert resumed.position == 2 and resumed.flagged == {quiz.questions[4].id, quiz.questions[9].id}
    assert resumed.next_flagged() == 4
    resumed.go_to(4)
    assert resumed.next_flagged() == 9
    resumed.go_to(9)
    assert resumed.next_flagged() == 4, "wraps around to the first flagged question"
    assert [item.position for item in resumed.summary() if item.flagged] == [4, 9]
