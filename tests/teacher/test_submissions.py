"""Reading submission files: aliases, dialects, encodings, wide Moodle layout, and located errors."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from question_bank.errors import InputFileError
from quiz.teacher.submissions import parse_timestamp, read_submissions


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_csv_with_commas_quotes_newlines_and_swedish_letters_round_trips(tmp_path: Path) -> None:
    answers = [
        'Först, sedan: "citat" och åäö ÅÄÖ',
        "rad ett\nrad två, med komma\r\nrad tre",
        'ends with a quote "',
        "plain",
    ]
    path = tmp_path / "in.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "question", "answer"])
        for index, answer in enumerate(answers):
            writer.writerow([f"Åsa Öberg {index}", "q1", answer])

    parsed = read_submissions(path)

    assert parsed.errors == []
    assert [row.answer for row in parsed.rows] == answers
    assert parsed.rows[0].student_name == "Åsa Öberg 0"
    assert [row.line for row in parsed.rows] == [2, 3, 6, 7]


def test_semicolon_csv_with_bom_and_aliases(tmp_path: Path) -> None:
    path = write(
        tmp_path / "moodle.csv",
        "\ufeffEmail address;Question ID;Response;Submitted\n"
        "asa@example.se;2;Svar, med komma;2024-03-04T10:15:00+01:00\n",
    )

    parsed = read_submissions(path)

    assert parsed.errors == []
    (row,) = parsed.rows
    assert row.student_name == "asa@example.se"
    assert row.student_external_id == "asa@example.se"
    assert row.question_key == "2"
    assert row.answer == "Svar, med komma"
    assert row.submitted_at == datetime(2024, 3, 4, 9, 15, tzinfo=UTC)


def test_windows_1252_file_is_read_with_a_warning(tmp_path: Path) -> None:
    path = write(
        tmp_path / "excel.csv", "student,question,answer\nÖrjan,1,Gradient är åt fel håll\n", "cp1252"
    )

    parsed = read_submissions(path)

    assert parsed.rows[0].student_name == "Örjan"
    assert parsed.rows[0].answer == "Gradient är åt fel håll"
    assert "UTF-8" in parsed.warnings[0].message


def test_moodle_wide_responses_become_one_row_per_answer(tmp_path: Path) -> None:
    path = write(
        tmp_path / "responses.csv",
        "Last name,First name,Email address,State,Started on,Completed,Response 1,Right answer 1,Response 2\n"
        "Öberg,Åsa,asa@x.se,Finished,4 March 2024 10:00 AM,4 March 2024 10:15 AM,Första,x,Andra\n"
        "Berg,Per,per@x.se,Finished,4 March 2024 10:00 AM,-,Ett svar,x,-\n",
    )

    parsed = read_submissions(path)

    assert [(row.student_name, row.question_key, row.answer) for row in parsed.rows] == [
        ("Åsa Öberg", "1", "Första"),
        ("Åsa Öberg", "2", "Andra"),
        ("Per Berg", "1", "Ett svar"),
    ]
    assert parsed.rows[0].student_external_id == "asa@x.se"
    assert parsed.rows[0].submitted_at is not None
    assert parsed.rows[2].submitted_at is None
    assert [(error.line, error.field) for error in parsed.errors] == [(3, "Response 2")]


def test_bad_rows_are_reported_by_line_and_good_rows_kept(tmp_path: Path) -> None:
    path = write(
        tmp_path / "mixed.csv",
        "student,question,answer\n"
        "anna,1,good one\n"
        ",1,no student\n"
        "bo,1,   \n"
        'cia,1,"broken "quote here\n'
        "dan,2,good two\n"
        'eva,1,"never closed\n'
        "fia,3,good three\n",
    )

    parsed = read_submissions(path)

    assert [row.student_name for row in parsed.rows] == ["anna", "dan", "fia"]
    assert [(error.line, error.reason.split(" (")[0]) for error in parsed.errors] == [
        (3, "no student given"),
        (4, "empty answer"),
        (5, "broken CSV quoting"),
        (7, "a quoted field is never closed"),
    ]
    assert all(str(path) in error.message for error in parsed.errors)


def test_missing_required_column_is_fatal_with_line_one(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.csv", "student,answer\nanna,x\n")

    with pytest.raises(InputFileError) as raised:
        read_submissions(path)

    assert raised.value.line == 1
    assert "question" in raised.value.reason


def test_jsonl_rows_with_errors_located(tmp_path: Path) -> None:
    lines = [
        json.dumps({"student_id": "s1", "question_id": "q1", "answer": 'åäö "quoted", comma\nnewline'}),
        "",
        "{not json",
        json.dumps({"student": "s2", "answer": "no question column"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"student": "s3", "q": 2, "response": "number as question", "id": 7}),
    ]
    path = write(tmp_path / "subs.jsonl", "\n".join(lines) + "\n")

    parsed = read_submissions(path)

    assert [(row.student_name, row.question_key) for row in parsed.rows] == [("s1", "q1"), ("s3", "2")]
    assert parsed.rows[0].answer == 'åäö "quoted", comma\nnewline'
    assert [error.line for error in parsed.errors] == [3, 4, 5]


def test_duplicate_explicit_id_with_other_content_is_an_error(tmp_path: Path) -> None:
    path = write(
        tmp_path / "ids.csv",
        "answer_id,student,question,answer\na1,anna,1,first\na1,anna,1,first\na1,bo,1,other\n",
    )

    parsed = read_submissions(path)

    assert len(parsed.rows) == 2
    assert [error.line for error in parsed.errors] == [4]


def test_timestamps_in_common_formats() -> None:
    assert parse_timestamp("2024-03-04T10:15:00Z") == datetime(2024, 3, 4, 10, 15, tzinfo=UTC)
    assert parse_timestamp("1709547300") == datetime(2024, 3, 4, 10, 15, tzinfo=UTC)
    assert parse_timestamp("4 March 2024  10:15 AM") is not None
    assert parse_timestamp("next tuesday") is None


def test_swedish_moodle_responses_download_with_averages_row(tmp_path: Path) -> None:
    """A Swedish Moodle site names the columns Efternamn/Förnamn/E-postadress/Avslutad/Svar N."""
    path = write(
        tmp_path / "svar.csv",
        'Efternamn,Förnamn,E-postadress,Status,Påbörjad,Avslutad,Tidsåtgång,"Betyg/10,00",'
        "Svar 1,Rätt svar 1,Svar 2\n"
        'Öberg,Åsa,asa@x.se,Slutförd,4 March 2024 10:00 AM,4 March 2024 10:15 AM,15 min,"8,00",'
        "Överanpassning,x,Dropout\n"
        'Overall average,,,,,,,"8,00",,,\n',
    )

    parsed = read_submissions(path)

    assert [(row.student_name, row.question_key, row.answer) for row in parsed.rows] == [
        ("Åsa Öberg", "1", "Överanpassning"),
        ("Åsa Öberg", "2", "Dropout"),
    ]
    assert parsed.rows[0].student_external_id == "asa@x.se"
    assert parsed.rows[0].submitted_at is not None
    assert parsed.errors == []
    assert [warning.line for warning in parsed.warnings] == [3]


def test_moodle_json_download_is_one_array_of_pretty_printed_records(tmp_path: Path) -> None:
    records = [
        {"Surname": "Berg", "First name": "Per", "Email address": "per@x.se", "Response 1": "Ett {svar}"},
        {"Surname": "Öberg", "First name": "Åsa", "Email address": "asa@x.se", "Response 1": "-"},
    ]
    sheet = ",".join(json.dumps(record, ensure_ascii=False, indent=4) for record in records)
    path = write(tmp_path / "responses.json", f"[[{sheet}]]")

    parsed = read_submissions(path)

    assert [(row.student_name, row.answer, row.line) for row in parsed.rows] == [
        ("Per Berg", "Ett {svar}", 1)
    ]
    assert [(error.line, error.field) for error in parsed.errors] == [(6, "Response 1")]
