"""FSRS review state per student and question: ratings from scores, stored cards, due lists, forecast."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fsrs import Rating

from db.repository import Repository
from question_bank.models import Bank
from quiz import scheduling
from tests.quiz.conftest import NOW


@pytest.mark.parametrize(
    ("fraction", "rating"),
    [
        (0.0, Rating.Again),
        (0.34, Rating.Again),
        (0.35, Rating.Hard),
        (0.59, Rating.Hard),
        (0.6, Rating.Good),
        (0.84, Rating.Good),
        (0.85, Rating.Easy),
        (1.0, Rating.Easy),
    ],
)
def test_score_fraction_maps_to_rating_bands(fraction: float, rating: Rating) -> None:
    assert scheduling.rating_for(fraction) is rating


def test_first_review_stores_card_and_log(repository: Repository, bank: Bank, student_id: int) -> None:
    question = bank.questions[0]
    card = scheduling.review(
        repository,
        student_id=student_id,
        bank_id=bank.id,
        question_id=question.id,
        fraction=0.9,
        now=NOW,
        duration_s=42.5,
    ).card
    stored = repository.get_review_card(student_id, bank.id, question.id)
    assert stored is not None and stored.due == card.due
    assert stored.last_review == NOW
    (log,) = repository.review_logs(student_id, bank.id)
    assert log.rating == int(Rating.Easy)
    assert log.duration_ms == 42500


def test_weak_answer_comes_back_sooner_than_strong(
    repository: Repository, bank: Bank, student_id: int
) -> None:
    weak, strong = bank.questions[0], bank.questions[1]
    weak_card = scheduling.review(
        repository, student_id=student_id, bank_id=bank.id, question_id=weak.id, fraction=0.1, now=NOW
    ).card
    strong_card = scheduling.review(
        repository, student_id=student_id, bank_id=bank.id, question_id=strong.id, fraction=1.0, now=NOW
    ).card
    assert weak_card.due < strong_card.due
    assert weak_card.due - NOW < timedelta(hours=1)
    assert strong_card.due - NOW >= timedelta(days=1)


def test_due_today_lists_due_reviews_then_unseen(repository: Repository, bank: Bank, student_id: int) -> None:
    ids = [question.id for question in bank.questions]
    fresh = scheduling.due_today(repository, student_id, bank.id, ids, NOW)
    assert fresh.due == [] and fresh.new == ids

    scheduling.review(
        repository, student_id=student_id, bank_id=bank.id, question_id=ids[0], fraction=0.0, now=NOW
    )
    scheduling.review(
        repository, student_id=student_id, bank_id=bank.id, question_id=ids[1], fraction=1.0, now=NOW
    )
    later = scheduling.due_today(repository, student_id, bank.id, ids, NOW + timedelta(minutes=30))
    assert later.due == [ids[0]]
    assert later.new == ids[2:]
    assert later.total == len(ids) - 1


def test_repeated_good_reviews_grow_the_interval(repository: Repository, bank: Bank, student_id: int) -> None:
    question_id = bank.questions[0].id
    now = NOW
    intervals = []
    for _ in range(4):
        card = scheduling.review(
            repository, student_id=student_id, bank_id=bank.id, question_id=question_id, fraction=0.7, now=now
        ).card
        intervals.append(card.due - now)
        now = card.due
    assert intervals[-1] > intervals[1] > timedelta(0)
    assert len(repository.review_logs(student_id, bank.id)) == 4


def test_forecast_counts_cards_per_day_with_overdue_today(
    repository: Repository, bank: Bank, student_id: int
) -> None:
    ids = [question.id for question in bank.questions]
    for question_id in ids[:3]:
        scheduling.review(
            repository, student_id=student_id, bank_id=bank.id, question_id=question_id, fraction=1.0, now=NOW
        )
    scheduling.review(
        repository, student_id=student_id, bank_id=bank.id, question_id=ids[3], fraction=0.0, now=NOW
    )
    later = NOW + timedelta(hours=2)
    days = scheduling.forecast(repository, student_id, bank.id, later, days=28)
    assert len(days) == 28
    assert days[0] == (later.date(), 1)
    assert sum(count for _, count in days) == 4
    assert all(count == 0 for day, count in days if day < later.date())
