"""`tenta grade` of files it cannot use as they are: its own answers export (CSV and JSONL), and a file
without one readable row. Real SQLite file, real MiniLM, the real `tenta` app."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from db.records import AnswerDetail
from quiz.context import AppContext
from tests.cli.teacher_commands import shared_context, tenta  # noqa: F401 - shared_context is an autouse fixture
from tests.teacher.fixtures import GOOD_DROPOUT, write_csv


def override_then_grade_the_export(ctx: AppContext, submissions: Path, export: Path) -> AnswerDetail:
    """Grade the class, override one dropout answer (1.25, Kim), export every answer to `export` (its
    suffix picks the format) and grade that file: nothing may be stored or graded again. Returns the
    overridden answer."""
    tenta("grade", submissions, "--bank", "teacher-test")
    target = ctx.repository.answer_history(bank_id="teacher-test", question_id="dropout")[0]
    ctx.repository.add_override(target.answer.id, 1.25, "", "Kim")
    assert tenta("export", "answers", "--bank", "teacher-test", "--out", export)[0] == 0

    code, stdout, _ = tenta("grade", export, "--bank", "teacher-test")

    assert code == 0 and "0 to grade, 18 already graded" in stdout
    assert len(ctx.repository.answer_history(bank_id="teacher-test")) == 18
    return target


def test_reading_back_the_answers_export_stores_no_copies_and_keeps_overrides(
    ctx: AppContext, class_submissions: Path, tmp_path: Path
) -> None:
    """`tenta export answers` then `tenta grade` of that CSV stored every answer again (its submitted_at
    never matched the first import's key), and the gradebook then took the copies, without the overrides."""
    target = override_then_grade_the_export(ctx, class_submissions, tmp_path / "answers.csv")
    gradebook = tmp_path / "gradebook.csv"
    assert tenta("export", "gradebook", "--bank", "teacher-test", "--out", gradebook)[0] == 0
    row = next(
        line
        for line in csv.DictReader(io.StringIO(gradebook.read_text(encoding="utf-8-sig")))
        if line["student"] == target.answer.student_name
    )
    assert "1.25" in row.values()


def test_reading_back_the_jsonl_answers_export_stores_no_copies_and_keeps_overrides(
    ctx: AppContext, class_submissions: Path, tmp_path: Path
) -> None:
    """The JSONL export names each answer by `answer_id`; it was read as another tool's row id, so every
    answer was stored again and the gradebook took the copies, without the teacher's overrides."""
    target = override_then_grade_the_export(ctx, class_submissions, tmp_path / "answers.jsonl")
    again = tmp_path / "again.jsonl"
    assert tenta("export", "answers", "--bank", "teacher-test", "--out", again)[0] == 0
    records = [json.loads(line) for line in again.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 18
    overridden = next(record for record in records if record["answer_id"] == target.answer.id)
    assert overridden["final_score"] == 1.25 and overridden["override"]["teacher"] == "Kim"


def test_a_file_without_one_readable_row_says_so_stores_nothing_and_fails(
    ctx: AppContext, tmp_path: Path
) -> None:
    """Every row bad printed the row errors under an empty summary table, as if the file had been read."""
    path = write_csv(tmp_path / "all-bad.csv", [["anna", "7", GOOD_DROPOUT], ["", "1", GOOD_DROPOUT]])
    out = tmp_path / "results.csv"

    code, stdout, stderr = tenta("grade", path, "--bank", "teacher-test", "--out", out)

    assert code == 1
    assert "all-bad.csv:2: question: bank 'teacher-test' has no question '7'" in stderr
    assert "all-bad.csv:3: student: no student given" in stderr
    assert "no answer could be read from" in stderr and "all-bad.csv" in stderr
    assert "this file" not in stdout, "no summary table of nothing"
    assert ctx.repository.answer_history(bank_id="teacher-test") == []
    assert ctx.repository.list_students() == []
    assert not out.exists()
