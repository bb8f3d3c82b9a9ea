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
    similarity of unrelated tokens, so the values mean the same for every model. This is the
    definition; grading aligns an answer with many texts at once through TokenStack, which must
    give the same numbers (tests/grading/test_token_stack.py).
    """
    if not len(reference) or not len(answer):
        return NO_ALIGNMENT
    similarity = _rescaled(reference.vectors @ answer.vectors.T, floor)
    reference_weights = _demoted(reference, question_ids)
    answer_weights = _demoted(answer, question_ids)
    reference_best = similarity.max(axis=1)
    return Alignment(
        recall=float(reference_weights @ reference_best / reference_weights.sum()),
        precision=float(answer_weights @ similarity.max(axis=0) / answer_weights.sum()),
        hard_recall=float(reference_weights @ (reference_best > ALIGNED) / reference_weights.sum()),
    )


@dataclass(frozen=True)
class Alignments:
    """One answer aligned with several texts: `align`'s three values per text, as arrays."""

    recall: np.ndarray
    precision: np.ndarray
    hard_recall: np.ndarray

    @property
    def f1(self) -> np.ndarray:
        total = self.recall + self.precision
        f1: np.ndarray = np.divide(
            2.0 * self.recall * self.precision, total, out=np.zeros_like(total), where=total > 0
        )
        return f1

    def best(self) -> Alignment:
        """The alignment with the text the answer covers best (the first of equals); none without texts."""
        if not len(self.recall):
            return NO_ALIGNMENT
        index = int(np.argmax(self.recall))
        return Alignment(
            float(self.recall[index]), float(self.precision[index]), float(self.hard_recall[index])
        )


@dataclass(frozen=True)
class TokenStack:
    """Several texts' tokens with their weights demoted once, so that aligning an answer with all of them
    takes one set of reductions over the stacked similarities instead of one `align` per text.

    Grading aligns every answer with each key-point wording, each reference and each graded answer of
    its question (~18 texts per dl-course answer); one `align` per text spent more time on repeated
    small work (demoting, rescaling, reducing) than on the similarities themselves. The rescaling is
    monotone, so it is applied to the maxima instead of to every similarity. The products stay one per
    text, shaped as in `align`: BLAS rounds a float32 product by its shape, and one stacked product
    moved the graded-neighbour features by up to 2.4e-6; this way the similarities are `align`'s, bit
    for bit.
    """

    parts: tuple[np.ndarray, ...]
    """The token vectors of each text that has tokens."""
    weights: np.ndarray
    """The stacked tokens' rarity weights, question tokens demoted."""
    starts: np.ndarray
    """First stacked row of each text that has tokens."""
    totals: np.ndarray
    """Each text's weight sum (only texts with tokens)."""
    present: np.ndarray
    """Which texts have tokens: an empty text aligns with nothing, as in `align`."""
    question_ids: np.ndarray

    @classmethod
    def of(cls, texts: Sequence[TokenStates], question_ids: np.ndarray) -> TokenStack:
        kept = [states for states in texts if len(states)]
        weights = [_demoted(states, question_ids) for states in kept]
        lengths = np.array([len(states) for states in kept], dtype=np.intp)
        return cls(
            parts=tuple(states.vectors for states in kept),
            weights=np.concatenate(weights) if kept else np.zeros(0),
            starts=np.cumsum(lengths) - lengths,
            totals=np.array([part.sum() for part in weights], dtype=np.float64),
            present=np.array([len(states) > 0 for states in texts], dtype=bool),
            question_ids=question_ids,
        )

    def align(self, answer: TokenStates, floor: float) -> Alignments:
        """`align(text, answer, question_ids, floor)` for every text of the stack, in the stack's order."""
        recall, precision, hard_recall = (np.zeros(len(self.present)) for _ in range(3))
        if self.parts and len(answer):
            similarity = np.concatenate([part @ answer.vectors.T for part in self.parts])
            best = _rescaled(similarity.max(axis=1), floor)
            columns = _rescaled(np.maximum.reduceat(similarity, self.starts, axis=0), floor)
            answer_weights = _demoted(answer, self.question_ids)
            recall[self.present] = np.add.reduceat(self.weights * best, self.starts) / self.totals
            precision[self.present] = columns @ answer_weights / answer_weights.sum()
            hard_recall[self.present] = (
                np.add.reduceat(self.weights * (best > ALIGNED), self.starts) / self.totals
            )
        return Alignments(recall, precision, hard_recall)


def question_echo(answer: TokenStates, question: TokenStates, floor: float) -> float:
    """Mean best similarity of the answer's tokens to the question's: how much it just restates it."""
    if not len(answer) or not len(question):
        return 0.0
    similarity = _rescaled(answer.vectors @ question.vectors.T, floor)
    return float(similarity.max(axis=1).mean())


def _rescaled(similarity: np.ndarray, floor: float) -> np.ndarray:
    return np.clip((similarity - floor) / (1.0 - floor), 0.0, 1.0)


def _demoted(states: TokenStates, question_ids: np.ndarray) -> np.ndarray:
    # A broadcast comparison, not np.isin: both sides are a few dozen ids, where isin's sorting costs
    # several times more, and grading aligns every key point's wordings with every answer.
    in_question = (states.ids[:, None] == question_ids[None, :]).any(axis=1)
    factor = np.where(in_question, QUESTION_TOKEN_WEIGHT, 1.0)
    return np.asarray(states.weights * factor + 1e-9, dtype=np.float64)
