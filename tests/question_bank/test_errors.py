"""How a pydantic problem's location is named in tenta's errors: one spelling (field_name) for the
settings, the graded datasets and the calibration files, each checked on a real bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from grading.calibration import Calibration
from grading.datasets import read_records
from question_bank.errors import InputFileError, field_name
from quiz.settings import Settings


class _Rubric(BaseModel):
    weights: tuple[float, ...]


class _Question(BaseModel):
    rubric: _Rubric


def test_a_nested_location_is_named_with_dots_and_a_whole_record_problem_with_nothing() -> None:
    with pytest.raises(ValidationError) as raised:
        _Question.model_validate({"rubric": {"weights": [1, "heavy"]}})
    assert field_name(raised.value.errors()[0]["loc"]) == "rubric.weights.1"
    assert field_name(()) == ""


def test_a_dataset_line_names_the_item_of_a_list_field(tmp_path: Path) -> None:
    record = {"question": "Q?", "reference_answer": "R.", "student_answer": "S.", "score": 1, "max_score": 1}
    dataset = tmp_path / "d.jsonl"
    dataset.write_text(json.dumps({**record, "grader_scores": [1, "one"]}) + "\n", encoding="utf-8")
    with pytest.raises(InputFileError) as raised:
        read_records(dataset)
    assert (raised.value.line, raised.value.field) == (1, "grader_scores.1")


def test_a_calibration_file_names_the_knot(tmp_path: Path) -> None:
    calibration = tmp_path / "calibration.json"
    calibration.write_text(json.dumps({"model_id": "m", "x": [0, "half"], "y": [0, 1]}), encoding="utf-8")
    with pytest.raises(InputFileError) as raised:
        Calibration.load(calibration)
    assert raised.value.field == "x.1"


def test_a_config_file_setting_is_named_by_its_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("TENTA_LEECH_THRESHOLD", raising=False)
    config = tmp_path / "config" / "tenta" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('leech_threshold = "often"\n', encoding="utf-8")
    with pytest.raises(InputFileError) as raised:
        Settings()
    assert (raised.value.path, raised.value.field) == (config, "leech_threshold")
