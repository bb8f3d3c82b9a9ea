"""A bank's misconceptions (negative rubric items) on the command line, the real `tenta` process: `tenta bank
show` listed a question's key points but not the wrong statements that cost points, and `tenta bank export`
to a format without them wrote the file and warned about nothing."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path

from question_bank.models import Bank
from quiz.context import AppContext
from quiz.settings import Settings
from tests.teacher.fixtures import TEACHER_BANK

TENTA = Path(sys.executable).parent / "tenta"


def _install_bank_with_misconceptions(settings: Settings) -> None:
    """The teacher fixture bank, its dropout question with two misconceptions."""
    data = copy.deepcopy(TEACHER_BANK)
    data["questions"][0]["misconceptions"] = [
        {
            "id": "dropout-at-test",
            "text": "Dropout switches off units when the model makes predictions.",
            "paraphrases": ["Dropout stänger av enheter när modellen gör förutsägelser."],
            "penalty": 0.5,
            "feedback": "Dropout is used only during training.",
        },
        {"id": "removes-weights", "text": "Dropout deletes weights for good.", "penalty": 1},
    ]
    AppContext(settings).catalog.install(Bank.model_validate(data))


def _tenta(*arguments: str) -> subprocess.CompletedProcess[str]:
    """`tenta` in a terminal wide enough that Rich does not wrap the lines checked."""
    return subprocess.run(
        [str(TENTA), *arguments],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "200"},
    )


def test_bank_show_lists_the_misconceptions_after_the_key_points(settings: Settings) -> None:
    _install_bank_with_misconceptions(settings)

    completed = _tenta("bank", "show", "teacher-test", "-q", "1")

    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    key_point = lines.index("  • overfitting  50%  Reduces overfitting")
    assert lines[key_point + 1 : key_point + 4] == [
        "  ✘ dropout-at-test  misconception (−0.5 p): Dropout switches off units when the model makes "
        "predictions.  — Dropout is used only during training.",
        "      also: Dropout stänger av enheter när modellen gör förutsägelser.",
        "  ✘ removes-weights  misconception (−1 p): Dropout deletes weights for good.",
    ]


def test_bank_export_to_gift_warns_that_the_misconceptions_are_left_out(
    settings: Settings, tmp_path: Path
) -> None:
    _install_bank_with_misconceptions(settings)

    completed = _tenta(
        "bank", "export", "teacher-test", "--format", "gift", "--out", str(tmp_path / "b.gift")
    )

    assert completed.returncode == 0, completed.stderr
    assert (
        "warning: question dropout: its 2 misconceptions (negative rubric items: dropout-at-test, "
        "removes-weights) are left out (GIFT has no place for misconceptions): an answer that states one "
        "loses no points"
    ) in " ".join(completed.stderr.split())
    assert "Dropout deletes weights" not in (tmp_path / "b.gift").read_text(encoding="utf-8")
