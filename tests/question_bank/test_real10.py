"""Round 10 of exchange files written by other tools, as a teacher moving a course into tenta brings them.
Each test writes the file in its producer's layout with words of its own (no copied fixture), and reads it
through the same reader `tenta bank import` or `tenta grade` uses."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from question_bank.formats.detect import import_file
from question_bank.formats.spreadsheet import cell_text
from question_bank.formats.text_decoding import NotUtf8, decode_text
from quiz.teacher.submissions import read_submissions


def test_a_submissions_csv_saved_by_excel_for_mac_keeps_its_swedish_letters(tmp_path: Path) -> None:
    """A class's answers saved from Excel for Mac ('Comma Separated Values') are Mac Roman with CR line
    ends. The submissions reader took every file that is not UTF-8 for Windows-1252 before the Mac Roman
    check the bank readers make: 'Åsa Öberg' (0x81 0x85 in Mac Roman) was stored as '\ufffdsa …berg' and
    every 'ä' (0x8a) as 'Š'."""
    rows = [
        "Namn;Fråga;Svar",
        "Åsa Öberg;1;Modellen lär sig bruset i träningsdatan – inte mönstret",
        "Per Ängström;1;Överanpassning: för många parametrar för lite data",
    ]
    path = tmp_path / "svar från mac.csv"
    path.write_bytes(("\r".join(rows) + "\r").encode("mac_roman"))

    parsed = read_submissions(path)

    assert [(row.student_name, row.question_key, row.answer) for row in parsed.rows] == [
        ("Åsa Öberg", "1", "Modellen lär sig bruset i träningsdatan – inte mönstret"),
        ("Per Ängström", "1", "Överanpassning: för många parametrar för lite data"),
    ]
    assert not parsed.errors
    assert [warning.line for warning in parsed.warnings] == [1]


def test_each_policy_names_the_encoding_it_read_a_mac_roman_file_as() -> None:
    """The reader that warns about a file that is not UTF-8 can say how it was read: Mac Roman for the
    bank readers and the submissions reader alike."""
    raw = "Fråga;Svar\nVad är en räksmörgås?;En smörgås med räkor\n".encode("mac_roman")

    windows = decode_text(Path("q.csv"), raw, policy=NotUtf8.WINDOWS)
    replaced = decode_text(Path("q.csv"), raw, policy=NotUtf8.REPLACE)

    assert windows == replaced
    assert (replaced.text.splitlines()[1], replaced.encoding, replaced.not_utf8_line) == (
        "Vad är en räksmörgås?;En smörgås med räkor",
        "Mac Roman",
        1,
    )


def _bank_workbook(path: Path, rows: list[list[object]], formats: dict[str, str]) -> Path:
    """A question sheet as Excel saves it: numbers stored as doubles, each cell's number format in the
    workbook's styles (what Format Cells → Number sets)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Frågor"
    for row in rows:
        sheet.append(row)
    for cell, number_format in formats.items():
        sheet[cell].number_format = number_format
    workbook.save(path)
    return path


def test_spreadsheet_numbers_read_as_their_number_format_shows_them(tmp_path: Path) -> None:
    """A points column formatted with one decimal shows 0.5 where a sum stored 0.49999999999; a probability
    typed '0 1/4' is stored 0.25 in a '# ?/?' cell and shows as 1/4; a '0.00' cell shows 1.50. Read-only
    openpyxl gives the stored doubles, so the bank got 0.49999999999 points, 'a third' of a point as
    0.333333333333333 and an accepted answer '0.25' the teacher never wrote."""
    path = _bank_workbook(
        tmp_path / "frågebank.xlsx",
        [
            ["Question Type", "Question Text", "Option 1", "Option 2", "Points", "Correct Answer"],
            ["Fill-in-the-Blank", "Sannolikheten för krona två gånger?", 0.25, "25%", 0.49999999999],
            ["Fill-in-the-Blank", "Hur stor andel av datan är testdata?", 1 / 3, "", 1 / 3],
            ["Open-Ended", "Förklara överanpassning.", "", "", 1.5, "Modellen lär sig bruset."],
        ],
        {"C2": "# ?/?", "E2": "0.0", "C3": "# ??/??", "E3": "# ?/?", "E4": "0.00"},
    )

    chance, share, essay = import_file(path).questions

    assert [choice.text for choice in chance.choices] == ["1/4", "25%"]
    assert chance.max_points == 0.5
    assert [choice.text for choice in share.choices] == ["1/3"]
    assert share.max_points == 1 / 3
    assert essay.max_points == 1.5


@pytest.mark.parametrize(
    ("value", "number_format", "shown"),
    [
        (0.49999999999, "0.0", "0.5"),
        (2, "0.00", "2.00"),
        (2.675, "0.00", "2.68"),
        (2.5, "0", "3"),
        (1234.5, "#,##0.00", "1234.50"),
        (-3, "#,##0.00_);[Red](#,##0.00)", "-3.00"),
        (0.1, "0.0#", "0.1"),
        (0.125, "0.0#", "0.13"),
        (1 / 3, "# ?/?", "1/3"),
        (1.5, "# ?/?", "1 1/2"),
        (1.5, "?/?", "3/2"),
        (0.37, "# ?/8", "3/8"),
        (-1 / 3, "# ?/?", "-1/3"),
        (2, "# ?/?", "2"),
        (12345.678, "0.00E+00", "1.23E+04"),
        (0.5, '0.0"%"', "0.5"),
        (0.5, "0%", "50%"),
        (0.30000000000000004, "General", "0.3"),
        (7, '0 "p"', "7"),
        (1200, "#,##0,", "1200"),
    ],
)
def test_a_number_cell_reads_as_excel_shows_it(value: float, number_format: str, shown: str) -> None:
    """Fixed decimals round half away from zero, '#' places only where not zero, fractions are the closest
    with that many denominator digits; thousands separators and quoted text are left out so the value still
    reads as a number, and a thousands-scaling format ('#,##0,') is read as General."""
    assert cell_text(value, number_format) == shown
