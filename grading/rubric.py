"""Rubric key points: deriving them from a reference answer when a question has none, judging each
point's status from its best evidence, and writing feedback that says what was missed and where to read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from grading.feedback_wording import ENGLISH, SCORE_LINE, FeedbackWords
from grading.models import MisconceptionResult, Passage, PointResult, PointStatus
from grading.text import clean, split_sentences
from question_bank.keypoints import proposable_statements
from question_bank.models import MAX_RUBRIC_POINTS, RubricPoint

CLAUSE_MIN_WORDS = 3
SPLIT_LONG_SENTENCE_WORDS = 14
_CLAUSE_BREAK = re.compile(r"[;,]\s+|\s+(?:and|but|which|because|so that|while)\s+")
QUOTE_WORDS = 40


def clauses(sentence: str) -> list[str]:
    """Clauses of a long sentence (split at ; , and/but/which/because), each at least three words."""
    parts = [part.strip(" ,;") for part in _CLAUSE_BREAK.split(sentence)]
    return [part for part in parts if len(part.split()) >= CLAUSE_MIN_WORDS]


def derive_rubric(reference_answers: Sequence[str]) -> tuple[RubricPoint, ...]:
    """Key points for a question that has only reference answers (e.g. the public datasets).

    One point per sentence of the first reference; a single long sentence is cut into clauses. When
    the question has one point, the other reference answers are its accepted paraphrases.
    """
    references = [clean(text) for text in reference_answers if clean(text)]
    if not references:
        raise ValueError("a rubric needs at least one non-empty reference answer")
    texts = split_sentences(references[0]) or [references[0]]
    if len(texts) == 1 and len(references) == 1 and len(texts[0].split()) > SPLIT_LONG_SENTENCE_WORDS:
        parts = clauses(texts[0])
        if len(parts) >= 2:
            texts = parts
    if len(texts) > MAX_RUBRIC_POINTS:
        head, tail = texts[: MAX_RUBRIC_POINTS - 1], texts[MAX_RUBRIC_POINTS - 1 :]
        texts = [*head, " ".join(tail)]
    paraphrases = tuple(dict.fromkeys(references[1:])) if len(texts) == 1 else ()
    return tuple(
        RubricPoint(id=f"p{index + 1}", text=text, weight=1.0, paraphrases=paraphrases if index == 0 else ())
        for index, text in enumerate(texts)
    )


def _normalised(text: str) -> str:
    return " ".join(clean(text).casefold().split())


def rubric_is_authored(rubric: Sequence[RubricPoint], references: Sequence[str]) -> bool:
    """True when some key point was written by a person rather than cut out of a reference answer.

    Derived rubrics (derive_rubric, and key points proposed from a reference on import, which may join
    a list item to its heading) are statements of the reference, so they add no evidence beyond it; an
    authored point states what the teacher wants to see and deserves more say in the score.
    """
    texts = [_normalised(reference) for reference in references]
    proposable = {_normalised(text) for reference in references for text in proposable_statements(reference)}

    def derived(point: RubricPoint) -> bool:
        wording = _normalised(point.text)
        return wording in proposable or any(wording in text for text in texts)

    return not all(derived(point) for point in rubric)


def rubric_credit(
    similarities: Sequence[float], weights: Sequence[float], thresholds: tuple[float, float]
) -> float:
    """Weighted share of the points earned, with the credit each point shows in the feedback."""
    return weighted_credit([point_status(similarity, thresholds)[1] for similarity in similarities], weights)


def weighted_credit(credits: Sequence[float], weights: Sequence[float]) -> float:
    """Share of the question earned from per-point credits (0..1), the weights normalised to sum 1.

    The grader's rubric credit and a teacher's key-point override both score through this.
    """
    total = sum(weights)
    earned = sum(weight * credit for credit, weight in zip(credits, weights, strict=True))
    return earned / total if total > 0 else 0.0


def point_status(similarity: float, thresholds: tuple[float, float]) -> tuple[PointStatus, float]:
    """Status and credit share from a rescaled similarity: credit ramps linearly between the thresholds."""
    partial, covered = thresholds
    if similarity >= covered:
        return PointStatus.COVERED, 1.0
    if similarity >= partial:
        return PointStatus.PARTIAL, round(0.5 + 0.5 * (similarity - partial) / (covered - partial), 4)
    return PointStatus.MISSING, 0.0


def short_quote(text: str, words: int = QUOTE_WORDS) -> str:
    tokens = text.split()
    return " ".join(tokens[:words]) + (" …" if len(tokens) > words else "")


def feedback_text(
    results: Sequence[PointResult],
    *,
    score: float,
    max_points: float,
    notes: Sequence[str] = (),
    words: FeedbackWords = ENGLISH,
    misconceptions: Sequence[MisconceptionResult] = (),
) -> str:
    """Readable feedback: the score, covered points briefly, for each missed point what to read, and each
    misconception stated with what it cost, the sentence that said it and the teacher's explanation, in
    `words`' language; the points, passages and misconceptions are quoted as written."""
    lines = [words.score_line(score, max_points)]  # feedback_remarks takes this line off
    lines.extend(notes)
    covered = [result for result in results if result.status is PointStatus.COVERED]
    if covered:
        quoted = "; ".join(short_quote(result.text, 12).rstrip(".") for result in covered)
        lines.append(_sentence(words.covered + quoted))
    for result in results:
        if result.status is PointStatus.COVERED:
            continue
        label = words.partial if result.status is PointStatus.PARTIAL else words.missing
        lines.append(label + short_quote(result.text, 25))
        if result.supporting_passage is not None:
            lines.append(f"  {words.read}{_cite(result.supporting_passage)}")
    for found in misconceptions:
        lines.append(words.misconception_line(found.penalty, found.text))
        lines.append(f'  {words.you_wrote}"{short_quote(found.matched_sentence, 25)}"')
        if found.feedback.strip():
            lines.append(f"  {found.feedback.strip()}")
    return "\n".join(lines)


def _sentence(text: str) -> str:
    """The text ended by one full stop, not a second after a point's own or after a shortened quote's …."""
    return text if text.endswith(("…", ".", "!", "?")) else text + "."


def feedback_remarks(feedback: str) -> str:
    """Feedback from feedback_text without its score line, for a view that shows the final score itself
    (a teacher's override may contradict the automatic one), whichever language it is worded in."""
    return SCORE_LINE.sub("", feedback, count=1).strip()


def _cite(passage: Passage) -> str:
    return f'{passage.source}: "{short_quote(passage.text)}"'
