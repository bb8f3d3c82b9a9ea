"""Round 10 of exchange files written by other tools, as a teacher moving a course into tenta brings them.
Each test writes the file in its producer's layout with words of its own (no copied fixture), and reads it
through the same reader `tenta bank import` or `tenta grade` uses."""

from __future__ import annotations

from pathlib import Path

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
