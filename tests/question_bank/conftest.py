"""Small banks written to tmp_path, so catalog and loader tests never depend on the bundled content."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"


def sample_bank_data(bank_id: str = "sample", version: str = "1") -> dict[str, Any]:
    """A valid bank using every question type."""
    return {
        "id": bank_id,
        "title": "Sample bank",
        "languages": ["sv", "en"],
        "version": version,
        "questions": [
            {
                "id": "q1",
                "number": 1,
                "prompt": {"sv": "Vad är dropout?", "en": "What is dropout?"},
                "reference_answer": {
                    "en": "Dropout randomly disables neurons during training to reduce overfitting."
                },
                "rubric": [
                    {"id": "p1", "text": "randomly disables neurons during training", "weight": 2},
                    {"id": "p2", "text": "reduces overfitting", "weight": 1},
                ],
                "topics": ["regularisering"],
                "max_points": 2,
            },
            {
                "id": "q2",
                "number": 2,
                "type": "multiple_choice",
                "prompt": {"sv": "Vilken är en regulariseringsteknik?"},
                "choices": [
                    {"text": "Dropout", "fraction": 1, "feedback": "Rätt"},
                    {"text": "Softmax", "fraction": 0},
                ],
            },
            {
                "id": "q3",
                "number": 3,
                "type": "numerical",
                "prompt": {"sv": "Hur många parametrar har Dense(1) med 3 indata?"},
                "numerical": [{"value": 4, "tolerance": 0}],
            },
        ],
    }


@pytest.fixture
def write_bank(tmp_path: Path) -> Callable[..., Path]:
    """Write bank data as YAML (or raw text) into tmp_path and return the path."""

    def write(data: dict[str, Any] | str, name: str = "bank.yaml", folder: Path | None = None) -> Path:
        target = (folder or tmp_path) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        target.write_text(text, encoding="utf-8")
        return target

    return write
