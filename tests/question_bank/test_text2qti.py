"""text2qti quiz files (gpoore/text2qti: Markdown-based plain text that Canvas teachers write and convert
to QTI). Before formats/text2qti.py such a file was taken for a numbered Markdown exam and imported as
ONE free-text question whose reference answer held every other question, choice and marker, and the
import said nothing about it."""

from __future__ import annotations

from pathlib import Path

import pytest

from question_bank.errors import InputFileError, InputFileErrors
from question_bank.formats.detect import import_file
from question_bank.models import Choice, NumericalAnswer, OutcomeFeedback, QuestionType

DEMO = Path(__file__).resolve().parents[1] / "data" / "text2qti" / "quiz.txt"
"""text2qti's own demo/quiz.txt, copied unchanged (BSD 3-Clause; source in tests/data/text2qti/README.md)."""


def test_text2qtis_demo_quiz_imports_every_question_as_canvas_would_grade_it() -> None:
    skipped: list[InputFileError] = []

    bank = import_file(DEMO, skipped=skipped)

    assert (bank.title, bank.description) == ("Sample Quiz", "Add a Description of the quiz")
    assert [(q.id, q.type, q.prompt_in("en"), q.max_points) for q in bank.questions] == [
        ("multiple-choice-q", QuestionType.MULTIPLE_CHOICE, "What is 2+3?", 2.0),
        ("checkbox-q", QuestionType.MULTIPLE_CHOICE, "Which of the following are dinosaurs?", 2.0),
        ("numerical-q1", QuestionType.NUMERICAL, "What is the square root of 2?", 2.0),
        ("numerical-q2", QuestionType.NUMERICAL, "What is the cube root of 2?", 2.0),
        ("fill-in-the-blank", QuestionType.SHORT_EXACT, "Who lives at the North Pole?", 2.0),
        ("essay-question", QuestionType.FREE_TEXT, "Write an essay.", 2.0),
    ]
    choice, checkbox, root2, root3, santa, essay = bank.questions
    answer_feedback = "Feedback for this particular answer."
    assert choice.choices == (
        Choice(text="6", feedback=answer_feedback),
        Choice(text="1", feedback=answer_feedback),
        Choice(text="5", fraction=1.0, feedback=answer_feedback),
    )
    assert choice.general_feedback == "General question feedback."
    assert choice.outcome_feedback == OutcomeFeedback(
        correct="Feedback for correct answer.", incorrect="Feedback for incorrect answer."
    )
    assert [(c.text, c.fraction) for c in checkbox.choices] == [
        ("Woolly mammoth", -0.5),
        ("Tyrannosaurus rex", 0.5),
        ("Triceratops", 0.5),
        ("Smilodon fatalis", -0.5),
    ]
    assert root2.numerical == (NumericalAnswer(value=1.4142, tolerance=0.0001),)
    assert root3.numerical == (NumericalAnswer(value=1.2599, tolerance=0.0001),)
    assert [c.text for c in santa.choices] == [
        "Santa",
        "Santa Claus",
        "Father Christmas",
        "Saint Nicholas",
        "Saint Nick",
    ]
    assert essay.reference_in("en") == "General question feedback."
    assert [(problem.line, problem.field, problem.unsupported) for problem in skipped] == [
        (52, "Upload a File", True)
    ]


def test_without_skip_unsupported_the_upload_question_refuses_the_file_naming_it() -> None:
    with pytest.raises(InputFileErrors) as raised:
        import_file(DEMO)

    assert [error.message for error in raised.value.errors] == [
        f"{DEMO}:52: Upload a File: a file upload question (^^^^) is not supported by tenta; remove or "
        "convert this question"
    ]


def _quiz(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "vecka3.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_wrapped_text_groups_percent_margins_comments_and_text_regions(tmp_path: Path) -> None:
    """As text2qti's README writes them: a paragraph wrapped onto lines indented to its text, a second
    paragraph after a blank line, a question group giving its questions their points, a margin in
    percent, an essay whose solution ('!') is its model answer, `%` comments and a text region."""
    path = _quiz(
        tmp_path,
        "Quiz title: Vecka 3\n"
        "% utkast, visa inte\n"
        "Text: Read the code below before answering.\n"
        "\n"
        "1.  A question paragraph that is long enough to wrap onto a second line.\n"
        "    The second line must be indented to match.\n"
        "\n"
        "    A second paragraph.\n"
        "*a) right\n"
        "b)  wrong, and this choice\n"
        "    wraps too\n"
        "\n"
        "GROUP\n"
        "pick: 1\n"
        "points per question: 3\n"
        "\n"
        "1.  How fast, in m/s?\n"
        "=   340 +- 5%\n"
        "\n"
        "2.  How many legs?\n"
        "=   6\n"
        "END_GROUP\n"
        "\n"
        "1.  Explain dropout.\n"
        "!   It switches off random neurons\n"
        "    while training.\n"
        "____\n"
        "\n"
        "COMMENT\n"
        "1.  An old question.\n"
        "*a) kept out\n"
        "END_COMMENT\n",
    )
    notes: list[str] = []

    bank = import_file(path, notes=notes)

    wrapped, speed, legs, essay = bank.questions
    assert wrapped.prompt_in("en") == (
        "A question paragraph that is long enough to wrap onto a second line.\n"
        "The second line must be indented to match.\n\nA second paragraph."
    )
    assert [c.text for c in wrapped.choices] == ["right", "wrong, and this choice\nwraps too"]
    assert (wrapped.max_points, speed.max_points, legs.max_points) == (1.0, 3.0, 3.0)
    assert speed.numerical == (NumericalAnswer(value=340, tolerance=17),)
    assert legs.numerical == (NumericalAnswer(value=6),)
    assert essay.reference_in("en") == "It switches off random neurons\nwhile training."
    assert notes == [
        f"{path}:3: a text region (text shown between questions) is not a question; left out",
        f"{path}:14: a question group picks 1 of its questions for each student; tenta asks every one",
    ]


def test_mistakes_are_named_with_their_line_and_nothing_is_imported(tmp_path: Path) -> None:
    path = _quiz(
        tmp_path,
        "Title: Two right\n"
        "1.  Pick one.\n"
        "*a) this\n"
        "*b) that\n"
        "\n"
        "1.  How many?\n"
        "=   many\n"
        "\n"
        "1.  Write.\n"
        "____\n"
        "\n"
        "Points: 0\n"
        "1.  Fine question.\n"
        "*a) yes\n"
        "b)  no\n"
        "this line is no text2qti\n",
    )

    with pytest.raises(InputFileErrors) as raised:
        import_file(path)

    assert [error.message.removeprefix(f"{path}:") for error in raised.value.errors] == [
        "2: Two right: a multiple-choice question needs exactly one right choice ('*a)'), not 2",
        "7: 'many' is not a number",
        "9: question at line 9: an essay without general feedback (a '...' line) or a solution ('!') has no "
        "reference answer, so tenta cannot grade it: add the model answer as its feedback",
        "12: Points: '0' must be greater than 0",
        "16: 'this line is no text2qti' is no text2qti line: a question starts '1. ', a choice 'a) ' or "
        "'*a) ', wrapped text is indented to its paragraph",
    ]


def test_a_numbered_markdown_exam_with_bullet_lists_stays_a_markdown_exam(tmp_path: Path) -> None:
    """Seed-style exams answer in bullets ('* ', '- ') that text2qti reads as short answers and wrong-answer
    feedback: without one of text2qti's own markers such a file is still a numbered exam."""
    path = tmp_path / "tenta.md"
    path.write_text(
        "1. What does dropout do?\n\n* switches off random neurons\n- only while training\n\n"
        "2. Why normalise inputs?\n\nFaster, steadier training.\n",
        encoding="utf-8",
    )

    bank = import_file(path)

    assert [(q.type, q.prompt_in("en")) for q in bank.questions] == [
        (QuestionType.FREE_TEXT, "What does dropout do?"),
        (QuestionType.FREE_TEXT, "Why normalise inputs?"),
    ]
