"""ILIAS question pool exports (QTI 1.2), as ILIAS 7 writes them: points only as the scoring's added
values, no maximum declared, and the feedback for a right and a wrong answer under ILIAS's own names.
Before: every question was worth 1 point (a 2-point single choice, a multiple choice worth 1 + 1) and the
right/wrong feedback was dropped without a word."""

from __future__ import annotations

from pathlib import Path

from question_bank.formats.detect import import_file
from question_bank.models import OutcomeFeedback

POOL = Path(__file__).resolve().parents[1] / "data" / "ilias" / "1700000000__0__qpl_4711_qti.xml"


def test_an_ilias_pool_keeps_each_questions_points_and_feedback() -> None:
    single, multiple = import_file(POOL).questions

    assert (single.id, single.max_points, [(c.text, c.fraction, c.feedback) for c in single.choices]) == (
        "il_0_qst_101",
        2.0,
        [
            ("Stänger av slumpvisa neuroner", 1.0, "Ja, under träning."),
            ("Ökar inlärningstakten", 0.0, "Nej, det gör inlärningstakten."),
            ("Normaliserar indata", 0.0, ""),
        ],
    )
    assert single.outcome_feedback == OutcomeFeedback(correct="Rätt!", incorrect="Läs kapitel 4 igen.")
    assert single.general_feedback == ""
    assert (multiple.max_points, [(c.text, c.fraction) for c in multiple.choices]) == (
        2.0,
        [("Adam", 0.5), ("ReLU", -0.5), ("SGD", 0.5)],
    )
