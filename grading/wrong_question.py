"""Tell an answer filed under the wrong question (a shifted column, a mix-up in the exam) from a weak
answer to the right one.

An answer to another question of the bank matches that question's references better than its own.
A fixed margin over the own similarity missed half of the answers filed under the wrong question in
the bundled course and flagged a fifth of the right answers in a bank of near-identical questions
(Beetle). The decision is instead a small logistic model of three similarities (each rescaled so that
unrelated text is ~0): the answer's similarity to its own question's references, to the best-matching
other question's references, and how alike those two questions' references are (an answer cannot be
told to belong to one of two questions that ask the same thing). It is fitted on the graded datasets
by answers paired with another question of a bank of 5-15 questions, against the answers to their own
(`python -m grading.training.wrong_question`), with a threshold that flags a fixed small share of
right answers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict

from grading.features import rescale


class WrongQuestionModel(BaseModel):
    """Logistic odds that an answer belongs to another question, and the probability that flags it."""

    model_config = ConfigDict(frozen=True)

    own: float
    other: float
    alike: float
    intercept: float
    threshold: float
    """Probability above which the answer is flagged."""
    fitted_on: str = ""

    def probability(self, own: float, other: float, alike: float) -> float:
        logit = self.intercept + self.own * own + self.other * other + self.alike * alike
        return 1.0 / (1.0 + math.exp(-logit))

    def detect(
        self, similarities: np.ndarray, own_index: int, references: Sequence[np.ndarray], floor: float
    ) -> int | None:
        """The index of the question the answer seems to belong to, or None.

        `similarities[i]` is the answer's similarity to question i (`question_similarities`) and
        `references[i]` that question's reference vectors."""
        found = detector_inputs(similarities, own_index, references, floor)
        if found is None:
            return None
        best, inputs = found
        return best if self.probability(*inputs) > self.threshold else None


def detector_inputs(
    similarities: np.ndarray, own_index: int, references: Sequence[np.ndarray], floor: float
) -> tuple[int, tuple[float, float, float]] | None:
    """The best-matching other question and the model's inputs (own, other, alike) for an answer filed
    under question `own_index`; None in a bank of one question. The fit (grading.training.wrong_question)
    takes its rows from here, so it learns from what detection computes."""
    others = np.delete(np.arange(len(similarities)), own_index)
    if not len(others):
        return None
    best = int(others[np.argmax(similarities[others])])
    alike = references_alike(references[own_index], references[best], floor)
    return best, (float(similarities[own_index]), float(similarities[best]), alike)


def question_similarities(whole: np.ndarray, references: Sequence[np.ndarray], floor: float) -> np.ndarray:
    """An answer's similarity to each question: the best of its reference vectors, rescaled."""
    return np.array([float(rescale(vectors @ whole, floor).max()) for vectors in references])


def references_alike(first: np.ndarray, second: np.ndarray, floor: float) -> float:
    """How alike two questions' references are: their best pair of reference vectors, rescaled."""
    return float(rescale(first @ second.T, floor).max())
