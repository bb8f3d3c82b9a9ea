"""Excel for Mac saves its plain "Comma Separated Values" in Mac Roman. A Swedish glossary or class list
whose only letters beyond ASCII are 'ö' and 'Ö' at the start of words ('över', 'öppen', the island 'ö',
'Öberg', 'Örebro') gave Mac Roman and Windows-1252 the same score, and the tie went to Windows-1252:
'šver', 'š', '…berg'. These tests write such files byte for byte as Excel for Mac does (CR line ends)
and read them through the bank import and the submissions reader."""

from __future__ import annotations

from pathlib import Path

import pytest

from question_bank.formats.detect import import_file
from question_bank.formats.text_decoding import NotUtf8, decode_text
from quiz.teacher.submissions import read_submissions

GLOSSARY = [
    ("What is the Swedish word for island?", "ö"),
    ("Swedish for 'over'?", "över"),
    ("Swedish for 'open'?", "öppen"),
]


def test_a_mac_roman_glossary_whose_only_letter_beyond_ascii_is_a_word_initial_o_umlaut(
    tmp_path: Path,
) -> None:
    """Before: the answers were imported as 'š', 'šver' and 'šppen'."""
    path = tmp_path / "glosor.csv"
    lines = ["question;reference_answer", *(f"{prompt};{answer}" for prompt, answer in GLOSSARY)]
    path.write_bytes(("\r".join(lines) + "\r").encode("mac_roman"))

    bank = import_file(path)

    assert [(q.prompt_in("en"), q.reference_in("en")) for q in bank.questions] == GLOSSARY


def test_a_mac_roman_class_list_of_names_beginning_with_capital_o_umlaut(tmp_path: Path) -> None:
    """'Ö' is 0x85 in Mac Roman, Windows-1252's '…': 'Öberg' was stored as a new student '…berg'."""
    path = tmp_path / "svar.csv"
    lines = ["student;question;answer", "Eva Öberg;1;Dropout", "Ola Östlund;1;Regularisation"]
    path.write_bytes(("\r".join(lines) + "\r").encode("mac_roman"))

    parsed = read_submissions(path)

    assert [row.student_name for row in parsed.rows] == ["Eva Öberg", "Ola Östlund"]
    assert [warning.reason for warning in parsed.warnings] == [
        "not valid UTF-8; read as Mac Roman (save as UTF-8 to be sure of å, ä, ö)"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Vilket ord?;…and then it stopped\r\n",
        "Wait… what?;škoda\r\n",
        "Šimon Novák;Škoda\r\n",
        "Dušan;ja\r\n",
        "Žofie;…och sedan\r\n",
    ],
)
def test_windows_1252_text_with_the_same_bytes_stays_windows_1252(text: str) -> None:
    """The other side of the tie: an ellipsis that opens a quotation, a lower-case 'š' after an ellipsis
    and Central European names, as Windows-1252 writes them, still read as written."""
    raw = ("question;answer\r\n" + text).encode("cp1252")

    decoded = decode_text(Path("q.csv"), raw, policy=NotUtf8.WINDOWS)

    assert (decoded.text, decoded.encoding) == (raw.decode("cp1252"), "Windows-1252")
