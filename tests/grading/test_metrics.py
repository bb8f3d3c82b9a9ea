"""Agreement metrics checked against scipy and scikit-learn on the same numbers."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats  # type: ignore[import-untyped]
from sklearn.metrics import cohen_kappa_score, f1_score  # type: ignore[import-untyped]

from grading.evaluate import compute_metrics, pearson, quadratic_weighted_kappa, rmse, spearman

rng = np.random.default_rng(7)
HUMAN = np.round(rng.uniform(0, 5, 300) * 2) / 2
PREDICTED = np.clip(HUMAN + rng.normal(0, 1.0, 300), 0, 5)


def test_pearson_and_spearman_match_scipy() -> None:
    assert pearson(PREDICTED, HUMAN) == pytest.approx(stats.pearsonr(PREDICTED, HUMAN)[0])
    assert spearman(PREDICTED, HUMAN) == pytest.approx(stats.spearmanr(PREDICTED, HUMAN)[0])


def test_pearson_is_none_without_spread_or_pairs() -> None:
    assert pearson([0.1, 0.1, 0.1], [0.0, 0.5, 1.0]) is None
    assert pearson([1.0], [1.0]) is None
    assert pearson([1.0, 2.0], [1.0, 2.0, 3.0]) is None


def test_rmse() -> None:
    assert rmse([1, 2, 3], [1, 2, 5]) == pytest.approx(np.sqrt(4 / 3))


def test_qwk_matches_sklearn_on_the_half_point_grid() -> None:
    expected = cohen_kappa_score(
        np.floor(HUMAN * 2 + 0.5).astype(int), np.floor(PREDICTED * 2 + 0.5).astype(int), weights="quadratic"
    )
    assert quadratic_weighted_kappa(PREDICTED, HUMAN) == pytest.approx(expected)


def test_binary_labels_get_accuracy_and_macro_f1() -> None:
    human = rng.integers(0, 2, 200).astype(float)
    predicted = np.clip(human * 0.7 + rng.uniform(0, 0.6, 200), 0, 1)
    metrics = compute_metrics(predicted, human, np.ones(200))
    assert metrics.accuracy == pytest.approx(np.mean((predicted >= 0.5) == (human == 1)))
    assert metrics.macro_f1 == pytest.approx(f1_score(human == 1, predicted >= 0.5, average="macro"))


def test_scaled_scores_have_no_binary_metrics() -> None:
    metrics = compute_metrics(PREDICTED, HUMAN, np.full(300, 5.0))
    assert metrics.accuracy is None and metrics.macro_f1 is None
    assert metrics.n == 300 and metrics.pearson is not None


def test_constant_predictions_give_no_correlation() -> None:
    assert pearson([1, 1, 1], [0, 1, 2]) is None
