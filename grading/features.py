"""Grading features of one answer: similarity to the reference, key-point coverage, lexical alignment,
length, restating the question, and nearest human-graded answers.

Every embedding similarity is rescaled per model ((cos - floor) / (1 - floor)) so that features mean
the same thing for MiniLM (unrelated text ~0.1) and e5 (unrelated text ~0.8); the floor is measured
on the datasets and shipped with the model's coefficients.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from grading.language_bridge import LanguageBridge, bridged
from grading.models import Passage
from grading.retrieval import GradedAnswerIndex
from grading.text import content_words
from grading.tokens import TokenStack, TokenStates, question_echo
from question_bank.language import UNDETERMINED
from question_bank.models import RubricPoint

QUESTION_WORD_WEIGHT = 0.3
"""Weight of reference words that already appear in the question: restating the question earns little."""
KNN_K = 7
PASSAGE_DISCOUNT = 0.9
"""Matching a supporting course passage counts almost, but not quite, as much as matching the point itself."""
POINT_MEANING_WEIGHT = 0.25
"""Share of a key point's evidence from the best-matching sentence's embedding; the rest is how much of the
point's own tokens the answer covers (soft token alignment). Sentence similarity alone gives related but
different sentences partial credit; on the team's 157 hand-graded seed-exam answers, point credit
correlates with the human grade at Pearson 0.671 by sentence similarity alone and 0.757 with this mix
(flat between 0 and 0.3; chosen leave-one-question-out)."""

LEXICAL_FEATURES = ("lex_recall", "lex_precision", "point_lex", "q_restate")
EMBEDDING_FEATURES = ("ref_cos", "ref_sent_cos", "point_cov", "point_min", "q_cos", "len_ratio")
KNN_FEATURES = (
    "knn_mean",
    "knn_top",
    "knn_gap",
    "knn_sim",
    "knn_lex",
    "proto_good",
    "proto_bad",
    "proto_gap",
)
"""Nearest graded answers, and similarity to the mean correct and the mean wrong graded answer
(prototypes: out of fold, unseen answers, SciEntsBank Pearson 0.699 -> 0.712, Mohler 0.790 -> 0.801)."""
KNN_TOKEN_FEATURES = ("knn_tok_good", "knn_tok_bad", "knn_tok_mean", "knn_tok_top")
"""Graded answers as extra model answers: how well the answer aligns, token by token, with the best
correct and the best wrong graded answer, and what the best-aligned ones scored."""
KNN_TOKEN_TOP = 7
TOKEN_FEATURES = ("tok_recall", "tok_precision", "tok_f1", "tok_hard", "tok_q")
"""Soft alignment of contextual token vectors (grading.tokens): language-independent, so they also
work when no reference is in the answer's language."""


@dataclass(frozen=True)
class PointProfile:
    """A rubric point with the vectors and words of its accepted wordings and its supporting passage."""

    point: RubricPoint
    texts: tuple[str, ...]
    vectors: np.ndarray
    words: tuple[frozenset[str], ...]
    passage: Passage | None = None
    passage_vector: np.ndarray | None = None
    tokens: tuple[TokenStates, ...] = ()
    """Token states of each accepted wording (empty when the encoder gives none)."""
    languages: tuple[str | None, ...] = ()
    """The language of each wording (None when unclear)."""


LONG_REFERENCE_WORDS = 40
"""Words from which a reference is longer than the combiner's training ever showed: 97 % of the 239
dataset references it is fitted on are shorter (their median is 12 to 15 words)."""


@dataclass(frozen=True)
class QuestionProfile:
    """Everything about a question that grading needs, computed once per question."""

    question_id: str
    references: tuple[str, ...]
    reference_languages: tuple[str, ...]
    reference_vectors: np.ndarray
    prompt_vectors: np.ndarray
    question_words: frozenset[str]
    reference_words: tuple[frozenset[str], ...]
    points: tuple[PointProfile, ...]
    authored_rubric: bool = False
    """The key points were written by a person (see grading.rubric.rubric_is_authored)."""
    long_reference: bool = False
    """Some reference has at least LONG_REFERENCE_WORDS words: an exam answer, not a dataset's short one."""
    reference_tokens: tuple[TokenStates, ...] = ()
    """Token states of every complete model answer (the references, and a single point's paraphrases)."""
    question_tokens: TokenStates | None = None
    """Token states of the prompts (all languages), for demoting and detecting restated question tokens."""
    prompt_languages: tuple[str, ...] = ()

    @property
    def question_ids(self) -> np.ndarray:
        return self.question_tokens.ids if self.question_tokens is not None else np.zeros(0, dtype=np.int32)

    @cached_property
    def wording_stack(self) -> TokenStack:
        """Every key point's wordings' tokens, point after point, stacked once per question."""
        return TokenStack.of([states for point in self.points for states in point.tokens], self.question_ids)

    @cached_property
    def reference_stack(self) -> TokenStack:
        """The model answers' tokens, stacked once per question."""
        return TokenStack.of(self.reference_tokens, self.question_ids)


@dataclass(frozen=True)
class PointMatch:
    """The best evidence found for one point: `similarity` of the best unit (a combiner feature) and
    `evidence`, which also counts the point's tokens the answer covers (status, credit and feedback)."""

    similarity: float
    unit_index: int
    via_passage: bool
    evidence: float


@dataclass
class FeatureResult:
    values: dict[str, float]
    matches: list[PointMatch] = field(default_factory=list)
    lexical_available: bool = True


def _best_sentence(similarities: np.ndarray) -> int:
    """The unit (row) to quote as the match: the best sentence, never the whole answer (the last unit
    when there are several), which the score may use but which quoted says nothing."""
    sentences = similarities[:-1] if len(similarities) > 1 else similarities
    return int(np.unravel_index(int(np.argmax(sentences)), sentences.shape)[0])


def rescale(cosines: np.ndarray, floor: float) -> np.ndarray:
    """Map raw cosine to ~0 for unrelated text and 1 for identical text, per model."""
    return np.clip((cosines - floor) / (1.0 - floor), 0.0, 1.0)


def weighted_recall(reference: frozenset[str], answer: set[str], question: frozenset[str]) -> float:
    """Share of reference content words present in the answer, question words demoted."""
    if not reference:
        return 0.0
    total = sum(QUESTION_WORD_WEIGHT if word in question else 1.0 for word in reference)
    found = sum(QUESTION_WORD_WEIGHT if word in question else 1.0 for word in reference if word in answer)
    return found / total


def compute_features(
    profile: QuestionProfile,
    *,
    answer_text: str,
    language: str | None,
    unit_vectors: np.ndarray,
    floor: float,
    examples: GradedAnswerIndex | None = None,
    answer_tokens: TokenStates | None = None,
    token_floor: float = 0.0,
    bridge: LanguageBridge | None = None,
    class_values: dict[str, float] | None = None,
) -> FeatureResult:
    """Features of an answer whose units (sentences, then the whole answer last) are already encoded.

    With a `bridge`, similarities measured against texts that are all in another language than the
    answer are mapped to what they would be within one language (grading.language_bridge).
    `class_values` are the answer's place among its classmates (grading.classmates), bridged with them.
    """
    whole = unit_vectors[-1]
    ref_cos = float(rescale(profile.reference_vectors @ whole, floor).max())
    ref_sent_cos = float(rescale(unit_vectors @ profile.reference_vectors.T, floor).max())
    q_cos = (
        float(rescale(profile.prompt_vectors @ whole, floor).max()) if len(profile.prompt_vectors) else 0.0
    )

    coverages = (
        point_token_coverage(profile, answer_tokens, token_floor)
        if answer_tokens is not None
        else [None] * len(profile.points)
    )
    matches: list[PointMatch] = []
    for point, coverage in zip(profile.points, coverages, strict=True):
        sims = rescale(unit_vectors @ point.vectors.T, floor)
        unit_index = _best_sentence(sims)
        best, via_passage = float(sims.max()), False
        if point.passage_vector is not None:
            passage_sims = rescale(unit_vectors @ point.passage_vector, floor) * PASSAGE_DISCOUNT
            if float(passage_sims.max()) > best:
                best, unit_index, via_passage = float(passage_sims.max()), _best_sentence(passage_sims), True
        evidence = best
        if coverage is not None:
            evidence = POINT_MEANING_WEIGHT * best + (1.0 - POINT_MEANING_WEIGHT) * coverage
        if bridge is not None and all_in_other_language(point.languages, language):
            best, evidence = bridged(best, bridge.point), bridged(evidence, bridge.point)
        matches.append(PointMatch(best, unit_index, via_passage, evidence))
    weights = np.array([point.point.weight for point in profile.points])
    point_sims = np.array([match.similarity for match in matches])
    point_cov = float(weights @ point_sims / weights.sum())

    answer_words = content_words(answer_text, language)
    answer_set = set(answer_words)
    same_language = [  # a reference of undetermined language (e.g. "CNN") is compared with any answer
        index
        for index, ref_language in enumerate(profile.reference_languages)
        if ref_language in (language, UNDETERMINED)
    ]
    lexical_available = bool(same_language) or language is None
    candidates = same_language or list(range(len(profile.references)))
    lex_recall = max(
        weighted_recall(profile.reference_words[index], answer_set, profile.question_words)
        for index in candidates
    )
    known = set().union(*(profile.reference_words[index] for index in candidates))
    for point in profile.points:
        known.update(*point.words)
    novel = [word for word in answer_words if word not in profile.question_words]
    lex_precision = sum(word in known for word in novel) / len(novel) if novel else 0.0
    point_lex = float(
        sum(
            point.point.weight
            * max(weighted_recall(words, answer_set, profile.question_words) for words in point.words)
            for point in profile.points
        )
        / weights.sum()
    )
    q_restate = (
        sum(word in profile.question_words for word in answer_words) / len(answer_words)
        if answer_words
        else 0.0
    )
    reference_length = float(np.mean([len(profile.reference_words[index]) for index in candidates]))
    values = {
        "ref_cos": ref_cos,
        "ref_sent_cos": ref_sent_cos,
        "point_cov": point_cov,
        "point_min": float(point_sims.min()),
        "q_cos": q_cos,
        "len_ratio": math.log((len(answer_set) + 1.0) / (reference_length + 1.0)),
        "lex_recall": lex_recall,
        "lex_precision": lex_precision,
        "point_lex": point_lex,
        "q_restate": q_restate,
    }
    if answer_tokens is not None and profile.reference_tokens:
        values.update(token_features(profile, answer_tokens, token_floor))
    values.update(class_values or {})
    if bridge is not None:
        crosses = all_in_other_language(profile.reference_languages, language)
        values = bridge.across(
            values,
            reference=(language, profile.reference_languages[0]) if crosses and language else None,
            question=all_in_other_language(profile.prompt_languages, language),
        )
    if examples is not None and len(examples):
        values.update(knn_features(examples, whole, floor))
        values["knn_lex"] = examples.lexical_vote(answer_set)
        if answer_tokens is not None and examples.tokens:
            values.update(knn_token_features(examples, answer_tokens, token_floor))
    return FeatureResult(values, matches, lexical_available)


def all_in_other_language(languages: Sequence[str | None], answer_language: str | None) -> bool:
    """Every text is known to be in another language than the answer (an unclear or undetermined
    language on either side never counts as another one)."""
    unclear = (None, UNDETERMINED)
    return (
        answer_language not in unclear
        and bool(languages)
        and all(language not in unclear and language != answer_language for language in languages)
    )


def point_token_coverage(profile: QuestionProfile, answer: TokenStates, floor: float) -> list[float | None]:
    """How much of each key point's own tokens (question tokens demoted) the answer covers, best
    wording; None for a point without token states."""
    recall = profile.wording_stack.align(answer, floor).recall
    coverages: list[float | None] = []
    start = 0
    for point in profile.points:
        stop = start + len(point.tokens)
        coverages.append(float(recall[start:stop].max()) if point.tokens else None)
        start = stop
    return coverages


def token_features(profile: QuestionProfile, answer: TokenStates, floor: float) -> dict[str, float]:
    """Alignment with the best-covered model answer, and how much of the answer echoes the question."""
    question = profile.question_tokens
    best = profile.reference_stack.align(answer, floor).best()
    return {
        "tok_recall": best.recall,
        "tok_precision": best.precision,
        "tok_f1": best.f1,
        "tok_hard": best.hard_recall,
        "tok_q": question_echo(answer, question, floor) if question is not None else 0.0,
    }


def knn_features(examples: GradedAnswerIndex, vector: np.ndarray, floor: float) -> dict[str, float]:
    """What the nearest human-graded answers say: weighted mean, nearest one, correct-vs-wrong gap."""
    cosines, fractions = examples.neighbours(vector, KNN_K)
    sims = rescale(cosines, floor)
    weights = np.maximum(sims, 1e-3) ** 4
    good, bad = sims[fractions >= 0.5], sims[fractions < 0.5]
    proto_good, proto_bad = (
        float(rescale(np.array([prototype @ vector]), floor)[0]) if prototype is not None else 0.0
        for prototype in examples.prototypes
    )
    return {
        "knn_mean": float(weights @ fractions / weights.sum()),
        "knn_top": float(fractions[0]),
        "knn_gap": float((good.max() if len(good) else 0.0) - (bad.max() if len(bad) else 0.0)),
        "knn_sim": float(sims[0]),
        "proto_good": proto_good,
        "proto_bad": proto_bad,
        "proto_gap": proto_good - proto_bad,
    }


def knn_token_features(examples: GradedAnswerIndex, answer: TokenStates, floor: float) -> dict[str, float]:
    agreement = examples.token_agreement(answer, floor)
    fractions = examples.fractions
    good, bad = agreement[fractions >= 0.5], agreement[fractions < 0.5]
    top = np.argsort(-agreement, kind="stable")[:KNN_TOKEN_TOP]
    weights = np.maximum(agreement[top], 1e-3) ** 8
    return {
        "knn_tok_good": float(good.max()) if len(good) else 0.0,
        "knn_tok_bad": float(bad.max()) if len(bad) else 0.0,
        "knn_tok_mean": float(weights @ fractions[top] / weights.sum()),
        "knn_tok_top": float(fractions[top[0]]),
    }


def feature_vector(values: dict[str, float], names: Sequence[str]) -> np.ndarray:
    return np.array([values.get(name, 0.0) for name in names], dtype=np.float64)
