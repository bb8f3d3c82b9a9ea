"""Teacher test fixtures: a small installed bank, an AppContext on a real SQLite file with MiniLM, helpers.

Shared by tests/teacher (through its conftest) and tests/cli/test_teacher_cli.py (by import).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from question_bank.models import Bank
from quiz.context import AppContext
from quiz.settings import Settings

if TYPE_CHECKING:
    from grading.embedder import Embedder

TEACHER_BANK = {
    "id": "teacher-test",
    "title": "Neural networks quiz",
    "languages": ["en", "sv"],
    "questions": [
        {
            "id": "dropout",
            "number": 1,
            "prompt": {"en": "What does dropout do during training?", "sv": "Vad gör dropout under träning?"},
            "max_points": 2,
            "reference_answer": {
                "en": "Dropout randomly switches off units during training, which reduces overfitting."
            },
            "rubric": [
                {"id": "random-units", "text": "Randomly deactivates neurons during training", "weight": 1},
                {"id": "overfitting", "text": "Reduces overfitting", "weight": 1},
            ],
        },
        {
            "id": "early-stopping",
            "number": 2,
            "prompt": {"en": "What is early stopping?"},
            "max_points": 2,
            "reference_answer": {
                "en": "Training stops when the validation loss stops improving, to avoid overfitting."
            },
            "rubric": [
                {"id": "validation", "text": "Monitors the validation loss", "weight": 1},
                {"id": "stop", "text": "Stops training when it no longer improves", "weight": 1},
            ],
        },
        {
            "id": "gpu",
            "number": 3,
            "type": "multiple_choice",
            "prompt": {"en": "Which hardware speeds up training of large networks the most?"},
            "choices": [
                {"text": "GPU", "fraction": 1.0},
                {"text": "Hard disk", "fraction": 0.0},
            ],
        },
    ],
}

GOOD_DROPOUT = "Dropout turns off random neurons while training so the network overfits less."
WEAK_DROPOUT = "It makes the model faster."
GOOD_STOPPING = "We watch the validation loss and stop training when it stops improving."


@pytest.fixture
def teacher_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"model": "all-MiniLM-L6-v2"})


@pytest.fixture
def ctx(teacher_settings: Settings, minilm_embedder: Embedder) -> AppContext:
    """A context whose catalog knows the test bank and whose embedder is the session's MiniLM."""
    context = AppContext(teacher_settings)
    context.__dict__["embedder"] = minilm_embedder
    context.catalog.install(Bank.model_validate(TEACHER_BANK))
    return context


@pytest.fixture
def bank(ctx: AppContext) -> Bank:
    return ctx.catalog.load("teacher-test")


def write_csv(
    path: Path, rows: Sequence[Sequence[str]], header: Sequence[str] = ("student", "question", "answer")
) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def class_submissions(tmp_path: Path) -> Path:
    """Six students × three questions, with Swedish names and awkward characters."""
    rows = []
    for index, name in enumerate(["Åsa", "Björn", "Cecilia", "Dan", "Eva", "Örjan"]):
        strong = index % 2 == 0
        rows.append([name, "1", GOOD_DROPOUT if strong else WEAK_DROPOUT])
        rows.append(
            [name, "early-stopping", GOOD_STOPPING if strong else 'I "think" it is, like, a\nlearning rate']
        )
        rows.append([name, "Q3", "GPU" if strong else "Hard disk"])
    return write_csv(tmp_path / "submissions.csv", rows)
