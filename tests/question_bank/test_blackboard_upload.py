"""Blackboard Learn's "Upload Questions" file (formats/blackboard_upload.py): a tab-separated line per
question, its type code first, saved as .txt. Was: taken for a numbered Markdown exam and refused ('no
numbered questions found'). Each test writes the layout Blackboard's help page documents, in words of its
own."""

from __future__ import annotations

from pathlib import Path

import pytest

from question_bank.errors import InputFileError, InputFileErrors
from question_bank.formats.detect import detect_format, import_file
from question_bank.models import Question, QuestionType


def _upload(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "upload.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _shares(question: Question) -> list[tuple[str, float]]:
    return [(choice.text, choice.fraction) for choice in question.choices]


def test_every_gradable_question_type_is_read_as_blackboard_grades_it(tmp_path: Path) -> None:
    path = _upload(
        tmp_path,
        "MC\tWhich ocean is warmest?\tAtlantic\tincorrect\tIndian\tcorrect\tArctic\tincorrect",
        "MA\tWhich are <b>prime</b>?\t2\tcorrect\t4\tincorrect\t5\tcorrect\t\t",
        "TF\tThe Moon has a thick atmosphere.\tfalse",
        "FIB\tThe chemical symbol of gold is ___.\tAu\tau",
        "NUM\tHow many metres in a kilometre?\t1000\t0.5",
        "ESS\tExplain why the sky is blue.\tSunlight scatters off air molecules; blue scatters most.",
        "SR\tName the process plants use to make sugar.\tPhotosynthesis",
        "MAT\tMatch the capital to its country.\tNorway\tOslo\tSweden\tStockholm",
    )
    assert detect_format(path) == "csv"
    notes: list[str] = []
    questions = import_file(path, notes=notes).questions
    kinds = [question.type for question in questions]
    assert kinds == [
        QuestionType.MULTIPLE_CHOICE,
        QuestionType.MULTIPLE_CHOICE,
        QuestionType.TRUE_FALSE,
        QuestionType.SHORT_EXACT,
        QuestionType.NUMERICAL,
        QuestionType.FREE_TEXT,
        QuestionType.FREE_TEXT,
        QuestionType.MULTIPLE_CHOICE,
        QuestionType.MULTIPLE_CHOICE,
    ]
    mc, ma, tf, fib, num, essay, short_response, norway, sweden = questions
    assert _shares(mc) == [("Atlantic", 0.0), ("Indian", 1.0), ("Arctic", 0.0)]
    assert not mc.all_or_nothing
    assert next(iter(ma.prompt.values())) == "Which are prime?"
    assert _shares(ma) == [("2", 0.5), ("4", 0.0), ("5", 0.5)]
    assert ma.all_or_nothing  # Blackboard's default: no partial credit
    assert _shares(tf) == [("True", 0.0), ("False", 1.0)]
    assert _shares(fib) == [("Au", 1.0), ("au", 1.0)]
    assert [(answer.value, answer.tolerance) for answer in num.numerical] == [(1000.0, 0.5)]
    assert list(essay.reference_answer.values()) == [
        "Sunlight scatters off air molecules; blue scatters most."
    ]
    assert list(short_response.reference_answer.values()) == ["Photosynthesis"]
    assert next(iter(norway.prompt.values())).endswith("Norway → _____")
    assert _shares(norway) == [("Oslo", 1.0), ("Stockholm", 0.0)]
    assert _shares(sweden) == [("Oslo", 0.0), ("Stockholm", 1.0)]
    assert (norway.max_points, sweden.max_points) == (0.5, 0.5)
    assert [note.removeprefix(f"{path}:") for note in notes] == [
        "8: MAT: a matching question with 2 items: imported as 2 questions, one per item, each asking it "
        "as _____ and worth its points"
    ]


def test_types_tenta_has_none_for_are_unsupported_and_skippable(tmp_path: Path) -> None:
    path = _upload(
        tmp_path,
        "ORD\tPut in order.\tone\ttwo\tthree",
        "TF\tWater boils at 100 °C at sea level.\ttrue",
        "ESS\tWrite about your summer.",
    )
    with pytest.raises(InputFileErrors) as raised:
        import_file(path)
    assert [(error.line, error.field) for error in raised.value.errors] == [(1, "ORD"), (3, "question 2")]
    skipped: list[InputFileError] = []
    (question,) = import_file(path, skipped=skipped).questions
    assert question.type is QuestionType.TRUE_FALSE
    assert [(problem.line, problem.unsupported) for problem in skipped] == [(1, True), (3, True)]


def test_a_broken_line_is_an_error_naming_it_and_nothing_is_imported(tmp_path: Path) -> None:
    path = _upload(
        tmp_path,
        "MC\tPick one.\tA\tcorrect\tB\tright",
        "MC\tPick one.\tA\tcorrect\tB\tcorrect",
        "NUM\tHow many?\tmany",
        "XX\tWhat is this?\tno",
        "TF\tThis line is fine.\ttrue",
    )
    with pytest.raises(InputFileErrors) as raised:
        import_file(path)
    assert [(error.line, error.field, error.message.split(": ", 2)[-1]) for error in raised.value.errors] == [
        (1, "MC", "'right' after an answer must be 'correct' or 'incorrect'"),
        (2, "MC", "a multiple-choice (MC) question has one correct answer, not 2: use MA"),
        (3, "NUM", "'many' is not a number with an optional tolerance"),
        (
            4,
            "XX",
            "'XX' is not a Blackboard question type (MC, MA, TF, FIB, NUM, ESS, SR, MAT, ORD, FIB_PLUS, FIL,"
            " OP, JUMBLED_SENTENCE, QUIZ_BOWL)",
        ),
    ]


def test_a_tab_separated_question_and_answer_file_is_not_taken_for_an_upload(tmp_path: Path) -> None:
    """A 'front<TAB>back' export (Anki, Quizlet) stays a CSV of questions and answers."""
    path = _upload(tmp_path, "What is MC?\tMultiple choice", "What is TF?\tTrue or false")
    questions = import_file(path).questions
    assert [question.type for question in questions] == [QuestionType.FREE_TEXT, QuestionType.FREE_TEXT]
