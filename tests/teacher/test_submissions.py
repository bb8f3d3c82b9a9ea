"""Reading submission files: aliases, dialects, encodings, wide Moodle layout, and located errors."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from question_bank.errors import InputFileError
from question_bank.models import Bank
from quiz.context import AppContext
from quiz.teacher.submissions import parse_timestamp, question_for_prompt, read_submissions


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
    assert parsed.errors == []
    assert [(warning.line, warning.field) for warning in parsed.warnings] == [(3, "Response 2")]


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
        (5, "broken CSV quoting"),
        (7, "a quoted field is never closed"),
    ]
    assert all(str(path) in error.message for error in parsed.errors)
    assert [warning.message for warning in parsed.warnings] == [
        f"{path}:4: answer: not answered; nothing stored"
    ]


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


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("12 januari 2026, 09:05", datetime(2026, 1, 12, 9, 5)),
        ("4 mars 2024, 16:15", datetime(2024, 3, 4, 16, 15)),
        ("1 Maj 2024,  08:30", datetime(2024, 5, 1, 8, 30)),
        ("31 oktober 2025, 23:59", datetime(2025, 10, 31, 23, 59)),
        ("3 okt 2024 10:15", datetime(2024, 10, 3, 10, 15)),
        ("2 december 2024, 12:00", datetime(2024, 12, 2, 12, 0)),
    ],
)
def test_swedish_moodle_dates_are_read_in_local_time(written: str, expected: datetime) -> None:
    """A Swedish Moodle site writes its 'Avslutad' times as '12 januari 2026, 09:05' (langconfig sv:
    '%d %B %Y, %H:%M'); before, every row warned 'unreadable time' and the exam date became the day
    of grading."""
    assert parse_timestamp(written) == expected.astimezone(UTC)


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


def test_a_swedish_moodle_sites_averages_row_is_skipped_not_read_as_a_student(tmp_path: Path) -> None:
    """Moodle in Swedish names the averages row 'Övergripande medelbetyg'; before, it was read as a
    student whose every answer cell ('-') warned 'not answered'."""
    path = write(
        tmp_path / "svar.csv",
        'Efternamn,Förnamn,E-postadress,Avslutad,"Betyg/2,00",Svar 1,Svar 2\n'
        'Öberg,Åsa,asa@x.se,"4 mars 2024, 10:15","2,00",Överanpassning,Dropout\n'
        'Övergripande medelbetyg,,,,"2,00",-,-\n',
    )

    parsed = read_submissions(path)

    assert [row.student_name for row in parsed.rows] == ["Åsa Öberg", "Åsa Öberg"]
    assert [warning.line for warning in parsed.warnings] == [3]
    assert str(parsed.warnings[0]).endswith(
        "svar.csv:3: 'Övergripande medelbetyg' row skipped (not a student)"
    )


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
    assert parsed.errors == []
    assert [(warning.line, warning.field) for warning in parsed.warnings] == [(6, "Response 1")]


# --- Google Forms and Microsoft Forms responses ------------------------------------------------------

GOOGLE_FORMS_QUIZ = (
    "Timestamp,Email Address,Score,Vad gör dropout under träning? [2 poäng],"
    "Vad gör dropout under träning? [Score],Vad gör dropout under träning? [Feedback],"
    "What is early-stopping?,Which hardware speeds up training of large networks the most? (1 point),"
    "Vilken klass går du i?\n"
    '2024/03/04 10:15:32 AM GMT+1,asa@example.se,3 / 5,"Den stänger av slumpvisa neuroner, '
    'så nätet överanpassar mindre.",2,Bra!,We stop when the validation loss gets worse.,GPU,TB3\n'
    "2024/03/04 10:17:02 AM GMT+1,per@example.se,1 / 5,Det gör modellen snabbare.,0,,,Hard disk,TB3\n"
)


def _bank() -> Bank:
    from tests.teacher.fixtures import TEACHER_BANK

    return Bank.model_validate(TEACHER_BANK)


def test_google_forms_quiz_columns_are_questions_by_their_text(tmp_path: Path) -> None:
    path = write(tmp_path / "Quiz (Responses) - Form Responses 1.csv", GOOGLE_FORMS_QUIZ)

    parsed = read_submissions(path)

    assert parsed.errors == []
    assert [(row.line, row.student_name, row.column) for row in parsed.rows] == [
        (2, "asa@example.se", "Vad gör dropout under träning? [2 poäng]"),
        (2, "asa@example.se", "What is early-stopping?"),
        (2, "asa@example.se", "Which hardware speeds up training of large networks the most? (1 point)"),
        (2, "asa@example.se", "Vilken klass går du i?"),
        (3, "per@example.se", "Vad gör dropout under träning? [2 poäng]"),  # early stopping left blank
        (3, "per@example.se", "Which hardware speeds up training of large networks the most? (1 point)"),
        (3, "per@example.se", "Vilken klass går du i?"),
    ]
    assert parsed.rows[0].question_key == "Vad gör dropout under träning?"  # the points are not the text
    assert parsed.rows[0].answer == "Den stänger av slumpvisa neuroner, så nätet överanpassar mindre."
    assert parsed.rows[0].submitted_at == datetime(2024, 3, 4, 9, 15, 32, tzinfo=UTC)
    bank = _bank()
    assert [
        question.id if (question := question_for_prompt(bank, row.question_key)) else None
        for row in parsed.rows[:4]
    ] == ["dropout", "early-stopping", "gpu", None]


def test_microsoft_forms_excel_export(tmp_path: Path) -> None:
    path = write(
        tmp_path / "Neural networks quiz(1-2).csv",
        "\ufeffID;Start time;Completion time;Email;Name;Total points;Quiz feedback;"
        "1. What does dropout do during training?;Points - 1. What does dropout do during training?;"
        "Feedback - 1. What does dropout do during training?;What is early stopping\n"
        "1;3/4/24 10:01:00;3/4/24 10:14:00;asa@example.se;Åsa Öberg;1;;Turns off neurons;1;;"
        "Stop when validation loss rises\n"
        "2;3/4/24 10:02:00;3/4/24 10:20:00;anonymous;;0;;;;;\n",
    )

    parsed = read_submissions(path)

    assert [(row.line, row.student_name, row.question_key) for row in parsed.rows] == [
        (2, "Åsa Öberg", "1. What does dropout do during training?"),
        (2, "Åsa Öberg", "What is early stopping"),
    ]
    assert parsed.rows[0].student_external_id == "asa@example.se"
    assert parsed.rows[0].submitted_at is not None
    assert parsed.rows[0].submitted_at.astimezone().replace(tzinfo=None) == datetime(2024, 3, 4, 10, 14)
    bank = _bank()
    assert [question_for_prompt(bank, row.question_key) for row in parsed.rows] == [
        bank.question("dropout"),
        bank.question("early-stopping"),
    ]


def test_anonymous_google_form_rows_are_respondents_by_line(tmp_path: Path) -> None:
    path = write(
        tmp_path / "anonymous.csv",
        "Tidstämpel,What is early stopping?\n2024-03-04 10:15:32,Stop early\n2024-03-04 10:16:00,No idea\n",
    )

    parsed = read_submissions(path)

    assert [(row.student_name, row.answer) for row in parsed.rows] == [
        ("respondent (line 2)", "Stop early"),
        ("respondent (line 3)", "No idea"),
    ]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("What does dropout do during training?", "dropout"),
        ("what does dropout do during training", "dropout"),  # case and punctuation
        ("Vad gör dropout under träning? [2 poäng]", "dropout"),  # the other language, points
        ("Q1: What does dropout do during training?", "dropout"),  # numbering
        ("What does dropout do in training?", "dropout"),  # a small rewording
        ("What is <b>early stopping</b>?", "early-stopping"),
        ("What is early-stopping", "early-stopping"),
        ("What is a learning rate?", None),
        ("What does batch norm do during training?", None),
        ("", None),
    ],
)
def test_form_titles_match_prompts_with_small_differences(title: str, expected: str | None) -> None:
    question = question_for_prompt(_bank(), title)
    assert (question.id if question else None) == expected


def test_identical_prompts_are_not_guessed() -> None:
    data = _bank().model_dump()
    data["questions"][1]["prompt"] = {"en": "What does dropout do during training?"}
    assert question_for_prompt(Bank.model_validate(data), "What does dropout do during training?") is None


def test_tenta_grade_reads_a_google_forms_export(
    ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real `tenta grade` on a Forms export: answers filed under the matched questions and graded;
    the column that is no question of the bank is one warning naming it, and the run succeeds."""
    from typer.testing import CliRunner

    from quiz.cli import teacher as teacher_cli
    from quiz.cli.main import app

    monkeypatch.setattr(teacher_cli, "make_context", lambda: ctx)
    monkeypatch.setenv("COLUMNS", "200")
    path = write(tmp_path / "forms.csv", GOOGLE_FORMS_QUIZ)

    result = CliRunner().invoke(app, ["grade", str(path), "--bank", "teacher-test"])

    assert result.exit_code == 0, result.stderr
    assert "Stored 5 answers" in result.stdout
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1
    assert "column 'Vilken klass går du i?'" in warnings[0] and "2 answer(s)" in warnings[0]
    history = ctx.repository.answer_history(bank_id="teacher-test")
    by_question = sorted((detail.answer.question_id, detail.answer.text[:12]) for detail in history)
    assert by_question == [
        ("dropout", "Den stänger "),
        ("dropout", "Det gör mode"),
        ("early-stopping", "We stop when"),
        ("gpu", "GPU"),
        ("gpu", "Hard disk"),
    ]
    again = CliRunner().invoke(app, ["grade", str(path), "--bank", "teacher-test"])
    assert "0 to grade, 5 already graded" in again.stdout


def test_the_not_utf8_warning_names_the_encoding_the_file_was_read_as(tmp_path: Path) -> None:
    """A Mac Roman file (Excel for Mac) is read as Mac Roman, and the warning said 'read as Windows-1252'."""
    mac = tmp_path / "mac.csv"
    mac.write_bytes("Namn;Fråga;Svar\rÅsa Öberg;1;Överanpassning\r".encode("mac_roman"))
    windows = tmp_path / "windows.csv"
    windows.write_bytes("Namn;Fråga;Svar\r\nÅsa Öberg;1;Överanpassning\r\n".encode("cp1252"))
    for path, encoding in ((mac, "Mac Roman"), (windows, "Windows-1252")):
        parsed = read_submissions(path)
        assert [row.student_name for row in parsed.rows] == ["Åsa Öberg"]
        assert [warning.reason for warning in parsed.warnings] == [
            f"not valid UTF-8; read as {encoding} (save as UTF-8 to be sure of å, ä, ö)"
        ], path.name


def test_a_canvas_student_analysis_report_gives_one_answer_per_question(tmp_path: Path) -> None:
    """Canvas (Classic Quizzes) 'Student Analysis' CSV: name, id, sis_id, section columns, then per question
    '<item id>: <question text>' and a column headed by its points possible. sis_id, section, attempt, the
    points columns and 'n correct' were each read as a question, and the SIS id was not the student's id."""
    from question_bank.loader import BankCatalog

    bank = BankCatalog(None).load("dl-course")
    dropout, early = (question.prompt["sv"] for question in bank.questions[6:8])
    header = [
        "name", "id", "sis_id", "root_account", "section", "section_id", "section_sis_id", "submitted",
        "attempt", f"123401: {dropout}", "2.0", f"123402: {early}", "2.0",
        "n correct", "n incorrect", "score",
    ]  # fmt: skip
    row = [
        "Åsa Öberg", "5501", "19990101-1234", "uu.se", "DL HT26", "77", "DL-HT26", "2026-11-20 10:15:22 UTC",
        "1", "Dropout stänger av slumpvisa neuroner.", "1.5", "Sluta när valideringsfelet ökar.", "2.0",
        "1", "0", "3.5",
    ]  # fmt: skip
    path = tmp_path / "Quiz Student Analysis Report.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, row])

    parsed = read_submissions(path)

    assert not parsed.errors and not parsed.warnings
    assert [(r.student_name, r.student_external_id, r.answer) for r in parsed.rows] == [
        ("Åsa Öberg", "19990101-1234", "Dropout stänger av slumpvisa neuroner."),
        ("Åsa Öberg", "19990101-1234", "Sluta när valideringsfelet ökar."),
    ]
    assert [question_for_prompt(bank, r.question_key) for r in parsed.rows] == list(bank.questions[6:8])
