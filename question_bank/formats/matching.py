"""Matching questions (Moodle XML, GIFT, Canvas QTI 1.2): items to match, each with its answer.

A tenta question takes one answer, so a matching question becomes one multiple-choice question per item,
asked as '<item> → _____' after the question text and choosing among every answer of the question; a
pair without an item is a distractor (an answer no item takes). Each item is worth an equal share of the
question's points, as Moodle and Canvas score matching.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from question_bank.formats.common import tidy_number
from question_bank.models import QuestionType

SPLIT_NOTE = (
    "a matching question with {count} items: imported as {count} questions, one per item, each asking it "
    "as _____ and worth its points"
)


class MatchingError(ValueError):
    """A matching question tenta cannot ask: no item to match, or nothing to choose among."""


@dataclass(frozen=True)
class Pair:
    """An item and its answer; an empty item makes the answer a distractor. `feedback` is shown when the
    item is matched wrongly (Canvas's per-pair comment)."""

    item: str
    answer: str
    feedback: str = ""


@dataclass(frozen=True)
class AskedItem:
    """One item as a question: the line asking it (after the question text), its fields and points."""

    asking: str
    data: dict[str, Any]
    points: float


def asked_items(pairs: Sequence[Pair], points: float) -> list[AskedItem]:
    """One multiple-choice question per item, choosing among the answers of all pairs (first seen first,
    each once), worth an equal share of `points`."""
    asked = [pair for pair in pairs if pair.item and pair.answer]
    if not asked:
        raise MatchingError("a matching question without items to match")
    answers = list(dict.fromkeys(pair.answer for pair in pairs if pair.answer))
    if len(answers) < 2:
        raise MatchingError(f"a matching question needs at least two answers to choose among, not {answers}")
    share = tidy_number(points / len(asked))
    return [
        AskedItem(
            f"\n\n{pair.item} → _____",
            {
                "type": QuestionType.MULTIPLE_CHOICE.value,
                "choices": [
                    {
                        "text": answer,
                        "fraction": float(answer == pair.answer),
                        "feedback": "" if answer == pair.answer else pair.feedback,
                    }
                    for answer in answers
                ],
            },
            share,
        )
        for pair in asked
    ]
