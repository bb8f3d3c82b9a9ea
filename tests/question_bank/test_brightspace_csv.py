"""Brightspace (D2L) question import CSVs, laid out as D2L's Sample_Question_Import_Template.csv. Before
formats/brightspace_csv.py such a file was read as a question/answer CSV and refused with "column 2
(reference_answer): free-text question needs a reference answer" for its comment rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from question_bank.errors import InputFileError, InputFileErrors
from question_bank.formats.detect import import_file
from question_bank.models import Choice, QuestionType

TEMPLATE = Path(__file__).resolve().parents[1] / "data" / "brightspace" / "question_import.csv"


def test_every_question_type_of_the_template_is_read_as_brightspace_grades_it() -> None:
    notes: list[str] = []
    skipped: list[InputFileError] = []

    bank = import_file(TEMPLATE, notes=notes, skipped=skipped)

    essay, short, pooling, dropout, rate, test_time, optimisers = bank.questions
    assert (essay.id, essay.type, essay.max_points, essay.reference_in("en")) == (
        "DL101-1",
        QuestionType.FREE_TEXT,
        4.0,
        "The model learns the noise of the training data and does worse on new data.",
    )
    assert (essay.general_feedback, essay.hints) == (
        "See lecture 4.",
        ("Compare training and validation loss.",),
    )
    assert (short.type, short.case_sensitive, [(c.text, c.fraction) for c in short.choices]) == (
        QuestionType.SHORT_EXACT,
        True,
        [("ReLU", 1.0), ("rectifier", 0.5)],
    )
    assert [(q.prompt_in("en").split("\n\n")[-1], q.max_points) for q in (pooling, dropout)] == [
        ("Pooling → _____", 1.0),
        ("Dropout → _____", 1.0),
    ]
    assert rate.prompt_in("en") == "What happens when the learning rate is too high?"
    assert rate.choices == (
        Choice(text="The loss diverges", fraction=1.0, feedback="Right: steps overshoot the minimum"),
        Choice(text="Training gets slower", feedback="No: that is a rate too low"),
        Choice(text="The loss oscillates, then settles", fraction=0.25, feedback="Partly"),
    )
    assert (test_time.type, [(c.text, c.fraction, c.feedback) for c in test_time.choices]) == (
        QuestionType.TRUE_FALSE,
        [("True", 1.0, "Right"), ("False", 0.0, "No, it is only used in training")],
    )
    assert (optimisers.max_points, optimisers.general_feedback) == (3.0, "Both adapt the weights.")
    assert [(c.text, c.fraction) for c in optimisers.choices] == [("Adam", 0.5), ("ReLU", -0.5), ("SGD", 0.5)]
    assert [(problem.line, problem.field, problem.unsupported) for problem in skipped] == [
        (83, "Training loop", True)
    ]
    assert notes == [
        f"{TEMPLATE}:7: Overfitting: picture 'images/overfitting.png' is in the Brightspace course's files, "
        "not in this CSV: add it to the question by hand",
        f"{TEMPLATE}:33: Layers: a matching question with 2 items: imported as 2 questions, one per item, "
        "each asking it as _____ and worth its points",
    ]


def test_mistakes_are_named_with_their_line_and_nothing_is_imported(tmp_path: Path) -> None:
    path = tmp_path / "fragor.csv"
    path.write_text(
        "Title,Orphan,,,\n"
        "NewQuestion,MC,,,\nQuestionText,Pick one.,,,\nOption,0,this,,\nOption,0,that,,\n"
        "NewQuestion,XX,,,\nQuestionText,What type?,,,\n"
        "NewQuestion,TF,,,\nQuestionText,True?,,,\nTRUE,lots,,,\nFALSE,0,,,\n"
        "NewQuestion,SA,,,\nQuestionText,Name it.,,,\nAnswr,100,it,,\n",
        encoding="utf-8",
    )

    with pytest.raises(InputFileErrors) as raised:
        import_file(path)

    assert [error.message.removeprefix(f"{path}:") for error in raised.value.errors] == [
        "1: row 'Title' comes before the first NewQuestion row",
        "2: MC question: no Option gives points (Option,100,<right answer>)",
        "6: NewQuestion type 'XX' is not a Brightspace question type (MC, TF, MS, SA, WR, M, O, MAT, FIB, "
        "MQ, LA, MSA, H)",
        "8: TF question: TRUE: 'lots' is not a percentage",
        "12: SA question: a short answer (SA) question needs Answer rows (Answer,100,<answer>)",
        "14: 'Answr' is not a row of a Brightspace question",
    ]
