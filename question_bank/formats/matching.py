"""Matching questions (Moodle XML, GIFT, Canvas QTI 1.2, QTI 2 match interactions, Blackboard): items to
match, each with its answer.

A tenta question takes one answer, so a matching question becomes one multiple-choice question per item,
asked as '<item> → _____' after the question text and choosing among every answer of the question; a
pair without an item is a distractor (an answer no item takes). Each item is worth an equal share of the
question's points, as Moodle and Canvas score matching, unless the pairs carry their own weights (a QTI
mapping's values), which then share the points. An item with several right answers (a row of a QTI
match table ticked in two columns) is one question whose right answers split its credit: all of them and
no other earn it, unless the file says what each wrong answer costs.
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
    weight: float = 1.0
    """The pair's worth relative to the others' (a QTI mapping's value); negative for a wrong pair that
    costs that much, zero for one that earns nothing."""
    row: str = ""
    """Pairs naming one row are one item with several answers (a QTI match table's row); '' keeps each
    pair an item of its own."""


@dataclass(frozen=True)
class AskedItem:
    """One item as a question: the line asking it (after the question text), its fields and points."""

    asking: str
    data: dict[str, Any]
    points: float


def asked_items(pairs: Sequence[Pair], points: float) -> list[AskedItem]:
    """One multiple-choice question per item, choosing among the answers of all pairs (first seen first,
    each once), worth its share of `points` by the weights of its right pairs (equal by default)."""
    rows: dict[str | int, list[Pair]] = {}
    for index, pair in enumerate(pairs):
        if pair.item and pair.answer:
            rows.setdefault(pair.row or index, []).append(pair)
    asked = [row for row in rows.values() if any(pair.weight > 0 for pair in row)]
    if not asked:
        raise MatchingError("a matching question without items to match")
    answers = list(dict.fromkeys(pair.answer for pair in pairs if pair.answer))
    if len(answers) < 2:
        raise MatchingError(f"a matching question needs at least two answers to choose among, not {answers}")
    worth = [sum(pair.weight for pair in row if pair.weight > 0) for row in asked]
    return [
        AskedItem(
            f"\n\n{row[0].item} → _____",
            _choices(row, answers, row_worth),
            tidy_number(points * row_worth / sum(worth)),
        )
        for row, row_worth in zip(asked, worth, strict=True)
    ]


def _choices(row: Sequence[Pair], answers: Sequence[str], worth: float) -> dict[str, Any]:
    """The item's fields: every answer a choice, a right one worth its pair's share of the item, a wrong
    one what its pair costs (nothing when unsaid); several right answers without stated costs need all of
    them and no other (all or nothing)."""
    weights = {pair.answer: pair.weight for pair in row}
    right = [answer for answer, weight in weights.items() if weight > 0]
    return {
        "type": QuestionType.MULTIPLE_CHOICE.value,
        "choices": [
            {
                "text": answer,
                "fraction": tidy_number(max(-1.0, min(1.0, weights.get(answer, 0.0) / worth))),
                "feedback": "" if answer in right else row[0].feedback,
            }
            for answer in answers
        ],
        "all_or_nothing": len(right) > 1 and not any(weight < 0 for weight in weights.values()),
    }
