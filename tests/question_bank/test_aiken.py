"""Aiken: Moodle's and hand-written files, every kind of mistake with its line, detection, export and
round trip, and `tenta bank import` / `tenta bank export --format aiken` end to end."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from question_bank.errors import InputFileErrors, TentaError
from question_bank.formats.aiken import dump_aiken, import_aiken, looks_like_aiken
from question_bank.formats.detect import EXPORTERS, detect_format, import_file
from question_bank.models import Bank, QuestionType
from quiz.cli.main import app
from quiz.settings import Settings
from tests.question_bank.conftest import DATA_DIR

runner = CliRunner()

MOODLE_STYLE = """Vilken aktiveringsfunktion ger utdata i intervallet (0, 1)?
A) Sigmoid
B) ReLU
C) Tanh
D) Softmax över en enda klass
ANSWER: A

Vad gör en optimerare som Adam?
A. Väljer nätverkets arkitektur
B. Uppdaterar vikterna utifrån gradienterna
C. Normaliserar indata
ANSWER: B
"""

HAND_WRITTEN = (
    "Vilket påstående om CNN stämmer?\r\n"
    "I. Faltningslager delar vikter över positioner.\r\n"
    "II. Pooling ökar den rumsliga upplösningen.\r\n"
    "\r\n"
    "a) Endast I\r\n"
    "b) Endast II\r\n"
    "c) Både I och II\r\n"
    "Answer: a\r\n"
    "\r\n"
    "\r\n"
    "Hur många parametrar har ett Dense-lager med 3 indata och 2 utdata, bias inräknad?\r\n"
    "A) 6\r\n"
    "B) 8\r\n"
    "ANSWER:B\r\n"
)


def _write(tmp_path: Path, text: str, name: str = "fragor.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def _choices(bank: Bank, index: int) -> list[tuple[str, float]]:
    return [(choice.text, choice.fraction) for choice in bank.questions[index].choices]


def test_moodle_style_file(tmp_path: Path) -> None:
    bank = import_aiken(_write(tmp_path, MOODLE_STYLE, "dl_aiken.txt"))
    assert (bank.id, bank.title, bank.languages) == ("dl-aiken", "dl aiken", ("sv",))
    assert [question.id for question in bank.questions] == ["q1", "q2"]
    assert all(question.type is QuestionType.MULTIPLE_CHOICE for question in bank.questions)
    assert bank.questions[0].prompt == {"sv": "Vilken aktiveringsfunktion ger utdata i intervallet (0, 1)?"}
    assert _choices(bank, 0) == [
        ("Sigmoid", 1.0),
        ("ReLU", 0.0),
        ("Tanh", 0.0),
        ("Softmax över en enda klass", 0.0),
    ]
    assert _choices(bank, 1)[1] == ("Uppdaterar vikterna utifrån gradienterna", 1.0)  # "B." style


def test_hand_written_file_with_several_question_lines_lower_case_and_crlf(tmp_path: Path) -> None:
    bank = import_aiken(_write(tmp_path, HAND_WRITTEN))
    first, second = bank.questions
    assert first.prompt == {
        "sv": "Vilket påstående om CNN stämmer?\n"
        "I. Faltningslager delar vikter över positioner.\n"  # "I." before any option is question text
        "II. Pooling ökar den rumsliga upplösningen."
    }
    assert _choices(bank, 0) == [("Endast I", 1.0), ("Endast II", 0.0), ("Både I och II", 0.0)]
    assert second.number == 2 and _choices(bank, 1) == [("6", 0.0), ("8", 1.0)]


def test_every_mistake_is_named_with_its_line_and_nothing_is_imported(tmp_path: Path) -> None:
    text = "\n".join(
        [
            "A) an option before any question",  # 1
            "ANSWER: A",  # 2
            "Fråga ett?",  # 3
            "A) ja",  # 4
            "C) nej",  # 5 out of order
            "ANSWER: A",  # 6
            "Fråga två?",  # 7
            "A) ett",  # 8
            "B) två",  # 9
            "ANSWER: E",  # 10 names no option
            "Fråga tre?",  # 11
            "A) ett",  # 12
            "B) två",  # 13
            "Fråga fyra?",  # 14 fråga tre never got its ANSWER
            "A) bara ett alternativ",  # 15
            "ANSWER: A",  # 16 one option is not a choice
            "Fråga fem, utan alternativ",  # 17 the file ends
        ]
    )
    with pytest.raises(InputFileErrors) as raised:
        import_aiken(_write(tmp_path, text))
    assert [(error.line, error.reason) for error in raised.value.errors] == [
        (1, "option A) comes before any question text"),
        (2, "an ANSWER line without a question before it"),
        (5, "option 'C' is out of order; expected B) here"),
        (10, "ANSWER 'E' names no option; expected one letter A-B"),
        (11, "this question has no ANSWER line (e.g. 'ANSWER: B') after its options"),
        (16, "a question needs at least two options (A), B) …) before its ANSWER line"),
        (17, "the file ends before this question's options and ANSWER line"),
    ]
    assert raised.value.errors[3].field == "question at line 7"


def test_detection_of_aiken_among_text_formats(tmp_path: Path) -> None:
    assert detect_format(_write(tmp_path, MOODLE_STYLE, "a.txt")) == "aiken"
    assert detect_format(_write(tmp_path, HAND_WRITTEN, "b.txt")) == "aiken"
    assert looks_like_aiken(MOODLE_STYLE)
    gift = "::q1:: Vilken? {=Sigmoid ~ReLU}\n"
    assert detect_format(_write(tmp_path, gift, "c.txt")) == "gift"
    exam = "1. Förklara dropout.\n\nSvar: Dropout stänger av neuroner.\n\n2. Vad är ReLU?\n"
    assert not looks_like_aiken(exam)
    assert detect_format(_write(tmp_path, exam, "d.txt")) == "markdown"


def test_export_then_import_gives_the_same_questions(tmp_path: Path) -> None:
    bank = import_file(DATA_DIR / "moodle_export_dl.xml", skipped=[])
    single = [
        question
        for question in bank.questions
        if question.type is QuestionType.MULTIPLE_CHOICE
        and [c.fraction for c in question.choices].count(1.0) == 1
        and all(c.fraction <= 0 or c.fraction == 1.0 for c in question.choices)
    ]
    assert single, "the Moodle export has a single-answer multiple-choice question"
    source = Bank.model_validate({**bank.model_dump(), "questions": [q.model_dump() for q in single]})
    text = dump_aiken(source)
    again = import_aiken(_write(tmp_path, text, "export.txt"))
    assert [q.prompt_in("sv") for q in again.questions] == [
        " ".join(q.prompt_in("sv").split()) for q in single
    ]
    assert [[(c.text, c.fraction) for c in q.choices] for q in again.questions] == [
        [(c.text, max(c.fraction, 0.0)) for c in q.choices]
        for q in single  # penalties have no place in Aiken
    ]


def test_export_writes_moodles_layout(tmp_path: Path) -> None:
    bank = import_aiken(_write(tmp_path, HAND_WRITTEN))
    assert EXPORTERS["aiken"] is dump_aiken
    assert dump_aiken(bank) == (
        "Vilket påstående om CNN stämmer? I. Faltningslager delar vikter över positioner. "
        "II. Pooling ökar den rumsliga upplösningen.\n"  # Moodle reads one question line
        "A) Endast I\nB) Endast II\nC) Både I och II\nANSWER: A\n\n"
        "Hur många parametrar har ett Dense-lager med 3 indata och 2 utdata, bias inräknad?\n"
        "A) 6\nB) 8\nANSWER: B\n"
    )


def test_export_refuses_questions_aiken_cannot_hold_and_names_them() -> None:
    from question_bank.loader import BankCatalog

    bank = BankCatalog(None).load("dl-course")
    with pytest.raises(TentaError) as raised:
        dump_aiken(bank)
    message = str(raised.value)
    assert message.startswith("cannot write bank 'dl-course' as Aiken, which holds only multiple-choice")
    assert f"{bank.questions[0].id} is a free_text question" in message
    several = {
        "id": "regularisering",
        "type": "multiple_choice",
        "prompt": {"sv": "Vilka är regulariseringstekniker?"},
        "choices": [{"text": "Dropout", "fraction": 0.5}, {"text": "L2", "fraction": 0.5}],
    }
    data = {**bank.model_dump(), "questions": [several]}
    with pytest.raises(TentaError, match="has more than one correct choice or partial credit"):
        dump_aiken(Bank.model_validate(data))


def test_cli_import_and_export(settings: Settings, tmp_path: Path) -> None:
    path = _write(tmp_path, MOODLE_STYLE, "dl_aiken.txt")
    dry = runner.invoke(app, ["bank", "import", str(path), "--dry-run"], env={"COLUMNS": "200"})
    assert dry.exit_code == 0, dry.output
    assert "Would import 'dl-aiken': 2 questions (sv)" in dry.stdout
    assert not settings.banks_dir.exists() or list(settings.banks_dir.iterdir()) == []
    imported = runner.invoke(app, ["bank", "import", str(path), "--format", "aiken"])
    assert imported.exit_code == 0, imported.output
    out = tmp_path / "again.txt"
    exported = runner.invoke(app, ["bank", "export", "dl-aiken", "--format", "aiken", "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    assert out.read_text(encoding="utf-8") == MOODLE_STYLE.replace(". ", ") ")  # "B." options written "B)"
    refused = runner.invoke(app, ["bank", "export", "dl-course", "--format", "aiken"])
    assert isinstance(refused.exception, TentaError) and "cannot write bank 'dl-course'" in str(
        refused.exception
    )


def test_moodle_no_space_options_explanation_lines_and_question_numbers(tmp_path: Path) -> None:
    """Moodle reads 'A)text'; quiz generators add 'Q4.' numbers and an 'Explanation:' after the answer."""
    path = _write(
        tmp_path,
        "Q1. A proposition is a statement that:\nA)Can be a question\nB)Is either true or false\n"
        "Answer: B\nExplanation: It has a definite truth value.\n"
        "Q2. Which is NOT a proposition?\nA) 2 + 2 = 4\nB) Close the door.\nANSWER: B\n\n"
        "A.I. systems are trained on:\nA. Data\nB. Nothing\nANSWER: A\nFörklaring: Utan data ingen modell.\n",
        name="logic.aiken.txt",
    )
    bank = import_aiken(path)
    assert bank.title == "logic"
    assert [question.prompt["en"] for question in bank.questions] == [
        "A proposition is a statement that:",
        "Which is NOT a proposition?",
        "A.I. systems are trained on:",
    ]
    assert _choices(bank, 0) == [("Can be a question", 0.0), ("Is either true or false", 1.0)]
    assert [question.general_feedback for question in bank.questions] == [
        "It has a definite truth value.",
        "",
        "Utan data ingen modell.",
    ]


def test_generated_quiz_text_with_question_labels_and_correct_answer_lines(tmp_path: Path) -> None:
    """Chat assistants and question generators write 'Question:' labels and 'Correct Answer: C'."""
    path = tmp_path / "generated.txt"
    path.write_text(
        "Question: Which statement about Java strings is true?\n\n"
        "A) Strings are mutable.\nB) Every change creates a new string object.\n"
        "Correct Answer: B\nExplanation: Strings are immutable.\n\n"
        "Q: Which method compares string contents?\nA) ==\nB) equals()\ncorrect answer: B\n",
        encoding="utf-8",
    )
    assert detect_format(path) == "aiken"
    bank = import_file(path)
    assert [question.prompt["en"] for question in bank.questions] == [
        "Which statement about Java strings is true?",
        "Which method compares string contents?",
    ]
    assert [choice.fraction for choice in bank.questions[0].choices] == [0.0, 1.0]
    assert bank.questions[0].general_feedback == "Strings are immutable."
    assert bank.questions[1].choices[1].fraction == 1.0


def test_the_authors_question_numbers_are_kept_when_distinct(tmp_path: Path) -> None:
    """'Q54.' and '55)' are the numbers students and teachers refer to (was: renumbered 1, 2); a file whose
    numbers repeat or are partly missing is numbered as imported."""
    numbered = _write(
        tmp_path,
        "Q54. Which layer shares weights?\nA) Convolution\nB) Dense\nANSWER: A\n\n"
        "55) Which loss suits classification?\nA) MSE\nB) Cross-entropy\nANSWER: B\n",
        name="numbered.txt",
    )
    bank = import_aiken(numbered)
    assert [(question.number, question.id) for question in bank.questions] == [(54, "q54"), (55, "q55")]
    assert bank.questions[0].prompt["en"] == "Which layer shares weights?"
    assert bank.question("54").id == "q54"

    repeated = _write(
        tmp_path,
        "1. Which layer shares weights?\nA) Convolution\nB) Dense\nANSWER: A\n\n"
        "1. Which loss suits classification?\nA) MSE\nB) Cross-entropy\nANSWER: B\n\n"
        "Which optimiser adapts its step size?\nA) Adam\nB) SGD\nANSWER: A\n",
        name="repeated.txt",
    )
    assert [question.number for question in import_aiken(repeated).questions] == [1, 2, 3]
    partly = _write(
        tmp_path,
        "Q7. Which layer shares weights?\nA) Convolution\nB) Dense\nANSWER: A\n\n"
        "Which optimiser adapts its step size?\nA) Adam\nB) SGD\nANSWER: A\n",
        name="partly.txt",
    )
    assert [question.id for question in import_aiken(partly).questions] == ["q1", "q2"]
