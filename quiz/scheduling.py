"""Spaced repetition: one FSRS card per student and question, reviewed with a rating derived from the score.

The `fsrs` package does the scheduling maths; this module maps scores to ratings, converts between its
Card and the database's ReviewCardRecord (so the stored state stays plain data), and keeps Anki's
bookkeeping that FSRS leaves out: lapses, leeches, and suspended questions that are never due.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from fsrs import Card, Rating, Scheduler, State

from db.records import ReviewCardRecord, ReviewLogEntry

if TYPE_CHECKING:
    from db.repository import Repository

AGAIN_BELOW = 0.35
HARD_BELOW = 0.6
GOOD_BELOW = 0.85
DEFAULT_LEECH_THRESHOLD = 8
"""Anki's default: a question forgotten this many times after being learnt is a leech."""


def rating_for(fraction: float) -> Rating:
    """Map a score fraction to an FSRS rating: a weak answer means the question comes back soon."""
    if fraction < AGAIN_BELOW:
        return Rating.Again
    if fraction < HARD_BELOW:
        return Rating.Hard
    if fraction < GOOD_BELOW:
        return Rating.Good
    return Rating.Easy


def default_scheduler() -> Scheduler:
    """FSRS with default parameters and no interval fuzzing, so the same history gives the same due dates."""
    return Scheduler(enable_fuzzing=False)


def card_from_record(record: ReviewCardRecord) -> Card:
    return Card(
        state=State(record.state),
        step=record.step,
        stability=record.stability,
        difficulty=record.difficulty,
        due=record.due,
        last_review=record.last_review,
    )


def record_from_card(card: Card, *, template: ReviewCardRecord) -> ReviewCardRecord:
    return template.model_copy(
        update={
            "state": int(card.state),
            "step": card.step,
            "stability": card.stability,
            "difficulty": card.difficulty,
            "due": card.due,
            "last_review": card.last_review,
        }
    )


def new_record(student_id: int, bank_id: str, question_id: str, now: datetime) -> ReviewCardRecord:
    """The state of a question never reviewed: a new FSRS card due now."""
    card = Card(due=now)
    return ReviewCardRecord(
        student_id=student_id,
        bank_id=bank_id,
        question_id=question_id,
        state=int(card.state),
        step=card.step,
        due=card.due,
    )


@dataclass(frozen=True)
class LeechPolicy:
    """When a question becomes a leech and what happens then (Anki's leech threshold and leech action)."""

    threshold: int = DEFAULT_LEECH_THRESHOLD
    suspend: bool = True

    def is_leech_lapse(self, lapses: int) -> bool:
        """Anki flags a leech at the threshold and again every half threshold after (8, 12, 16, …)."""
        if lapses < self.threshold:
            return False
        return (lapses - self.threshold) % max(self.threshold // 2, 1) == 0


@dataclass(frozen=True)
class Review:
    """A stored review: the card's new state, whether the answer was a lapse, and whether that lapse
    made (or again flagged) the question a leech, and so suspended it when the policy says so."""

    card: ReviewCardRecord
    lapsed: bool
    leech: bool
    suspended: bool


def review(
    repository: Repository,
    *,
    student_id: int,
    bank_id: str,
    question_id: str,
    fraction: float,
    now: datetime,
    answer_id: int | None = None,
    duration_s: float | None = None,
    scheduler: Scheduler | None = None,
    leeches: LeechPolicy | None = None,
) -> Review:
    """Review the student's card for a question with the rating its score earns, and store the new state.

    A lapse is Again on a card in review, as in Anki; the lapse that reaches the leech threshold marks
    the question a leech and (by default) suspends it, in the same transaction as the review."""
    policy = leeches or LeechPolicy()
    existing = repository.get_review_card(student_id, bank_id, question_id)
    record = existing or new_record(student_id, bank_id, question_id, now)
    rating = rating_for(fraction)
    card, _log = (scheduler or default_scheduler()).review_card(
        card_from_record(record), rating, review_datetime=now
    )
    lapsed = record.state == State.Review and rating == Rating.Again
    lapses = record.lapses + int(lapsed)
    leech = lapsed and policy.is_leech_lapse(lapses)
    updated = record_from_card(card, template=record).model_copy(
        update={"lapses": lapses, "leech": record.leech or leech}
    )
    entry = ReviewLogEntry(
        rating=int(rating),
        reviewed_at=now,
        duration_ms=round(duration_s * 1000) if duration_s is not None else None,
        answer_id=answer_id,
    )
    suspend = leech and policy.suspend
    stored = repository.save_review_card(updated, entry, suspend_as_leech=suspend)
    return Review(card=stored, lapsed=lapsed, leech=leech, suspended=suspend)


def suspended_ids(repository: Repository, student_id: int, bank_id: str) -> set[str]:
    """The questions the student suspended (or that were suspended as leeches) in the bank."""
    return {suspension.question_id for suspension in repository.suspended_questions(student_id, bank_id)}


def end_of_day(now: datetime) -> datetime:
    """The last moment of `now`'s calendar day in `now`'s own time zone: 'due today' means due before it."""
    return datetime.combine(now.date(), time.max, tzinfo=now.tzinfo)


@dataclass(frozen=True)
class DueSummary:
    """What a 'due today' session would ask: questions whose review is due, and questions never studied
    (suspended questions are neither)."""

    due: list[str]
    new: list[str]

    @property
    def total(self) -> int:
        return len(self.due) + len(self.new)


def due_today(
    repository: Repository, student_id: int, bank_id: str, question_ids: Sequence[str], now: datetime
) -> DueSummary:
    """Due reviews (most overdue first) and unseen questions (bank order) among `question_ids`, leaving
    out suspended questions."""
    suspended = suspended_ids(repository, student_id, bank_id)
    wanted = set(question_ids) - suspended
    cards = repository.review_cards(student_id, bank_id)
    seen = {card.question_id for card in cards}
    horizon = end_of_day(now)
    due_cards = sorted(
        (card for card in cards if card.question_id in wanted and card.due <= horizon),
        key=lambda card: card.due,
    )
    return DueSummary(
        due=[card.question_id for card in due_cards],
        new=[question_id for question_id in question_ids if question_id not in seen | suspended],
    )


def forecast(
    repository: Repository, student_id: int, bank_id: str, now: datetime, *, days: int = 28
) -> list[tuple[date, int]]:
    """Cards due per day from today for `days` days; anything overdue counts for today; suspended
    questions are not counted (they are not asked)."""
    today = now.date()
    counts: Counter[date] = Counter()
    suspended = suspended_ids(repository, student_id, bank_id)
    for card in repository.review_cards(student_id, bank_id):
        if card.question_id in suspended:
            continue
        due_day = max(card.due.astimezone(now.tzinfo).date(), today)
        counts[due_day] += 1
    return [
        (today + timedelta(days=offset), counts[today + timedelta(days=offset)]) for offset in range(days)
    ]
