"""ILIAS question pool exports (QTI 1.2), as ILIAS 7 writes them: points only as the scoring's added
values, no maximum declared, and the feedback for a right and a wrong answer under ILIAS's own names.
Before: every question was worth 1 point (a 2-point single choice, a multiple choice worth 1 + 1) and the
right/wrong feedback was dropped without a word."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from question_bank.errors import InputFileError
from question_bank.formats.detect import import_file
from question_bank.models import OutcomeFeedback, QuestionType

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


ORDERING = Path(__file__).resolve().parents[1] / "data" / "ilias" / "ordering_qti.xml"
"""An ordering question and a true/false single choice, in the layout of ILIAS 7's exporters."""
_ILIAS_METADATA = re.compile(
    r"<qtimetadatafield><fieldlabel>(?:ILIAS_VERSION|QUESTIONTYPE)</fieldlabel>.*?\n"
)


@pytest.mark.parametrize(
    ("from_ilias", "reason"),
    [
        pytest.param(
            True,
            "ILIAS ordering questions ('ORDERING QUESTION') are not supported by tenta; remove or convert "
            "this question",
            id="ilias",
        ),
        pytest.param(
            False,
            "ordering questions (rcardinality 'Ordered') are not supported by tenta; remove or convert it",
            id="any-qti-1.2",
        ),
    ],
)
def test_an_ordering_question_is_unsupported_not_a_single_choice(
    tmp_path: Path, from_ilias: bool, reason: str
) -> None:
    """A response whose answers are put in order (rcardinality Ordered) was read as a single choice whose
    every step was a right answer. Without ILIAS's metadata the item is any QTI 1.2 ordering item."""
    text = ORDERING.read_text(encoding="utf-8")
    path = tmp_path / "pool_qti.xml"
    path.write_text(text if from_ilias else _ILIAS_METADATA.sub("", text), encoding="utf-8")
    skipped: list[InputFileError] = []

    (kept,) = import_file(path, skipped=skipped).questions

    assert kept.id == "il_0_qst_104"
    assert [(problem.line, problem.field, problem.unsupported) for problem in skipped] == [
        (5, "item 'il_0_qst_103' (Ordning)", True)
    ]
    assert skipped[0].message.endswith(reason)


def test_an_ilias_numeric_question_keeps_its_points() -> None:
    """Its range condition (vargte/varlte) adds 3 points; it was imported worth 1."""
    (question,) = import_file(POOL.with_name("numeric_qti.xml")).questions

    assert (question.type, question.max_points, [(a.value, a.tolerance) for a in question.numerical]) == (
        QuestionType.NUMERICAL,
        3.0,
        [(9.0, 0.0)],
    )
    assert question.outcome_feedback == OutcomeFeedback(
        correct="Rätt: 3 gånger 3.", incorrect="Räkna rutorna."
    )
