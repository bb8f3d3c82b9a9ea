"""Teacher-written misconceptions (Gradescope's negative rubric items): which wrong statements an answer
makes, and what each costs.

Sentence embeddings rate a sentence that puts the right words in a wrong relation ("machine learning is a
subfield of deep learning") almost as high as the right statement, so closeness to the misconception alone
would also penalise right answers. A sentence states a misconception only when it is close to one of the
misconception's wordings AND closer to it, by a margin, than to every key-point wording and reference
sentence: the right statement, sharing the words, stays closer to the rubric. Similarities are the rubric's
(rescaled cosine, grading.features.rescale), so the thresholds read on the same scale as key points.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from grading.features import rescale
from grading.models import MisconceptionResult
from grading.rubric import clauses
from grading.text import clean, split_sentences
from question_bank.models import Misconception, Question

MATCH_AT = 0.8
"""Rescaled similarity from which a sentence may state a misconception. On e5, a role-swapped wording of
the same words scores ~0.8–0.96 against it and an unrelated sentence of the same topic ~0.6."""
MARGIN = 0.02
"""How much closer the sentence must be to the misconception than to the closest key point or reference
sentence. The right statement with the same words is closer to its key point (margin below 0)."""
SURE_MATCH = 0.9
SURE_MARGIN = 0.05
"""A detection below either of these is borderline: deducted, but sent to a teacher with lower confidence."""
BORDERLINE_CONFIDENCE = 0.5
"""Factor on the grade's confidence when a detection is borderline."""


@dataclass(frozen=True)
class MisconceptionProfile:
    """A question's misconceptions with their wordings' vectors, and the vectors of what is right (every
    key-point wording, reference sentence and its clauses) that a sentence must be farther from."""

    misconceptions: tuple[Misconception, ...]
    wording_vectors: tuple[np.ndarray, ...]
    right_vectors: np.ndarray


def build_misconception_profile(
    question: Question, encode: Callable[[list[str]], np.ndarray]
) -> MisconceptionProfile:
    """Encode the misconceptions' wordings and the question's right statements in one call."""
    wordings = [
        list(dict.fromkeys(clean(text) for text in (item.text, *item.paraphrases)))
        for item in question.misconceptions
    ]
    point_wordings = [clean(text) for point in question.rubric for text in (point.text, *point.paraphrases)]
    reference_sentences = [
        part
        for text in question.reference_answer.values()
        for sentence in split_sentences(clean(text))
        for part in (sentence, *clauses(sentence))
    ]
    right = list(dict.fromkeys(text for text in (*point_wordings, *reference_sentences) if text))
    vectors = encode([*(text for group in wordings for text in group), *right])
    grouped, offset = [], 0
    for group in wordings:
        grouped.append(vectors[offset : offset + len(group)])
        offset += len(group)
    return MisconceptionProfile(question.misconceptions, tuple(grouped), vectors[offset:])


def detect_misconceptions(
    profile: MisconceptionProfile, sentences: Sequence[str], sentence_vectors: np.ndarray, floor: float
) -> list[MisconceptionResult]:
    """The misconceptions some sentence states, each once with its best sentence, in the question's order.

    Deterministic: ties go to the earlier sentence."""
    if not sentences:
        return []
    right = rescale(sentence_vectors @ profile.right_vectors.T, floor).max(axis=1)
    found = []
    for misconception, vectors in zip(profile.misconceptions, profile.wording_vectors, strict=True):
        similarity = rescale(sentence_vectors @ vectors.T, floor).max(axis=1)
        margins = similarity - right
        stating = np.flatnonzero((similarity >= MATCH_AT) & (margins >= MARGIN))
        if not len(stating):
            continue
        best = int(stating[np.argmax(similarity[stating])])
        found.append(
            MisconceptionResult(
                misconception_id=misconception.id,
                text=misconception.text,
                penalty=misconception.penalty,
                similarity=round(float(similarity[best]), 4),
                margin=round(float(margins[best]), 4),
                matched_sentence=sentences[best],
                feedback=misconception.feedback,
                borderline=bool(similarity[best] < SURE_MATCH or margins[best] < SURE_MARGIN),
            )
        )
    return found
