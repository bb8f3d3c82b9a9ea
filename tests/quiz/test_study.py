"""Anki's study bookkeeping on a real SQLite file: a session keeps its topics, suspended questions stay out
of practice, due today and weakest first, and a question that keeps lapsing becomes a leech."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from db.records import ReviewCardRecord, SuspensionReason
from db.repository import Repository
from question_bank.errors import TentaError
from question_bank.models import Bank
from quiz import scheduling
from quiz.context import AppContext
from quiz.modes import QuizMode, session_label
from quiz.progress import dashboard
from quiz.scheduling import LeechPolicy
from quiz.session import QuizRequest, resume_quiz, start_quiz
from tests.quiz.conftest import NOW

CNN = ["q09-image-network", "q10-cnn-how"]


def _request(
    student_id: int, mode: QuizMode, count: int | None = None, topics: tuple[str, ...] = ()
) -> QuizRequest:
    return QuizRequest(student_id=student_id, bank_id="dl-course", mode=mode, count=count, topics=topics)


def _cnn_topic(bank: Bank) -> str:
    return bank.question(CNN[0]).topics[0]


def test_a_quiz_keeps_its_topics_when_resumed(ctx: AppContext, bank: Bank, student_id: int) -> None:
    topic = _cnn_topic(bank)
    quiz = start_quiz(
        ctx, _request(student_id, QuizMode.PRACTICE, 2, (topic,)), now=NOW, rng=random.Random(1)
    )
    assert quiz.topics == [topic]
    resumed = resume_quiz(ctx, quiz.session_id)
    assert resumed.topics == [topic]
    (summary,) = ctx.repository.history(student_id=student_id)
    assert session_label(summary.mode, summary.topics) == f"Practice · topics: {topic}"
    whole = start_quiz(ctx, _request(student_id, QuizMode.FULL), now=NOW, rng=random.Random(1))
    assert whole.topics == [] and session_label(whole.session.mode, whole.topics) == "Full exam"


def test_session_label_names_untagged_questions_and_unknown_modes() -> None:
    assert session_label("practice", ["CNN", "Optimisation"]) == "Practice · topics: CNN, Optimisation"
    assert session_label("due", ["", "CNN"]) == "Due today · topics: (no topic), CNN"
    assert session_label("exam", []) == "exam"
    assert session_label("practice", ["CNN", "RNN", "GAN", "VAE"], max_topics=2) == (
        "Practice · topics: CNN, RNN +2 more"
    )
    assert session_label("practice", ["CNN", "RNN"], max_topics=2) == "Practice · topics: CNN, RNN"


def test_suspended_questions_stay_out_of_practice_due_and_weakest_but_not_the_full_exam(
    ctx: AppContext, bank: Bank, student_id: int
) -> None:
    topic = _cnn_topic(bank)
    in_topic = [question.id for question in bank.questions if topic in question.topics]
    suspended = in_topic[0]
    ctx.repository.suspend_question(student_id, bank.id, suspended)
    rng = random.Random(3)
    practice = start_quiz(ctx, _request(student_id, QuizMode.PRACTICE, 50, (topic,)), now=NOW, rng=rng)
    assert sorted(q.id for q in practice.questions) == sorted(in_topic[1:])
    due = start_quiz(ctx, _request(student_id, QuizMode.DUE, topics=(topic,)), now=NOW, rng=rng)
    assert [q.id for q in due.questions] == in_topic[1:]
    weakest = start_quiz(ctx, _request(student_id, QuizMode.WEAKEST, 50), now=NOW, rng=rng)
    assert suspended not in {q.id for q in weakest.questions}
    assert len(weakest.questions) == len(bank.questions) - 1
    exam = start_quiz(ctx, _request(student_id, QuizMode.FULL, topics=(topic,)), now=NOW, rng=rng)
    assert [q.id for q in exam.questions] == in_topic and exam.is_suspended(exam.questions[0])
    home = dashboard(ctx, ctx.repository.get_or_create_student("Alva"), bank.id, NOW)
    assert home.suspended == 1 and home.new == len(bank.questions) - 1
    assert home.line().endswith("· 1 suspended")
    ctx.repository.unsuspend_question(student_id, bank.id, suspended)
    again = start_quiz(ctx, _request(student_id, QuizMode.DUE, topics=(topic,)), now=NOW, rng=rng)
    assert [q.id for q in again.questions] == in_topic


def test_a_topic_with_every_question_suspended_says_how_to_get_them_back(
    ctx: AppContext, bank: Bank, student_id: int
) -> None:
    topic = _cnn_topic(bank)
    for question in bank.questions:
        if topic in question.topics:
            ctx.repository.suspend_question(student_id, bank.id, question.id)
    with pytest.raises(TentaError, match=r"suspended question\(s\) are left out.*tenta study unsuspend"):
        start_quiz(ctx, _request(student_id, QuizMode.PRACTICE, 3, (topic,)), now=NOW, rng=random.Random(0))


def test_the_forecast_and_due_count_leave_suspended_questions_out(
    ctx: AppContext, bank: Bank, student_id: int
) -> None:
    repository = ctx.repository
    for question_id in CNN:
        scheduling.review(
            repository, student_id=student_id, bank_id=bank.id, question_id=question_id, fraction=0.0, now=NOW
        )
    ids = [question.id for question in bank.questions]
    assert scheduling.due_today(repository, student_id, bank.id, ids, NOW).due == CNN
    repository.suspend_question(student_id, bank.id, CNN[0])
    due = scheduling.due_today(repository, student_id, bank.id, ids, NOW)
    assert due.due == CNN[1:] and CNN[0] not in due.new
    assert scheduling.forecast(repository, student_id, bank.id, NOW, days=1)[0][1] == 1


def _lapse_until(
    repository: Repository, student_id: int, policy: LeechPolicy, lapses: int
) -> list[scheduling.Review]:
    """Learn the question (Easy), then forget (Again) and relearn (Easy) it `lapses` times."""
    reviews = []
    when = NOW
    for fraction in [1.0] + [0.0, 1.0] * lapses:
        reviews.append(
            scheduling.review(
                repository,
                student_id=student_id,
                bank_id="dl-course",
                question_id=CNN[0],
                fraction=fraction,
                now=when,
                leeches=policy,
            )
        )
        when += timedelta(days=3)
    return [review for review in reviews if review.lapsed]


def test_the_eighth_lapse_makes_a_leech_and_suspends_it(repository: Repository, student_id: int) -> None:
    lapses = _lapse_until(repository, student_id, LeechPolicy(), 8)
    assert [review.card.lapses for review in lapses] == list(range(1, 9))
    assert [review.leech for review in lapses] == [False] * 7 + [True]
    assert lapses[-1].suspended and lapses[-1].card.leech
    (suspension,) = repository.suspended_questions(student_id, "dl-course")
    assert (suspension.question_id, suspension.reason) == (CNN[0], SuspensionReason.LEECH)
    card = repository.get_review_card(student_id, "dl-course", CNN[0])
    assert card is not None and (card.lapses, card.leech) == (8, True)


def test_a_leech_is_flagged_again_every_half_threshold_and_tagging_only_never_suspends(
    repository: Repository, student_id: int
) -> None:
    lapses = _lapse_until(repository, student_id, LeechPolicy(threshold=4, suspend=False), 9)
    assert [review.card.lapses for review in lapses if review.leech] == [4, 6, 8]
    assert not any(review.suspended for review in lapses)
    assert repository.suspended_questions(student_id, "dl-course") == []
    assert all(review.card.leech for review in lapses[3:]) and not lapses[2].card.leech


def test_again_while_learning_is_no_lapse(repository: Repository, student_id: int) -> None:
    for fraction in (0.0, 0.0, 0.0):
        review = scheduling.review(
            repository,
            student_id=student_id,
            bank_id="dl-course",
            question_id=CNN[0],
            fraction=fraction,
            now=NOW,
        )
        assert not review.lapsed and review.card.lapses == 0


def test_grading_the_lapse_that_makes_a_leech_tells_the_quiz(
    ctx: AppContext, bank: Bank, student_id: int
) -> None:
    """The real grader scores an empty answer 0: Again on a card in review, its third lapse."""
    ctx.settings = ctx.settings.model_copy(update={"leech_threshold": 3})
    question = bank.question(CNN[0])
    ctx.repository.save_review_card(
        ReviewCardRecord(
            student_id=student_id,
            bank_id=bank.id,
            question_id=question.id,
            state=2,
            stability=5.0,
            difficulty=6.0,
            due=NOW,
            last_review=NOW - timedelta(days=5),
            lapses=2,
        )
    )
    quiz = start_quiz(
        ctx, _request(student_id, QuizMode.FULL, topics=("cnn",)), now=NOW, rng=random.Random(0)
    )
    assert quiz.current.id == question.id and not quiz.is_suspended()
    outcome = quiz.grade(quiz.submit("", now=NOW), now=NOW)
    assert outcome.grade.score == 0.0
    assert outcome.leech and outcome.suspended and quiz.is_suspended()
    assert outcome.review is not None and outcome.review.lapses == 3
    assert [s.question_id for s in ctx.repository.suspended_questions(student_id, bank.id)] == [question.id]
    quiz.set_suspended(question, False)
    assert not quiz.is_suspended() and ctx.repository.suspended_questions(student_id, bank.id) == []
