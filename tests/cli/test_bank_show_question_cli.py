"""`tenta bank show BANK -q N` for a question the bank does not have: the real `tenta` process."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

from question_bank.models import Bank
from quiz.context import AppContext
from quiz.settings import Settings
from tests.teacher.fixtures import TEACHER_BANK

TENTA = Path(sys.executable).parent / "tenta"


def test_an_unknown_question_number_fails_before_printing_the_bank(settings: Settings) -> None:
    """The bank's title, description and totals came first, so the error read as a footnote to them."""
    completed = subprocess.run(
        [str(TENTA), "bank", "show", "dl-course", "-q", "99"], capture_output=True, text=True, check=False
    )

    assert completed.returncode == 1
    assert completed.stdout == ""
    assert completed.stderr.strip() == (
        "error: bank 'dl-course' has no question '99': give a number from 1 to 12 or a question id"
    )


def test_a_known_question_is_shown_with_the_bank_header(settings: Settings) -> None:
    completed = subprocess.run(
        [str(TENTA), "bank", "show", "dl-course", "-q", "12"], capture_output=True, text=True, check=False
    )

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("Deep learning — tentamen (dl-course, version 1, 12 questions)")


def test_the_error_lists_the_numbers_of_a_bank_that_skips_some(settings: Settings) -> None:
    skipping = copy.deepcopy(TEACHER_BANK)
    skipping["questions"][2]["number"] = 5
    AppContext(settings).catalog.install(Bank.model_validate(skipping))

    completed = subprocess.run(
        [str(TENTA), "bank", "show", "teacher-test", "-q", "3"], capture_output=True, text=True, check=False
    )

    assert completed.returncode == 1 and completed.stdout == ""
    assert completed.stderr.strip() == (
        "error: bank 'teacher-test' has no question '3': give one of the numbers 1, 2, 5 or a question id"
    )
