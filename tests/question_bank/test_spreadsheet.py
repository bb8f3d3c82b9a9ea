"""Excel workbooks as banks: real .xlsx files written with openpyxl, read by the real importer."""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook

from question_bank.errors import InputFileError, InputFileErrors
from question_bank.formats import spreadsheet
from question_bank.formats.detect import detect_format, import_file
from question_bank.formats.spreadsheet import cell_text, read_sheet
from question_bank.models import QuestionType
from tests.workbooks import Cell, write_workbook

INSTRUCTIONS = [["How to use this workbook"], ["Write one question per row on the sheet 'Frågor'."]]
QUESTIONS: list[list[Cell]] = [
    ["Fråga", "Svar", "Poäng", "Ämne", "Nyckelpunkter"],
    [
        "Vad gör dropout under träning?",
        "Dropout stänger slumpvis av neuroner under träningen.\nDet minskar överanpassning.",
        2.0,
        "regularisering",
        "2: stänger av neuroner slumpvis; minskar överanpassning",
    ],
    ["Vad är early stopping?", "Träningen avbryts när valideringsfelet slutar minska.", 1.5, None, None],
    ["Vilket datum var tentan?", "Tentan skrevs den fjärde mars.", 1, datetime(2024, 3, 4), None],
]


def test_a_bank_sheet_after_an_instructions_sheet_is_found_and_read_like_csv(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "dl_exam.xlsx", {"Instructions": INSTRUCTIONS, "Frågor": QUESTIONS})
    notes: list[str] = []

    bank = import_file(path, notes=notes)

    assert notes == ["dl_exam.xlsx: read sheet 'Frågor' (other sheets: 'Instructions')"]
    assert bank.title == "dl exam" and bank.id == "dl-exam"
    dropout, stopping, dated = bank.questions
    assert dropout.max_points == 2 and stopping.max_points == 1.5 and dated.max_points == 1
    assert dropout.topics == ("regularisering",)
    assert dated.topics == ("2024-03-04",)
    answer = next(iter(dropout.reference_answer.values()))
    assert answer == "Dropout stänger slumpvis av neuroner under träningen.\nDet minskar överanpassning."
    assert [point.text for point in dropout.rubric] == [
        "stänger av neuroner slumpvis",
        "minskar överanpassning",
    ]
    assert [point.weight for point in dropout.rubric] == pytest.approx([2 / 3, 1 / 3])


def test_far_trailing_empty_area_title_line_and_merged_banner_are_ignored(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet["A1"] = "Deep learning — question bank"
    sheet.merge_cells("A1:E1")
    for row in QUESTIONS:
        sheet.append(row)
    sheet["Z500"].number_format = "0.00"  # formatting far away stretches the saved "used range"
    sheet["AA600"] = None
    sheet["B1000"] = "   "
    path = tmp_path / "bank.xlsx"
    workbook.save(path)

    bank = import_file(path)

    assert [question.id for question in bank.questions] == ["q1", "q2", "q3"]
    table = read_sheet(path, lambda cells: int("Fråga" in cells))
    assert table.rows[0] == (2, QUESTIONS[0])
    assert [number for number, _ in table.rows] == [2, 3, 4, 5]
    assert table.note is None


def test_errors_name_file_sheet_excel_row_and_column_and_nothing_is_returned(tmp_path: Path) -> None:
    rows: list[list[Cell]] = [*QUESTIONS, [None], [None], ["Vad är en CNN?", None, "två"]]
    path = write_workbook(tmp_path / "bank.xlsx", {"Instructions": INSTRUCTIONS, "Frågor": rows})

    with pytest.raises(InputFileErrors) as caught:
        import_file(path)

    assert [error.message for error in caught.value.errors] == [
        f"{path}:7: sheet 'Frågor', column B (reference_answer): free-text question needs a reference answer",
        f"{path}:7: sheet 'Frågor', column C (max_points): 'två' is not a number",
    ]


def test_an_unknown_column_is_named_by_its_letter(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "bank.xlsx", {"Sheet1": [["question", "answer", "Secret"], ["Q?", "A.", "x"]]}
    )
    with pytest.raises(InputFileErrors) as caught:
        import_file(path)
    assert str(caught.value).startswith(f"{path}:1: sheet 'Sheet1', column C: unknown column 'Secret'")


def test_a_sheet_without_header_is_read_in_the_documented_column_order(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "cards.xlsx", {"Blad1": [["What is ReLU?", "max(0, x)", "zero for negatives", 3]]}
    )
    bank = import_file(path)
    assert bank.questions[0].max_points == 3
    assert [point.text for point in bank.questions[0].rubric] == ["zero for negatives"]
    assert next(iter(bank.questions[0].reference_answer.values())) == "max(0, x)"


def test_hidden_sheets_are_not_read(tmp_path: Path) -> None:
    workbook = Workbook()
    hidden = workbook.active
    assert hidden is not None
    hidden.title = "Old"
    hidden.append(["question", "answer"])
    hidden.append(["Old question?", "Old answer."])
    hidden.sheet_state = "hidden"
    current = workbook.create_sheet("Current")
    current.append(["question", "answer"])
    current.append(["New question?", "New answer."])
    path = tmp_path / "bank.xlsx"
    workbook.save(path)

    notes: list[str] = []
    bank = import_file(path, notes=notes)

    assert [question.prompt_in(bank.languages[0]) for question in bank.questions] == ["New question?"]
    assert notes == []


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (3.0, "3"),
        (3, "3"),
        (2.5, "2.5"),
        (0.1 + 0.2, "0.3"),
        (-4.0, "-4"),
        (True, "TRUE"),
        (datetime(2024, 3, 4, 10, 15, 31), "2024-03-04 10:15:31"),
        (datetime(2024, 3, 4, 10, 15, 30, 999_600), "2024-03-04 10:15:31"),
        (datetime(2024, 3, 4), "2024-03-04"),
        (date(2024, 3, 4), "2024-03-04"),
        (time(9, 5), "09:05:00"),
        (timedelta(minutes=75, seconds=3), "1:15:03"),
        ("line one\r\nline two", "line one\nline two"),
    ],
)
def test_cells_read_as_a_csv_export_would_hold_them(value: object, text: str) -> None:
    assert cell_text(value) == text


@pytest.mark.parametrize(
    ("value", "number_format", "text"),
    [
        (0.5, "0%", "50%"),
        (0.125, "0%", "13%"),
        (0.145, "0%", "15%"),
        (0.125, "0.00%", "12.50%"),
        (-0.2, "0%;[Red]-0%", "-20%"),
        (1, "0%", "100%"),
        (1e20, "0%", "1e+20"),
        (0.5, '0.0"%"', "0.5"),
        (0.5, "General", "0.5"),
        ("half", "0%", "half"),
    ],
)
def test_percent_cells_read_as_excel_shows_them(value: object, number_format: str, text: str) -> None:
    assert cell_text(value, number_format) == text


def test_a_percent_formatted_answer_reads_as_the_percentage_in_a_workbook(tmp_path: Path) -> None:
    """Read-only mode gives values only; a cell formatted 0% showed 0.5 for a student's '50%'."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["question", "answer"])
    sheet.append(["How much dropout is usual?", 0.5])
    sheet["B2"].number_format = "0%"
    workbook.save(tmp_path / "bank.xlsx")
    table = read_sheet(tmp_path / "bank.xlsx", len)
    assert table.rows[1] == (2, ["How much dropout is usual?", "50%"])


def test_a_formula_without_a_saved_result_is_refused_naming_sheet_and_cells(tmp_path: Path) -> None:
    """openpyxl (like many exporters) writes formulas without calculating them: such a cell would read as
    empty, so the error names sheet and cells and says to save the workbook in Excel or LibreOffice."""
    rows: list[list[Cell]] = [["question", "answer", "points"], ["Q?", "=1+2", "=1+1"], ["Q2?", "four", 2]]
    path = write_workbook(tmp_path / "bank.xlsx", {"Frågor": rows})
    with pytest.raises(InputFileError) as caught:
        import_file(path)
    assert caught.value.line == 2 and caught.value.field == "sheet 'Frågor', cells B2, C2"
    assert "formulas without a saved result" in caught.value.reason
    assert "save it there" in caught.value.reason and "Excel or LibreOffice Calc" in caught.value.reason


def _with_saved_results(path: Path, results: dict[str, str]) -> Path:
    """The workbook as Excel saves it: each formula cell's result stored with it (`<v>`); a text result
    gets t="str", as Excel writes an empty-text result of =IF(…;"";…)."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    for cell, result in results.items():
        kind = "" if result.replace(".", "").isdigit() else ' t="str"'
        sheet = re.sub(
            rf'<c r="{cell}"><f>([^<]*)</f><v\s*/>', rf'<c r="{cell}"{kind}><f>\1</f><v>{result}</v>', sheet
        )
    members["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_a_formula_gives_the_result_excel_saved_and_is_never_calculated(tmp_path: Path) -> None:
    rows = [["question", "answer", "points", "feedback"], ["Q?", "=1+2", "=1+1", '=IF(A2="Q?","","x")']]
    path = write_workbook(tmp_path / "bank.xlsx", {"Sheet1": rows})
    question = import_file(_with_saved_results(path, {"B2": "three", "C2": "2", "D2": ""})).questions[0]
    assert question.reference_in("en") == "three" and question.max_points == 2.0
    assert question.general_feedback == ""  # an empty text result is a result


def _zip_without_workbook(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return path


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("garbage.xlsx", b"question,answer\nQ,A\n", "is not an Excel workbook (not a zip archive)"),
        ("truncated.xlsx", None, "is not an Excel workbook (KeyError:"),
        (
            "locked.xlsx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
            "is not an Excel workbook (password-protected, or an old .xls file",
        ),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "is an Excel 97-2003 .xls workbook"),
        ("calc.ods", b"PK\x03\x04", "is an OpenDocument spreadsheet"),
    ],
)
def test_files_that_are_no_readable_workbook_give_one_clear_line(
    tmp_path: Path, name: str, content: bytes | None, reason: str
) -> None:
    path = tmp_path / name
    if content is None:
        _zip_without_workbook(path)
    else:
        path.write_bytes(content)
    assert detect_format(path) == "xlsx"

    with pytest.raises(InputFileError) as caught:
        import_file(path)

    assert caught.value.message.startswith(f"{path}: {reason}")
    assert "\n" not in caught.value.message


def test_old_xls_error_says_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "bank.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    with pytest.raises(InputFileError, match=r"save it as \.xlsx or as CSV"):
        import_file(path)


def test_a_workbook_with_nothing_on_its_visible_sheets_is_an_error(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "empty.xlsx", {"Sheet1": [], "Sheet2": [[None, "  "]]})
    with pytest.raises(InputFileError, match="no data on any visible sheet"):
        import_file(path)


def test_a_workbook_unpacking_beyond_the_bound_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_workbook(tmp_path / "bank.xlsx", {"Frågor": QUESTIONS})
    monkeypatch.setattr(spreadsheet, "MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(
        InputFileError, match=r"bank\.xlsx: unpacks to [\d,]+ bytes, more than tenta reads \(1,000 bytes\)"
    ):
        import_file(path)


def test_a_data_row_naming_a_column_never_makes_the_rows_above_it_disappear(tmp_path: Path) -> None:
    rows: list[list[Cell]] = [["What is ReLU?", "max(0, x)"], ["Which word names a model reply?", "Answer"]]
    bank = import_file(write_workbook(tmp_path / "cards.xlsx", {"Blad1": rows}))
    assert [question.prompt_in(bank.languages[0]) for question in bank.questions] == [
        "What is ReLU?",
        "Which word names a model reply?",
    ]


def test_openpyxl_notes_on_dropped_styles_do_not_reach_the_user(
    tmp_path: Path, recwarn: pytest.WarningsRecorder
) -> None:
    """A workbook written by a tool without named styles (as Microsoft Forms' are): openpyxl would warn."""
    written = write_workbook(tmp_path / "written.xlsx", {"Frågor": QUESTIONS})
    path = tmp_path / "bank.xlsx"
    with zipfile.ZipFile(written) as source, zipfile.ZipFile(path, "w") as target:
        for member in source.infolist():
            content = source.read(member)
            if member.filename == "xl/styles.xml":
                content = re.sub(rb"<cellStyles.*?</cellStyles>", b"", content, flags=re.DOTALL)
            target.writestr(member, content)

    assert len(import_file(path).questions) == 3
    assert [str(warning.message) for warning in recwarn] == []


KAHOOT_PREAMBLE: list[list[Cell]] = [
    ["", "Quiz template"],
    ["", "Add questions, at least two answer alternatives, time limit and choose correct answers."],
    ["", "If several answers are correct, separate them with a comma."],
    [],
    [
        "",
        "Question - max 120 characters",
        "Answer 1 - max 75 characters",
        "Answer 2 - max 75 characters",
        "Answer 3 - max 75 characters",
        "Answer 4 - max 75 characters",
        "Time limit (sec) – 5, 10, 20, 30, 60, 90, 120, or 240 secs",
        "Correct answer(s) - choose at least one",
    ],
]


def test_kahoot_template_below_its_instructions_is_read_as_multiple_choice(tmp_path: Path) -> None:
    """Kahoot's spreadsheet: instructions above the header, hints in the column names, a numbering
    column without a header, the correct answers as positions ('2', '1,3'), a time limit read past."""
    rows: list[list[Cell]] = [
        *KAHOOT_PREAMBLE,
        [1, "Vilken planet är störst?", "Mars", "Jupiter", "Venus", "Jorden", 20, 2],
        [2, "Vilka tal är primtal?", "2", "4", "5", "9", 30, "1,3"],
        [3, "Är vatten vått?", "Ja", "Nej", None, None, 10, 1],
    ]
    bank = import_file(write_workbook(tmp_path / "kahoot.xlsx", {"Sheet1": rows}))
    first, primes, water = bank.questions
    assert first.prompt == {"sv": "Vilken planet är störst?"}
    assert [(choice.text, choice.fraction) for choice in first.choices] == [
        ("Mars", 0.0),
        ("Jupiter", 1.0),
        ("Venus", 0.0),
        ("Jorden", 0.0),
    ]
    assert [choice.fraction for choice in primes.choices] == [0.5, -0.5, 0.5, -0.5]
    assert [choice.text for choice in water.choices] == ["Ja", "Nej"]


def test_a_correct_answer_naming_an_empty_choice_is_an_error_at_its_row(tmp_path: Path) -> None:
    rows: list[list[Cell]] = [*KAHOOT_PREAMBLE, [1, "Är vatten vått?", "Ja", "Nej", None, None, 10, 4]]
    with pytest.raises(InputFileErrors) as caught:
        import_file(write_workbook(tmp_path / "kahoot.xlsx", {"Sheet1": rows}))
    assert "correct answer '4' names no filled choice; expected numbers 1-4, letters A-D" in str(caught.value)
    assert caught.value.errors[0].line == 6


QUIZIZZ_HEADER: list[list[Cell]] = [
    [
        "Question Text",
        "Question Type",
        "Option 1",
        "Option 2",
        "Option 3",
        "Option 4",
        "Option 5",
        "Correct Answer",
        "Time in seconds",
        "Image Link",
        "Answer explanation",
    ],
    [
        "Text of the question (required)",
        "Question Type (default is Multiple Choice)",
        "Text for option 1 (required in all cases except open-ended & draw questions)",
        "Text for option 2 (required in all cases except open-ended & draw questions)",
        "Text for option 3 (optional)",
        "Text for option 4 (optional)",
        "Text for option 5 (optional)",
        "The correct option choice (between 1-5). Leave blank for Open-Ended, Poll and Fill-in-the-Blank.",
        "Time in seconds (optional, default value is 30 seconds)",
        "Link of the image (optional)",
        "Answer explanation (optional)",
    ],
]


def test_quizizz_template_reads_its_question_types_and_image_links(tmp_path: Path) -> None:
    """Quizizz's template: a 'Question Type' per row (was: an unknown column, as was 'Image Link'), its row
    of column explanations under the header passed over, picture links kept as text in the prompt."""
    rows: list[list[Cell]] = [
        *QUIZIZZ_HEADER,
        [
            "Largest planet?",
            "Multiple Choice",
            "Mars",
            "Jupiter",
            "Venus",
            None,
            None,
            2,
            30,
            None,
            "Gas giant.",
        ],
        ["Prime numbers?", "Checkbox", "2", "4", "5", None, None, "1,3", 30, None, None],
        ["What does a ReLU return for x < 0?", "Fill-in-the-Blank", "0", "zero", None, None, None, None, 20],
        ["Why does dropout help?", "Open-Ended", None, None, None, None, None, "It prevents co-adaptation."],
        ["Which layer is this?", "", "Pooling", "Dense", None, None, None, 1, 30, "https://x.org/p.png"],
    ]
    bank = import_file(write_workbook(tmp_path / "quizizz.xlsx", {"Sheet1": rows}))
    planet, primes, relu, dropout, layer = bank.questions
    assert planet.number == 1 and planet.type is QuestionType.MULTIPLE_CHOICE
    assert [choice.fraction for choice in planet.choices] == [0.0, 1.0, 0.0]
    assert planet.general_feedback == "Gas giant."
    assert [choice.fraction for choice in primes.choices] == [0.5, -0.5, 0.5]
    assert relu.type is QuestionType.SHORT_EXACT
    assert [(choice.text, choice.fraction) for choice in relu.choices] == [("0", 1.0), ("zero", 1.0)]
    assert dropout.type is QuestionType.FREE_TEXT
    assert dropout.reference_answer == {"en": "It prevents co-adaptation."}
    assert layer.prompt == {"en": "Which layer is this?\n\n[image: https://x.org/p.png]"}


def test_quizizz_types_tenta_cannot_grade_are_named_or_skipped(tmp_path: Path) -> None:
    rows: list[list[Cell]] = [
        *QUIZIZZ_HEADER,
        ["Largest planet?", "Multiple Choice", "Mars", "Jupiter", "Venus", None, None, "1,2"],
        ["Favourite optimiser?", "Poll", "Adam", "SGD"],
        ["Which layer pools?", "Matching", "Pooling", "Dense", None, None, None, 1],
    ]
    path = write_workbook(tmp_path / "quizizz.xlsx", {"Sheet1": rows})
    with pytest.raises(InputFileErrors) as caught:
        import_file(path)
    reasons = [(error.line, error.reason, error.unsupported) for error in caught.value.errors]
    assert reasons == [
        (3, "a Multiple Choice question has one correct option but 2 are named; make it a Checkbox", False),
        (4, "Poll questions have no correct answer, so tenta cannot grade them", True),
        (
            5,
            "unknown question type 'Matching' (known: Multiple Choice, Checkbox, Open-Ended, "
            "Fill-in-the-Blank)",
            False,
        ),
    ]
    assert caught.value.errors[1].field == "sheet 'Sheet1', column B (question_type)"

    skipped: list[InputFileError] = []
    fixed = write_workbook(
        tmp_path / "fixed.xlsx", {"Sheet1": [*rows[:2], ["Q?", "", "a", "b"] + [None] * 3 + [1], rows[3]]}
    )
    bank = import_file(fixed, skipped=skipped)
    assert len(bank.questions) == 1
    assert [(error.line, error.unsupported) for error in skipped] == [(4, True)]
    assert "sheet 'Sheet1'" in str(skipped[0])
