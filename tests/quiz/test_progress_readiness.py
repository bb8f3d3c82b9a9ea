"""Exam readiness and mastery per topic: the pure estimate on hand-made inputs, then from stored practice."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from question_bank.grade_scales import PRESETS, GradeBoundary
from question_bank.models import Bank
from quiz import progress
from quiz.context import AppContext
from quiz.modes import NO_TOPIC, QuizMode
from quiz.progress import PracticeState, estimate_readiness
from quiz.session import QuizRequest, start_quiz
from tests.practice import grade_and_review
from tests.quiz.conftest import NOW

UG_VG = PRESETS["ug-vg"]


def _state(
    question_id: str, max_points: float, latest: float | None, recall: float | None = 1.0
) -> PracticeState:
    return PracticeState(question_id, question_id.upper(), max_points, latest, recall)


def test_expected_points_are_latest_score_times_recall_times_points() -> None:
    readiness = estimate_readiness(
        [_state("q1", 4.0, 0.75, 1.0), _state("q2", 2.0, 1.0, 0.5), _state("q3", 4.0, None, None)]
    )
    assert [item.expected_points for item in readiness.questions] == [3.0, 1.0, 0.0]
    assert readiness.total == 4.0 and readiness.max_points == 10.0
    assert [item.question_id for item in readiness.not_practised] == ["q3"]
    assert readiness.grade is None and readiness.next_grade is None
    assert readiness.headline() == "Estimated today: 4 / 10 p (40%)"


def test_half_recall_halves_the_estimate() -> None:
    remembered = estimate_readiness([_state("q1", 3.0, 0.8, 1.0)])
    fading = estimate_readiness([_state("q1", 3.0, 0.8, 0.5)])
    assert fading.total == pytest.approx(remembered.total / 2) == pytest.approx(1.2)


def test_an_answer_without_a_review_card_counts_as_it_stands_and_scores_are_clamped() -> None:
    readiness = estimate_readiness(
        [_state("imported", 2.0, 0.5, None), _state("negative", 2.0, -0.5), _state("over", 2.0, 1.2)]
    )
    assert [item.expected_points for item in readiness.questions] == [1.0, 0.0, 2.0]
    assert all(item.practised for item in readiness.questions)


def test_grade_and_the_points_the_next_grade_needs() -> None:
    states = [_state(f"q{index}", 3.0, None) for index in range(10)]
    states[:7] = [_state(f"q{index}", 3.0, 1.0) for index in range(7)]
    states[7] = _state("q7", 3.0, 0.8, 1.0)
    readiness = estimate_readiness(states, UG_VG)
    assert readiness.total == pytest.approx(23.4)
    assert readiness.grade == "VG" and readiness.next_grade is None
    assert readiness.headline() == "Estimated today: 23.4 / 30 p → VG (the highest grade)"
    below = estimate_readiness([*states[:7], _state("q7", 3.0, 0.1), *states[8:]], UG_VG)
    assert below.total == pytest.approx(21.3)
    assert below.grade == "G" and below.next_grade == ("VG", 22.5)
    assert below.headline() == "Estimated today: 21.3 / 30 p → G (VG needs 22.5 p)"


def test_a_total_exactly_on_a_boundary_earns_that_grade() -> None:
    scale = (GradeBoundary(grade="U", min_percent=0), GradeBoundary(grade="G", min_percent=50))
    on = estimate_readiness([_state("a", 2.0, 1.0), _state("b", 2.0, None)], scale)
    just_below = estimate_readiness([_state("a", 2.0, 0.99), _state("b", 2.0, None)], scale)
    assert on.grade == "G" and just_below.grade == "U"
    assert just_below.headline() == "Estimated today: 2 / 4 p → U (G needs 2 p)"


def test_biggest_gains_are_the_points_left_on_the_table() -> None:
    readiness = estimate_readiness(
        [
            _state("small-unseen", 1.0, None),
            _state("big-half", 4.0, 0.5),
            _state("mastered", 4.0, 1.0),
            _state("big-unseen", 3.0, None),
            _state("fading", 4.0, 1.0, 0.6),
        ]
    )
    gains = readiness.biggest_gains()
    assert [(item.question_id, item.gain) for item in gains] == [
        ("big-unseen", 3.0),
        ("big-half", 2.0),
        ("fading", pytest.approx(1.6)),
    ]
    assert "mastered" not in {item.question_id for item in readiness.biggest_gains(5)}


def _practise(ctx: AppContext, student_id: int, fractions: dict[str, float], days_ago: int) -> None:
    """A full exam taken `days_ago` days before NOW, the given questions graded and reviewed as the quiz
    does (the grade is stored directly: this module tests the arithmetic, the TUI tests grade for real)."""
    when = NOW - timedelta(days=days_ago)
    request = QuizRequest(student_id=student_id, bank_id="dl-course", mode=QuizMode.FULL)
    quiz = start_quiz(ctx, request, now=when, rng=random.Random(0))
    for position, question in enumerate(quiz.questions):
        if question.id not in fractions:
            continue
        quiz.go_to(position)
        answer = quiz.submit("answer", now=when)
        grade_and_review(
            ctx.repository,
            student_id=student_id,
            bank_id="dl-course",
            question=question,
            answer_id=answer.id,
            fraction=fractions[question.id],
            when=when,
        )
    quiz.finish(now=when)


def test_outlook_from_stored_practice_decays_with_time(ctx: AppContext, bank: Bank, student_id: int) -> None:
    first, second = bank.questions[0], bank.questions[1]
    _practise(ctx, student_id, {first.id: 1.0, second.id: 0.5}, days_ago=0)
    today = progress.exam_outlook(ctx.repository, student_id, bank, NOW)
    expected = first.max_points + 0.5 * second.max_points
    assert today.readiness.total == pytest.approx(expected)
    assert today.readiness.max_points == sum(question.max_points for question in bank.questions)
    assert len(today.readiness.not_practised) == len(bank.questions) - 2
    later = progress.exam_outlook(ctx.repository, student_id, bank, NOW + timedelta(days=30))
    assert 0 < later.readiness.total < expected
    recall = {item.question_id: item.expected_points for item in later.readiness.questions}
    assert recall[first.id] < first.max_points


def test_topic_table_counts_seen_mean_and_due_weakest_first(
    ctx: AppContext, bank: Bank, student_id: int
) -> None:
    cnn = [question for question in bank.questions if "cnn" in question.topics]
    foundations = [question for question in bank.questions if "foundations" in question.topics]
    _practise(ctx, student_id, {cnn[0].id: 0.2, foundations[0].id: 1.0}, days_ago=2)
    outlook = progress.exam_outlook(ctx.repository, student_id, bank, NOW)
    rows = {row.topic: row for row in outlook.topics}
    assert (rows["cnn"].questions, rows["cnn"].seen, rows["cnn"].mean_latest) == (len(cnn), 1, 0.2)
    assert rows["cnn"].due == 1 and rows["foundations"].due == 0
    assert rows["hardware"].seen == 0 and rows["hardware"].mean_latest is None
    assert outlook.topics[0].topic == "cnn" and outlook.topics[-1].topic == "foundations"


def test_untagged_questions_form_the_no_topic_row(ctx: AppContext, bank: Bank, student_id: int) -> None:
    untagged = bank.questions[0].model_copy(update={"topics": ()})
    changed = bank.model_copy(update={"questions": (untagged, *bank.questions[1:])})
    rows = progress.topic_progress(changed, [], set())
    (no_topic,) = [row for row in rows if row.topic == NO_TOPIC]
    assert no_topic.label == "(no topic)" and no_topic.questions == 1


def test_untagged_questions_are_not_mixed_with_a_topic_called_other(bank: Bank) -> None:
    """Untagged questions used to be filed under 'other', merging them with a real topic of that name."""
    untagged = bank.questions[0].model_copy(update={"topics": ()})
    other = bank.questions[1].model_copy(update={"topics": ("other",)})
    changed = bank.model_copy(update={"questions": (untagged, other, *bank.questions[2:])})
    answers = [
        progress.GradedAnswer(untagged.id, NOW, 0.0),
        progress.GradedAnswer(other.id, NOW, 1.0),
    ]
    mastery = {item.topic: item for item in progress.topic_mastery(changed, answers)}
    assert mastery[NO_TOPIC].question_ids == (untagged.id,) and mastery[NO_TOPIC].mastery == 0.0
    assert mastery["other"].question_ids == (other.id,) and mastery["other"].mastery == 1.0
    series = progress.topic_scores_over_time(changed, answers)
    assert series[NO_TOPIC][0].fraction == 0.0 and series["other"][0].fraction == 1.0
    assert progress.weakest_first(changed, answers)[0].id == untagged.id
