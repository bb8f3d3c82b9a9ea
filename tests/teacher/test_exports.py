"""Exports: the gradebook layout, and answers surviving a write → read round trip with awkward text."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from db.records import Gradebook, GradebookRow
from question_bank.errors import TentaError
from question_bank.formats.detect import import_file
from question_bank.models import Bank
from quiz.context import AppContext
from quiz.teacher.batch import answer_details, store_submissions
from quiz.teacher.exports import bank_text, format_score, write_answers, write_gradebook
from quiz.teacher.submissions import read_submissions
from tests.teacher.fixtures import write_csv

AWKWARD_ANSWERS = [
    'Först, sedan: "citat" och åäö ÅÄÖ',
    "rad ett\nrad två, med komma\n\nrad fyra",
    'semi;colon\ttab and a trailing quote"',
    "emoji 🧠 and ß, ø, é",
]


def test_gradebook_has_every_bank_question_a_total_and_a_percent(bank: Bank, tmp_path: Path) -> None:
    gradebook = Gradebook(
        bank_id=bank.id,
        question_ids=["dropout", "gpu"],
        max_points={"dropout": 2.0, "gpu": 1.0},
        rows=[
            GradebookRow(
                student_id=1,
                student_name="Öberg, Åsa",
                external_id="åsa@x.se",
                scores={"dropout": 1.3333, "gpu": 1.0},
                total=2.3333,
                max_total=3.0,
            ),
            GradebookRow(
                student_id=2,
                student_name="Bo",
                external_id=None,
                scores={"dropout": None, "gpu": 0.0},
                total=0.0,
                max_total=3.0,
            ),
        ],
    )
    path = tmp_path / "out" / "gradebook.csv"

    write_gradebook(path, gradebook, bank)

    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == [
        "student",
        "student_id",
        "dropout",
        "early-stopping",
        "gpu",
        "total",
        "max_total",
        "percent",
    ]
    assert rows[1] == ["Öberg, Åsa", "åsa@x.se", "1.33", "", "1", "2.33", "5", "46.67"]
    assert rows[2] == ["Bo", "", "", "", "0", "0", "5", "0"]


def test_format_score() -> None:
    assert [format_score(v) for v in (None, 0.0, 1.0, 1.5, 1.256, 2.0 / 3)] == [
        "",
        "0",
        "1",
        "1.5",
        "1.26",
        "0.67",
    ]


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_exported_answers_read_back_as_the_same_submissions(
    ctx: AppContext, bank: Bank, tmp_path: Path, suffix: str
) -> None:
    source = write_csv(
        tmp_path / "in.csv",
        [[f"Ödmjuk, Student {i}", "dropout", text] for i, text in enumerate(AWKWARD_ANSWERS)],
    )
    stored = store_submissions(ctx.repository, bank, read_submissions(source))
    exported = tmp_path / f"answers{suffix}"

    write_answers(exported, answer_details(ctx.repository, stored.answers), {})
    again = read_submissions(exported)

    assert again.errors == []
    assert [(row.student_name, row.question_key, row.answer) for row in again.rows] == [
        (f"Ödmjuk, Student {i}", "dropout", text) for i, text in enumerate(AWKWARD_ANSWERS)
    ]
    assert all(
        isinstance(row.submitted_at, datetime) and row.submitted_at.tzinfo == UTC for row in again.rows
    )


def test_detailed_jsonl_keeps_grade_override_and_feedback_fields(
    ctx: AppContext, bank: Bank, tmp_path: Path
) -> None:
    source = write_csv(tmp_path / "in.csv", [["Åsa", "gpu", "GPU"]])
    (answer,) = store_submissions(ctx.repository, bank, read_submissions(source)).answers
    ctx.repository.add_override(answer.id, 1.0, "rätt, bra", "lärare")
    path = tmp_path / "answers.jsonl"

    write_answers(path, answer_details(ctx.repository, [answer]), {answer.student_id: "s-1"})

    (record,) = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert record["student"] == "Åsa" and record["student_id"] == "s-1"
    assert record["auto_grade"] is None
    assert record["override"]["comment"] == "rätt, bra"
    assert record["final_score"] == 1.0
    assert "rätt" in path.read_text(encoding="utf-8")  # not \\u-escaped


def test_unknown_export_format_is_a_clear_error(bank: Bank, tmp_path: Path) -> None:
    with pytest.raises(TentaError, match=r"\.csv, \.tsv or \.jsonl"):
        write_answers(tmp_path / "answers.xlsx", [], {})
    with pytest.raises(TentaError, match="yaml, json, gift, moodle-xml"):
        bank_text(bank, "docx")


@pytest.mark.parametrize("format_name", ["gift", "yaml", "moodle-xml"])
def test_bank_export_uses_the_bank_formats_and_reads_back(
    bank: Bank, tmp_path: Path, format_name: str
) -> None:
    path = tmp_path / f"bank.{ {'gift': 'txt', 'yaml': 'yaml', 'moodle-xml': 'xml'}[format_name] }"
    path.write_text(bank_text(bank, format_name), encoding="utf-8")

    again = import_file(path)

    assert [question.prompt_in("en") for question in again.questions] == [
        question.prompt_in("en") for question in bank.questions
    ]
