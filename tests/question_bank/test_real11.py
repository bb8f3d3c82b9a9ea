"""Round 11 of exchange files written by other tools, as a teacher moving a course into tenta brings them.
Each test writes the file in its producer's layout and encoding with words of its own (no copied
fixture), and reads it through the same reader `tenta bank import` or `tenta grade` uses."""

from __future__ import annotations

import csv
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from question_bank.formats.detect import import_file
from question_bank.formats.text_decoding import NotUtf8, decode_text
from quiz.teacher.submissions import parse_timestamp, read_submissions

EUROPEAN_LINES = {
    "serbian-name": "Dušan Petrovic;1;Dropout stänger av neuroner",
    "only-s-caron": "Dušan Petrovic;1;Dropout turns off neurons",
    "czech-name": "Žofie Dvorak;2;Gradient descent",
    "oe-ligature": "Œuvre complète;3;Ett verk",
    "curly-quotes-and-dash": "Ann Berg;4;smart “quotes” – dash",
    "euro": "Per Lind;5;5 €",
    "english-apostrophes": "Dušan Petrovic;6;it’s “dropout” — I think",
    "swedish": "Åsa Öberg;7;Modellen lär sig bruset – inte mönstret",
    "nordic-and-german": "Søren Müller;8;Straße, Ærø och Zoë",
    "french-spanish": "François Niño;9;¿Qué? Ça va… déjà",
    "slovak": "Mikuláš Novák;10;Žiadna odpoveď",
}
"""Class list and answer lines a Swedish course gets: names from all over Europe, Excel's curly quotes,
dashes and euro signs. Each is written in an encoding only where that encoding has every letter of it
('ď' is in neither Windows-1252 nor Mac Roman, so the Slovak line is UTF-8 only)."""


def _lines_in(encoding: str) -> list[str]:
    """The lines of EUROPEAN_LINES that `encoding` can hold."""
    found = []
    for text in EUROPEAN_LINES.values():
        try:
            text.encode(encoding)
        except UnicodeEncodeError:
            continue
        found.append(text)
    return found


ENCODINGS = {"utf-8": "UTF-8", "cp1252": "Windows-1252", "mac_roman": "Mac Roman"}


@pytest.mark.parametrize(
    ("encoding", "line"),
    [
        pytest.param(encoding, line, id=f"{key}-{encoding}")
        for key, line in EUROPEAN_LINES.items()
        for encoding in ENCODINGS
        if line in _lines_in(encoding)
    ],
)
def test_each_line_alone_reads_back_in_the_encoding_it_was_written_in(encoding: str, line: str) -> None:
    """A file of an ASCII header and one line, the smallest and hardest case: 'Dušan' in Windows-1252 is
    b'Du\\x9aan', which Mac Roman reads 'Duöan'; the old rule counted 0x9A after a letter for Mac Roman and
    nothing against it, so a Windows file whose only letters beyond ASCII were 'š' and curly quotes became
    Mac Roman. Mac Roman's own curly quotes, dashes and euro signs were read as Windows-1252 ('Òquotes').
    """
    text = f"Namn;Fraga;Svar\r\n{line}\r\n"

    decoded = decode_text(Path("svar.csv"), text.encode(encoding), policy=NotUtf8.REPLACE)

    assert (decoded.text, decoded.encoding) == (text, ENCODINGS[encoding])


@pytest.mark.parametrize("encoding", ["cp1252", "mac_roman"])
def test_a_whole_class_list_reads_back_under_both_policies(encoding: str) -> None:
    """Every line its encoding can hold in one file, with the line ends its producer writes (CR for Excel
    for Mac): the bank readers' WINDOWS policy and the submissions reader's REPLACE policy decide alike."""
    newline = "\r" if encoding == "mac_roman" else "\r\n"
    text = newline.join(["Namn;Fråga;Svar", *_lines_in(encoding)]) + newline
    raw = text.encode(encoding)

    windows = decode_text(Path("klass.csv"), raw, policy=NotUtf8.WINDOWS)
    replaced = decode_text(Path("klass.csv"), raw, policy=NotUtf8.REPLACE)

    assert windows == replaced
    assert (replaced.text, replaced.encoding, replaced.not_utf8_line) == (text, ENCODINGS[encoding], 1)


def test_a_submissions_file_from_swedish_windows_excel_with_a_serbian_name(tmp_path: Path) -> None:
    """Excel on Windows saves 'CSV (semikolonavgränsad)' in Windows-1252, writing 'ć' (not in it) as 'c'.
    A class whose only name beyond ASCII letters was 'Dušan' was read as Mac Roman: 'Duöan Petrovic'
    was stored as a new student and the warning said 'read as Mac Roman'."""
    path = tmp_path / "svar.csv"
    path.write_bytes(
        "Namn;Fråga;Svar\r\nDušan Petrovic;1;Dropout turns off random neurons\r\n"
        "Anna Berg;1;It’s a “regulariser” – it reduces overfitting\r\n".replace("Fråga", "Question").encode(
            "cp1252"
        )
    )

    parsed = read_submissions(path)

    assert [(row.student_name, row.answer) for row in parsed.rows] == [
        ("Dušan Petrovic", "Dropout turns off random neurons"),
        ("Anna Berg", "It’s a “regulariser” – it reduces overfitting"),
    ]
    assert [warning.reason for warning in parsed.warnings] == [
        "not valid UTF-8; read as Windows-1252 (save as UTF-8 to be sure of å, ä, ö)"
    ]


def test_a_question_bank_csv_from_windows_with_a_serbian_name_and_euro_signs(tmp_path: Path) -> None:
    """The bank readers share the decision: a question file whose only bytes beyond ASCII were 'š', '€'
    and curly quotes was read as Mac Roman ('Duöan', '5 Ä')."""
    path = tmp_path / "questions.csv"
    rows = ["question;answer", "Which club did “Dušan Tadic” captain?;Ajax", "What does a GPU hour cost?;5 €"]
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("cp1252"))

    captain, price = import_file(path).questions

    assert captain.prompt_in("en") == "Which club did “Dušan Tadic” captain?"
    assert price.reference_in("en") == "5 €"


@pytest.fixture
def stockholm_winter(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The teacher's computer in Sweden in November (UTC+1), as a POSIX zone string, so no tz database
    is needed."""
    monkeypatch.setenv("TZ", "CET-1")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


CET = timezone(timedelta(hours=1))
CEST = timezone(timedelta(hours=2))


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("2026-11-27 10:15:03 fm CET", datetime(2026, 11, 27, 10, 15, 3, tzinfo=CET)),
        ("2026-11-27 2:05:41 em CET", datetime(2026, 11, 27, 14, 5, 41, tzinfo=CET)),
        ("2026-11-27 12:40:00 em CET", datetime(2026, 11, 27, 12, 40, tzinfo=CET)),
        ("2026-11-27 12:10:00 fm CET", datetime(2026, 11, 27, 0, 10, tzinfo=CET)),
        ("2026-06-12 9:30:00 f.m. CEST", datetime(2026, 6, 12, 9, 30, tzinfo=CEST)),
        ("2026-06-12 9:30:00 e.m. CEST", datetime(2026, 6, 12, 21, 30, tzinfo=CEST)),
        ("2026/11/27 10:15:03 em GMT+1", datetime(2026, 11, 27, 22, 15, 3, tzinfo=CET)),
        ("2026-11-27 10:15:03 FM CET", datetime(2026, 11, 27, 10, 15, 3, tzinfo=CET)),
        ("11/27/2026 10:15:03 PM GMT+1", datetime(2026, 11, 27, 22, 15, 3, tzinfo=CET)),
        ("11/27/2026 10:15:03 p.m. CET", datetime(2026, 11, 27, 22, 15, 3, tzinfo=CET)),
        ("11/27/2026 10:15:03 AM UTC", datetime(2026, 11, 27, 10, 15, 3, tzinfo=UTC)),
        ("2026-11-27 10:15:03 EET", datetime(2026, 11, 27, 8, 15, 3, tzinfo=UTC)),
    ],
)
def test_google_forms_timestamps_in_swedish_and_english(
    stockholm_winter: None, written: str, meant: datetime
) -> None:
    """A Google Forms responses download from a Swedish account writes 'fm'/'em' (förmiddag,
    eftermiddag; 'f.m.'/'e.m.' in some exports) and the zone's abbreviation: each such time was
    'unreadable', so the answers of a form filled in twice had no order and the later one did not count.
    The zone written wins over the computer's own (UTC+1 here)."""
    assert parse_timestamp(written) == meant.astimezone(UTC)


@pytest.mark.parametrize(
    "written",
    ["11/27/2026 10:15:03", "11/27/2026 10:15:03 AM", "2026-11-27 10:15:03 fm", "2026-11-27 10:15:03 f.m."],
)
def test_a_google_forms_time_without_a_zone_is_the_computers_local_time(
    stockholm_winter: None, written: str
) -> None:
    """English exports (and a Swedish one with the zone cut off) give no zone: the time is what the
    export showed the teacher, so it is read in the computer's local time like every other zone-less
    time."""
    assert parse_timestamp(written) == datetime(2026, 11, 27, 9, 15, 3, tzinfo=UTC)


@pytest.mark.parametrize("written", ["2026-11-27 14:15:03 fm CET", "2026-11-27 10:15:03 fm XYZ"])
def test_a_contradictory_or_unknown_google_forms_time_is_not_guessed(written: str) -> None:
    """'14:15 fm' is no time of day, and a zone tenta does not know would be read as local time: both
    are unreadable rather than a wrong order of answers."""
    assert parse_timestamp(written) is None


def test_a_swedish_google_forms_download_keeps_each_responses_time(tmp_path: Path) -> None:
    """'Ladda ned svar (.csv)' from a Swedish Google account: every cell quoted, 'Tidstämpel' first,
    times with 'fm'/'em' and the zone. A time that cannot be read is named by file, line and column and
    the answers on that line are still stored (without a time), as for any other unreadable time."""
    path = tmp_path / "Tenta i maskininlärning (svar) - Formulärsvar 1.csv"
    rows = [
        ["Tidstämpel", "E-postadress", "Poäng", "Vad gör dropout under träning?", "Vad är early stopping?"],
        [
            "2026-11-27 10:15:03 fm CET",
            "asa.oberg@uu.se",
            "3 / 4",
            "Stänger av neuroner",
            "Sluta i tid",
        ],
        ["2026-11-27 1:02:47 em CET", "dusan.petrovic@uu.se", "2 / 4", "Slumpar bort vikter", ""],
        ["igår efter lunch", "per.lind@uu.se", "1 / 4", "Vet ej", "Sluta tidigt"],
    ]
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, quoting=csv.QUOTE_ALL).writerows(rows)

    parsed = read_submissions(path)

    assert [(row.line, row.student_name, row.submitted_at) for row in parsed.rows] == [
        (2, "asa.oberg@uu.se", datetime(2026, 11, 27, 9, 15, 3, tzinfo=UTC)),
        (2, "asa.oberg@uu.se", datetime(2026, 11, 27, 9, 15, 3, tzinfo=UTC)),
        (3, "dusan.petrovic@uu.se", datetime(2026, 11, 27, 12, 2, 47, tzinfo=UTC)),
        (4, "per.lind@uu.se", None),
        (4, "per.lind@uu.se", None),
    ]
    assert parsed.errors == []
    assert [str(warning) for warning in parsed.warnings] == [
        f"{path}:4: Tidstämpel: unreadable time 'igår efter lunch' ignored "
        "(use ISO 8601, e.g. 2024-03-04T10:15)"
    ]
