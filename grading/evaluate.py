"""Agreement with human graders: Pearson, Spearman, RMSE, quadratic weighted kappa, accuracy, macro-F1.

`evaluate_records` grades a dataset through the same Grader path the app uses and returns an
`EvaluationReport` (overall and per question) that the CLI prints and writes as JSON.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence

import numpy as np
from pydantic import BaseModel

from grading.datasets import GradedRecord, questions_for
from grading.grader import GradedExample, Grader, GradeRequest
from grading.models import Grade
from question_bank.models import Bank

ProgressCallback = Callable[[int, int], None]
UNKNOWN_LANGUAGE = "unknown"


def pearson(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray) -> float | None:
    """Pearson's r, or None when it is undefined (fewer than two pairs or no spread on one side)."""
    a, b = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if len(a) < 2 or len(a) != len(b) or a.std() <= 1e-12 or b.std() <= 1e-12:
        return None
    return float(np.corrcoef(a, b)[0, 1])


def _ranks(values: np.ndarray) -> np.ndarray:
    """Average ranks (ties share the mean rank), as scipy.stats.rankdata does."""
    order = np.argsort(values, kind="mergesort")
    ranks = np.empty(len(values), dtype=np.float64)
    sorted_values = values[order]
    start = 0
    while start < len(values):
        end = start
        while end + 1 < len(values) and sorted_values[end + 1] == sorted_values[start]:
            end += 1
        ranks[order[start : end + 1]] = (start + end) / 2.0 + 1.0
        start = end + 1
    return ranks


def spearman(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray) -> float | None:
    a, b = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if len(a) < 2:
        return None
    return pearson(_ranks(a), _ranks(b))


def rmse(predicted: Sequence[float] | np.ndarray, actual: Sequence[float] | np.ndarray) -> float | None:
    a, b = np.asarray(predicted, dtype=np.float64), np.asarray(actual, dtype=np.float64)
    if not len(a):
        return None
    return float(np.sqrt(np.mean((a - b) ** 2)))


def score_step(scores: Sequence[float] | np.ndarray) -> float:
    """The grid human scores lie on (1, 0.5, 0.25 or 0.1), used to turn scores into kappa categories."""
    values = np.asarray(scores, dtype=np.float64)
    for step in (1.0, 0.5, 0.25, 0.1):
        if np.allclose(values / step, np.round(values / step), atol=1e-6):
            return step
    return 0.1


def quadratic_weighted_kappa(
    predicted: Sequence[float] | np.ndarray, actual: Sequence[float] | np.ndarray, step: float | None = None
) -> float | None:
    """Cohen's kappa with quadratic weights over score categories (predictions rounded half up)."""
    a = np.asarray(actual, dtype=np.float64)
    p = np.asarray(predicted, dtype=np.float64)
    if len(a) < 2:
        return None
    step = step or score_step(a)
    actual_cat = np.floor(a / step + 0.5).astype(int)
    predicted_cat = np.floor(p / step + 0.5).astype(int)
    low = min(actual_cat.min(), predicted_cat.min())
    size = max(actual_cat.max(), predicted_cat.max()) - low + 1
    if size < 2:
        return None
    observed = np.zeros((size, size))
    np.add.at(observed, (actual_cat - low, predicted_cat - low), 1.0)
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / observed.sum()
    grid = np.arange(size)
    weights = (grid[:, None] - grid[None, :]) ** 2 / (size - 1) ** 2
    denominator = float((weights * expected).sum())
    if denominator == 0:
        return None
    return 1.0 - float((weights * observed).sum()) / denominator


def binary_metrics(predicted_correct: np.ndarray, actual_correct: np.ndarray) -> tuple[float, float]:
    """Accuracy and macro-F1 over the two classes (correct / incorrect)."""
    accuracy = float(np.mean(predicted_correct == actual_correct))
    f1s = []
    for cls in (True, False):
        tp = float(np.sum((predicted_correct == cls) & (actual_correct == cls)))
        fp = float(np.sum((predicted_correct == cls) & (actual_correct != cls)))
        fn = float(np.sum((predicted_correct != cls) & (actual_correct == cls)))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0)
    return accuracy, float(np.mean(f1s))


class Metrics(BaseModel):
    n: int
    pearson: float | None
    spearman: float | None
    rmse: float | None
    qwk: float | None
    accuracy: float | None
    macro_f1: float | None
    mean_difference: float | None = None
    """Mean of (engine - human) as a fraction of the maximum: below 0, the engine grades more strictly."""


def compute_metrics(
    predicted: Sequence[float] | np.ndarray,
    actual: Sequence[float] | np.ndarray,
    max_scores: Sequence[float] | np.ndarray,
) -> Metrics:
    """All metrics on the dataset's own scale; accuracy and macro-F1 only when human scores are 0/max."""
    p = np.asarray(predicted, dtype=np.float64)
    a = np.asarray(actual, dtype=np.float64)
    m = np.asarray(max_scores, dtype=np.float64)
    binary = len(a) > 0 and bool(np.all((a == 0) | (a == m)))
    accuracy = macro_f1 = None
    if binary:
        accuracy, macro_f1 = binary_metrics(p >= m / 2, a >= m / 2)
    single_scale = len(set(m.tolist())) <= 1
    return Metrics(
        n=len(a),
        pearson=_finite(pearson(p, a)),
        spearman=_finite(spearman(p, a)),
        rmse=_finite(rmse(p, a)),
        qwk=_finite(quadratic_weighted_kappa(p, a)) if single_scale else None,
        accuracy=accuracy,
        macro_f1=macro_f1,
        mean_difference=float(np.mean((p - a) / m)) if len(a) else None,
    )


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


class QuestionMetrics(Metrics):
    question_id: str


class LanguageMetrics(Metrics):
    language: str
    """The record's own `language`, else the one the grader detected; "unknown" when neither says."""


class EvaluationReport(Metrics):
    """Overall metrics plus one row per question and per answer language (are Swedish answers graded as
    well as English ones?); `predictions` holds the engine's scores in input order."""

    model_id: str
    grader_version: str
    per_question: list[QuestionMetrics]
    per_language: list[LanguageMetrics]
    predictions: list[float]
    confidences: list[float]


def evaluate_records(
    grader: Grader,
    records: Sequence[GradedRecord],
    *,
    bank: Bank | None = None,
    examples: Sequence[GradedRecord] = (),
    batch_size: int = 64,
    progress: ProgressCallback | None = None,
    classmates: bool = True,
) -> EvaluationReport:
    """Grade every record and compare with the human scores.

    `examples` are human-graded answers that inform records with the same question id (records that
    are themselves being evaluated are never used as their own examples). With `classmates`, the other
    records' answers to the same question are each answer's classmates (grading.classmates; their
    scores are never used), as when a teacher grades a class's submissions together.
    """
    questions = questions_for(records, bank)
    evaluated = {(record.group, record.student_answer) for record in records}
    by_question: dict[str, list[GradedExample]] = defaultdict(list)
    for example in examples:
        if (example.group, example.student_answer) not in evaluated:
            by_question[example.group].append(
                GradedExample(answer=example.student_answer, fraction=example.fraction)
            )
    by_group: dict[str, list[int]] = defaultdict(list)
    for index, record in enumerate(records):
        by_group[record.group].append(index)
    class_of = {
        group: tuple(records[index].student_answer for index in indexes) if classmates else ()
        for group, indexes in by_group.items()
    }
    order = [index for indexes in by_group.values() for index in indexes]  # a class graded together
    grades: dict[int, Grade] = {}
    for start in range(0, len(order), batch_size):
        batch = order[start : start + batch_size]
        requests = [
            GradeRequest(
                question=questions[index],
                answer=records[index].student_answer,
                bank=bank,
                examples=tuple(by_question.get(records[index].group, ())),
                classmates=class_of[records[index].group],
            )
            for index in batch
        ]
        grades.update(zip(batch, grader.grade_many(requests), strict=True))
        if progress is not None:
            progress(len(grades), len(records))
    predictions = [
        _on_record_scale(grades[index].score, grades[index].max_points, record)
        for index, record in enumerate(records)
    ]
    confidences = [grades[index].confidence for index in range(len(records))]
    languages = [
        record.language or grades[index].language or UNKNOWN_LANGUAGE for index, record in enumerate(records)
    ]
    actual = [record.score for record in records]
    max_scores = [record.max_score for record in records]

    def subset(keys: Sequence[str]) -> dict[str, list[int]]:
        indexes: dict[str, list[int]] = defaultdict(list)
        for index, key in enumerate(keys):
            indexes[key].append(index)
        return indexes

    def metrics_of(indexes: list[int]) -> Metrics:
        return compute_metrics(
            [predictions[i] for i in indexes], [actual[i] for i in indexes], [max_scores[i] for i in indexes]
        )

    per_question = [
        QuestionMetrics(question_id=group, **metrics_of(indexes).model_dump())
        for group, indexes in subset([record.group for record in records]).items()
    ]
    per_language = [
        LanguageMetrics(language=language, **metrics_of(indexes).model_dump())
        for language, indexes in sorted(subset(languages).items())
    ]
    return EvaluationReport(
        **compute_metrics(predictions, actual, max_scores).model_dump(),
        model_id=grader.model_id,
        grader_version=grader.version,
        per_question=per_question,
        per_language=per_language,
        predictions=predictions,
        confidences=confidences,
    )


def _on_record_scale(score: float, max_points: float, record: GradedRecord) -> float:
    """A bank question's score on the record's own scale: the human grader may have marked the
    question out of other points than the bank gives it (e.g. 2 where the bank says 3)."""
    return score if max_points == record.max_score else score / max_points * record.max_score
