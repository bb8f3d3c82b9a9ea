"""Soft alignment of contextual token vectors (BERTScore-style), a Sultan-like word alignment that
also credits paraphrases and translations.

The model's last-layer token states come out of the same forward pass that produces the sentence
vectors, so aligning them costs no extra encoding. Every reference token takes its best match
among the answer's tokens (recall: is what the reference says in the answer?) and every answer
token its best match in the reference (precision: is the answer about the reference or about
something else?). Tokens are weighted by rarity, from the tokenizer's own Unigram log-probabilities
(so it works in every language the model knows, with no corpus statistics), and tokens that already
appear in the question count less: restating the question earns little.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

QUESTION_TOKEN_WEIGHT = 0.3
"""Weight of tokens that appear in the question, relative to the rest."""
ALIGNED = 0.8
"""A rescaled token similarity at least this high counts as an exact-enough match ("hard" recall)."""
RARITY_OFFSET = 5.0
"""Unigram log-probabilities above -5 (the, och, punctuation …) all get the minimum weight."""
MIN_RARITY = 0.5


@dataclass(frozen=True)
class TokenStates:
    """A text's tokens (special and prefix tokens removed): ids, unit-length vectors, rarity weights."""

    ids: np.ndarray
    vectors: np.ndarray
    weights: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def empty(cls, dimension: int) -> TokenStates:
        return cls(
            np.zeros(0, dtype=np.int32), np.zeros((0, dimension), dtype=np.float32), np.zeros(0, np.float32)
        )

    @classmethod
    def concatenate(cls, parts: Sequence[TokenStates], dimension: int) -> TokenStates:
        """The tokens of several units (an answer's sentences) as one text."""
        if not parts:
            return cls.empty(dimension)
        return cls(
            np.concatenate([part.ids for part in parts]),
            np.concatenate([part.vectors for part in parts]),
            np.concatenate([part.weights for part in parts]),
        )


def rarity_weights(log_probabilities: np.ndarray) -> np.ndarray:
    """Rarer pieces weigh more: -log p above the offset, never below a small minimum."""
    return np.clip(-log_probabilities - RARITY_OFFSET, MIN_RARITY, None).astype(np.float32)


@dataclass(frozen=True)
class Alignment:
    recall: float
    precision: float
    hard_recall: float

    @property
    def f1(self) -> float:
        total = self.recall + self.precision
        return 2.0 * self.recall * self.precision / total if total > 0 else 0.0


NO_ALIGNMENT = Alignment(0.0, 0.0, 0.0)


def align(reference: TokenStates, answer: TokenStates, question_ids: np.ndarray, floor: float) -> Alignment:
    """Weighted soft recall/precision of the reference's tokens in the answer and back.

    Similarities are rescaled per model ((cos - floor) / (1 - floor)), the floor being the median
    similarity of unrelated tokens, so the values mean the same for every model.
    """
    if not len(reference) or not len(answer):
        return NO_ALIGNMENT
    similarity = np.clip((reference.vectors @ answer.vectors.T - floor) / (1.0 - floor), 0.0, 1.0)
    reference_weights = _demoted(reference, question_ids)
    answer_weights = _demoted(answer, question_ids)
    reference_best = similarity.max(axis=1)
    return Alignment(
        recall=float(reference_weights @ reference_best / reference_weights.sum()),
        precision=float(answer_weights @ similarity.max(axis=0) / answer_weights.sum()),
        hard_recall=float(reference_weights @ (reference_best > ALIGNED) / reference_weights.sum()),
    )


def question_echo(answer: TokenStates, question: TokenStates, floor: float) -> float:
    """Mean best similarity of the answer's tokens to the question's: how much it just restates it."""
    if not len(answer) or not len(question):
        return 0.0
    similarity = np.clip((answer.vectors @ question.vectors.T - floor) / (1.0 - floor), 0.0, 1.0)
    return float(similarity.max(axis=1).mean())


def _demoted(states: TokenStates, question_ids: np.ndarray) -> np.ndarray:
    # A broadcast comparison, not np.isin: both sides are a few dozen ids, where isin's sorting costs
    # several times more, and grading aligns every key point's wordings with every answer.
    in_question = (states.ids[:, None] == question_ids[None, :]).any(axis=1)
    factor = np.where(in_question, QUESTION_TOKEN_WEIGHT, 1.0)
    return np.asarray(states.weights * factor + 1e-9, dtype=np.float64)
