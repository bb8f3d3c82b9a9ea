"""Respondus's Standard Format, the plain text teachers write for Respondus 4.0 (and Brightspace's and
Blackboard's Word converters) to import. Each file is written in the layout universities' Respondus
guides document (questions `3)` or `3.`, answers `a.` or `a)`, `*` directly before the right letter,
`Type:`, `Title:`, `Points:` lines, an `Answers:` key), with words of its own. Before
formats/respondus_text.py such a file was taken for a numbered Markdown exam: each question free text
whose reference answer was its lettered answers, asterisk included."""

from __future__ import annotations

from pathlib import Path

import pytest

from question_bank.errors import InputFileError, InputFileErrors
from question_bank.formats.detect import import_file
from question_bank.models import Choice, OutcomeFeedback, QuestionType

EXAM = """\
Points: 2
1) Which layer type shares its weights across positions?
~ Right: one kernel slides over the whole input.
@ Think about what a kernel does.
a. Dense
*b. Convolutional
c. Dropout

2) Dropout is used only while training.
*a) True
b) False

Type: MR
Title: Optimisers
3) Which of these are optimisers?
*a. Adam
b. ReLU
*c. SGD
d. Softmax

Type: E
Points: 4
4. Explain overfitting.
a) The model learns the noise in the training data
and does worse on new data.

Type: F
5) Which activation is max(0, x)?
a. ReLU
b. rectified linear unit

Type: MT
6) Match each layer with what it does.
a. Pooling=reduces the spatial size
b. Dropout=switches off random units

7) How many weights has a 3x3 kernel over one channel?
a. 3
b. 6
c. 9

Answers:
7. C
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kapitel4.txt"
    path.write_bytes(text.replace("\n", "\r\n").encode("cp1252"))  # Notepad on Windows, as the guides say
    return path


def test_every_documented_question_type_is_read_as_respondus_means_it(tmp_path: Path) -> None:
    notes: list[str] = []

    bank = import_file(_write(tmp_path, EXAM), notes=notes)

    layer, dropout, optimisers, essay, relu, pooling, dropout_item, kernel = bank.questions
    assert (layer.type, layer.max_points, layer.prompt_in("en")) == (
        QuestionType.MULTIPLE_CHOICE,
        2.0,
        "Which layer type shares its weights across positions?",
    )
    assert layer.choices == (
        Choice(text="Dense"),
        Choice(text="Convolutional", fraction=1.0),
        Choice(text="Dropout"),
    )
    assert layer.outcome_feedback == OutcomeFeedback(
        correct="Right: one kernel slides over the whole input.", incorrect="Think about what a kernel does."
    )
    assert (dropout.type, [(c.text, c.fraction) for c in dropout.choices]) == (
        QuestionType.TRUE_FALSE,
        [("True", 1.0), ("False", 0.0)],
    )
    assert (optimisers.id, [(c.text, c.fraction) for c in optimisers.choices]) == (
        "Optimisers",
        [("Adam", 0.5), ("ReLU", -0.5), ("SGD", 0.5), ("Softmax", -0.5)],
    )
    assert (essay.type, essay.max_points, essay.reference_in("en")) == (
        QuestionType.FREE_TEXT,
        4.0,
        "The model learns the noise in the training data\nand does worse on new data.",
    )
    assert (relu.type, [c.text for c in relu.choices], relu.max_points) == (
        QuestionType.SHORT_EXACT,
        ["ReLU", "rectified linear unit"],
        4.0,  # Points: holds until the next Points: line
    )
    assert [(q.prompt_in("en").split("\n\n")[-1], q.max_points) for q in (pooling, dropout_item)] == [
        ("Pooling → _____", 2.0),
        ("Dropout → _____", 2.0),
    ]
    assert [(c.text, c.fraction) for c in kernel.choices] == [("3", 0.0), ("6", 0.0), ("9", 1.0)]
    assert notes == [
        f"{tmp_path / 'kapitel4.txt'}:33: question 6: a matching question with 2 items: imported as 2 "
        "questions, one per item, each asking it as _____ and worth its points"
    ]


def test_mistakes_are_named_with_their_line_and_nothing_is_imported(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "1) Pick one.\na. this\nb. that\n\n"
        "2) Pick one.\n*a. this\n*b. that\n\n"
        "Type: X\n3) What type?\n*a. none\n\n"
        "4) Keyed wrongly.\na. yes\nb. no\n\n"
        "Answers:\n4. D\n",
    )

    with pytest.raises(InputFileErrors) as raised:
        import_file(path)

    assert [error.message.removeprefix(f"{path}:") for error in raised.value.errors] == [
        "1: question 1: no answer is marked right ('*b.') and the answer key gives none",
        "5: question 2: a multiple-choice question has one right answer, not 2: use Type: MR",
        "9: 'Type: X' is no Respondus question type (MC, TF, MR, MA, E, F, MT, ORD, A, FMB)",
        "13: question 4: the answer key (line 18) gives D, which this question has no answer for",
    ]


def test_an_essay_without_a_model_answer_is_unsupported_and_skippable(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "Type: E\n1. Discuss dropout.\n\n2) Dropout is a regulariser.\n*a) True\nb) False\n"
    )
    skipped: list[InputFileError] = []

    (question,) = import_file(path, skipped=skipped).questions

    assert question.type is QuestionType.TRUE_FALSE
    assert [(problem.line, problem.field, problem.unsupported) for problem in skipped] == [
        (2, "question 1", True)
    ]
