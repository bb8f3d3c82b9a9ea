"""Calibration: monotone by construction, JSON round trip, and refused for another model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grading.calibration import Calibration, isotonic_fit
from question_bank.errors import TentaError

pairs = st.lists(
    st.tuples(st.floats(-5, 5, allow_nan=False, allow_infinity=False), st.floats(0, 1, allow_nan=False)),
    min_size=2,
    max_size=300,
)


@settings(max_examples=100, deadline=None)
@given(pairs, st.lists(st.floats(-10, 10, allow_nan=False), min_size=2, max_size=50))
def test_isotonic_fit_is_monotone_and_bounded(data: list[tuple[float, float]], probes: list[float]) -> None:
    raw, target = zip(*data, strict=True)
    calibration = isotonic_fit(raw, target, model_id="m")
    values = calibration.apply(np.sort(np.array(probes)))
    assert np.all(np.diff(values) >= -1e-12)
    assert np.all((values >= 0) & (values <= 1))


def test_isotonic_fit_recovers_a_monotone_relation() -> None:
    rng = np.random.default_rng(0)
    raw = rng.uniform(0, 1, 2000)
    target = np.clip(raw**2 + rng.normal(0, 0.05, 2000), 0, 1)
    calibration = isotonic_fit(raw, target, model_id="m")
    assert abs(calibration(0.5) - 0.25) < 0.05
    assert abs(calibration(0.9) - 0.81) < 0.05


def test_json_round_trip(tmp_path: Path) -> None:
    calibration = isotonic_fit([0.1, 0.4, 0.5, 0.9], [0.0, 0.2, 0.6, 1.0], model_id="all-MiniLM-L6-v2")
    path = tmp_path / "calibration.json"
    calibration.save(path)
    assert path.read_text(encoding="utf-8").lstrip().startswith("{")
    loaded = Calibration.load(path, model_id="all-MiniLM-L6-v2")
    assert loaded == calibration


def test_calibration_for_another_model_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "calibration.json"
    isotonic_fit([0.1, 0.9], [0.0, 1.0], model_id="all-MiniLM-L6-v2").save(path)
    with pytest.raises(TentaError, match="fitted for model 'all-MiniLM-L6-v2'"):
        Calibration.load(path, model_id="multilingual-e5-small")


def test_non_monotone_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"model_id": "m", "x": [0, 1], "y": [0.9, 0.1]}', encoding="utf-8")
    with pytest.raises(TentaError, match="not a tenta calibration file"):
        Calibration.load(path)
