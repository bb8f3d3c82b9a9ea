"""Studying by topic (Anki's decks and tags, Moodle's question categories): which questions a topic
choice leaves, and how the choice reads.

A question belongs to every topic it lists. Questions that list none are gathered under NO_TOPIC, shown
as "(no topic)", so they can be chosen too. No topic chosen means the whole bank.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from question_bank.models import Bank, Question
from quiz.modes import NO_TOPIC, topic_label

if TYPE_CHECKING:
    from db.repository import Repository


def topics_of(question: Question) -> tuple[str, ...]:
    return question.topics or (NO_TOPIC,)


def bank_topics(bank: Bank) -> list[tuple[str, int]]:
    """Every topic of the bank with its number of questions, in bank order; "(no topic)" last."""
    counts = Counter(topic for question in bank.questions for topic in topics_of(question))
    ordered = sorted(counts, key=lambda topic: topic == NO_TOPIC)
    return [(topic, counts[topic]) for topic in ordered]


def known_topics(bank: Bank, topics: Sequence[str]) -> list[str]:
    """The chosen topics the bank still has (a stored choice may outlive an edit of the bank)."""
    present = {topic for topic, _ in bank_topics(bank)}
    return [topic for topic in topics if topic in present]


def in_topics(question: Question, topics: Sequence[str]) -> bool:
    """Whether a question belongs to the choice (no topic chosen: every question does)."""
    return not topics or any(topic in topics for topic in topics_of(question))


def restrict(questions: Sequence[Question], topics: Sequence[str]) -> list[Question]:
    return [question for question in questions if in_topics(question, topics)]


def narrowed(bank: Bank, topics: Sequence[str]) -> Bank:
    """The bank as the choice sees it: only its questions, each listing only the chosen topics (so
    'weakest first' ranks within the choice, not by topics left out). Not for storing: use the real
    questions (bank.question(id)) for anything kept."""
    if not topics:
        return bank
    kept = [
        question.model_copy(update={"topics": tuple(t for t in question.topics if t in topics)})
        for question in restrict(bank.questions, topics)
    ]
    return bank.model_copy(update={"questions": tuple(kept)})


def describe(topics: Sequence[str]) -> str:
    """'all topics', or the chosen topics joined: 'cnn, regularization'."""
    return ", ".join(topic_label(topic) for topic in topics) if topics else "all topics"


@dataclass(frozen=True)
class TopicCount:
    """A topic of the bank with how many questions it has, how many of them are reviews due today and how
    many are new (never studied): a 'due today' quiz asks both, as the home line counts them."""

    topic: str
    questions: int
    due: int
    new: int

    @property
    def label(self) -> str:
        return topic_label(self.topic)


@dataclass(frozen=True)
class TopicScope:
    """A student's topic choice for a bank and what it leaves (what the home screen shows)."""

    chosen: list[str]
    topics: list[TopicCount]
    questions: int
    bank_questions: int

    @property
    def has_topics(self) -> bool:
        """Whether any question of the bank names a topic (else there is nothing to choose)."""
        return any(count.topic != NO_TOPIC for count in self.topics)

    def line(self) -> str:
        """'Topics: all · 12 questions' or 'Topics: cnn, keras · 4 of 12 questions'."""
        if not self.has_topics:
            return f"No topics in this bank · {self.bank_questions} questions"
        if not self.chosen:
            return f"Topics: all · {self.bank_questions} questions"
        return f"Topics: {describe(self.chosen)} · {self.questions} of {self.bank_questions} questions"


def topic_scope(
    repository: Repository, student_id: int, bank: Bank, now: datetime, chosen: Sequence[str] | None = None
) -> TopicScope:
    """The student's stored choice (or `chosen`), its size, and every topic's size and due count today."""
    from quiz.scheduling import due_today

    picked = known_topics(bank, repository.topic_filter(student_id, bank.id) if chosen is None else chosen)
    due = due_today(repository, student_id, bank.id, [question.id for question in bank.questions], now)

    def among(questions: Sequence[Question], ids: Sequence[str]) -> int:
        return sum(question.id in ids for question in questions)

    def count(topic: str, size: int) -> TopicCount:
        questions = restrict(bank.questions, [topic])
        return TopicCount(topic, size, among(questions, due.due), among(questions, due.new))

    counts = [count(topic, size) for topic, size in bank_topics(bank)]
    return TopicScope(picked, counts, len(restrict(bank.questions, picked)), len(bank.questions))
