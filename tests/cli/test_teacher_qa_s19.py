"""A teacher's round after the exam, session 19: grade, review, stats and every gradebook format treat an
answer not graded yet, and the review queue, by one rule each; `tenta eval --json` refuses a path it
cannot write before grading. End to end through the real `tenta` app on a real SQLite file, the grading
by the real MiniLM grader."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from question_bank.errors import TentaError
from question_bank.models import Bank
from quiz.cli.main import app
from quiz.context import AppContext
from quiz.settings import Settings
from tests.cli.teacher_commands import shared_context, tenta  # noqa: F401 - shared_context is an autouse fixture
from tests.teacher.fixtures import GOOD_DROPOUT, WEAK_DROPOUT, write_csv
from tests.teacher.test_final_grades import exam_with_exact_scores


@pytest.fixture
def teacher_settings(settings: Settings) -> Settings:
    """Every auto grade below full confidence goes to review, so what the grader grades is in the queue."""
    return settings.model_copy(update={"model": "all-MiniLM-L6-v2", "review_threshold": 1.0})


def _gradebook(tmp_path: Path, *options: str) -> tuple[dict[str, dict[str, str]], list[str]]:
    """`tenta export gradebook` as name → column → cell (Canvas's Points Possible row left out), and the
    stderr lines."""
    out = tmp_path / "gradebook.csv"
    code, _, stderr = tenta("export", "gradebook", "-b", "teacher-test", *options, "-o", out)
    assert code == 0, stderr
    with out.open(encoding="utf-8-sig", newline="") as handle:
        header, *rows = csv.reader(handle, delimiter=";" if "grades" in options else ",")
    (name,) = (column for column in header if column in ("student", "Full name", "Student", "name"))
    records = [dict(zip(header, row, strict=True)) for row in rows]
    return {
        record[name]: record for record in records if record[name] != "Points Possible"
    }, stderr.splitlines()


NO_TOTAL = {
    "tenta": (("-f", "tenta"), "total", ""),
    "tenta with a grade scale": (("-f", "tenta", "--grade-scale", "ug-vg"), "total", ""),
    "moodle": (("-f", "moodle", "--title", "Tenta"), "Tenta", "-"),
    "canvas": (("-f", "canvas", "--title", "Tenta"), "Tenta", ""),
    "grades": (("-f", "grades", "--grade-scale", "ug-vg"), "points", ""),
}
"""Per format: the options, the total's column, and how a total without a grade looks there."""


def test_an_answer_not_graded_yet_leaves_the_total_without_a_grade_in_every_format(
    ctx: AppContext, bank: Bank, tmp_path: Path
) -> None:
    """Dan's early-stopping answer is not graded yet, his dropout answer scored 2: tenta's own CSV wrote
    2 as his total (and 40 as his percent), a sum over the graded answer only that reads as final, where
    Moodle, Canvas and the grades file give no total."""
    exam_with_exact_scores(ctx, bank, tmp_path)

    for format_name, (options, total, no_grade) in NO_TOTAL.items():
        rows, lines = _gradebook(tmp_path, *options)

        assert rows["Dan"][total] == no_grade, format_name
        assert rows["Anna"][total] == ("2,5" if "grades" in options else "2.5"), format_name
        assert any("graded" in line and line.endswith(": Dan") for line in lines), (format_name, lines)
    rows, lines = _gradebook(tmp_path, "-f", "tenta", "--grade-scale", "ug-vg")
    assert (rows["Dan"]["dropout"], rows["Dan"]["percent"], rows["Dan"]["grade"]) == ("2", "", "")
    assert (
        "tenta: 1 answer(s) not graded yet (run tenta grade): their cells and the totals and final grades "
        "of 1 student(s) are empty (no grade): Dan"
    ) in lines


def test_stats_leave_a_student_with_an_answer_not_graded_yet_out_of_the_totals(
    ctx: AppContext, bank: Bank, tmp_path: Path
) -> None:
    """The totals 2.5, 2.49, 3.75 and 0.5 have the mean 2.31; Dan's 2 (the graded answer only, the other
    counted 0) pulled it to 2.25 as if it were his result."""
    exam_with_exact_scores(ctx, bank, tmp_path)

    code, stdout, _ = tenta("stats", "-b", "teacher-test")

    assert code == 0
    text = " ".join(stdout.split())
    assert (
        "5 students, 1 with answers not graded yet (tenta grade), left out of the totals; total mean 2.31/5"
        in text
    )
    lines = [" ".join(line.replace("│", " ").split()) for line in stdout.splitlines()]
    dropout = next(line for line in lines if line.startswith("dropout "))
    assert dropout.split()[1] == "5"  # Dan's graded answer still counts for its question


def test_grade_summary_counts_the_files_answers_that_tenta_review_lists(
    ctx: AppContext, bank: Bank, tmp_path: Path
) -> None:
    """Anna answered dropout again after the first file (a later file): `tenta review` lists her later
    answer, not the first. Grading the first file again said 2 of its answers needed review, counting
    Anna's superseded one by a rule of its own; its answers in the queue are Bo's only."""
    header = ("student", "question", "answer", "submitted_at")
    first = write_csv(
        tmp_path / "first.csv",
        [
            ["Anna", "1", WEAK_DROPOUT, "2026-11-20T10:00:00"],
            ["Bo", "1", GOOD_DROPOUT, "2026-11-20T10:05:00"],
        ],
        header,
    )
    later = write_csv(tmp_path / "later.csv", [["Anna", "1", GOOD_DROPOUT, "2026-11-20T11:00:00"]], header)
    assert tenta("grade", first, "-b", "teacher-test")[0] == 0
    assert tenta("grade", later, "-b", "teacher-test")[0] == 0
    queue = ctx.repository.review_queue("teacher-test")
    assert sorted((detail.answer.student_name, detail.answer.text) for detail in queue) == [
        ("Anna", GOOD_DROPOUT),
        ("Bo", GOOD_DROPOUT),
    ]

    code, stdout, _ = tenta("grade", first, "-b", "teacher-test")

    assert code == 0
    text = " ".join(stdout.split())
    assert (
        "1 answer(s) of this file need review (1 more from other files or the app): run `tenta review "
        "--bank teacher-test`." in text
    )
    lines = [" ".join(line.replace("│", " ").split()) for line in stdout.splitlines()]
    assert next(line for line in lines if line.startswith("dropout ")).split()[-1] == "1"
    code, stdout, _ = tenta("review", "-b", "teacher-test")
    assert code == 0 and "2 answer(s) to review" in stdout


@pytest.mark.parametrize("where", ["/proc/tenta-report.json", "folder"])
def test_eval_refuses_a_json_path_it_cannot_write_before_grading(
    where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/proc takes no new file, though its permission bits let root write: the evaluation ran to the end
    and printed its report before failing with "cannot write: No such file or directory"."""
    monkeypatch.setenv("TENTA_MODEL", "all-MiniLM-L6-v2")
    dataset = tmp_path / "d.jsonl"
    dataset.write_text(
        '{"question_id": "d1", "question": "What is dropout?", "reference_answer": "Dropout switches off '
        'random neurons.", "student_answer": "It drops random neurons.", "score": 1, "max_score": 1}\n',
        encoding="utf-8",
    )
    report = tmp_path / where if where == "folder" else Path(where)
    if where == "folder":
        report.mkdir()

    result = CliRunner().invoke(app, ["eval", str(dataset), "--json", str(report)])

    assert "overall" not in result.output  # nothing was graded (the report has an overall row)
    assert isinstance(result.exception, TentaError), result.output  # main() prints it as one line
    message = result.exception.message
    assert "\n" not in message
    assert message == (
        f"{report}: is a folder; give a file name to write"
        if where == "folder"
        else f"{report}: cannot write there (no file can be made in /proc: No such file or directory)"
    )


@pytest.mark.parametrize(
    ("options", "refused"),
    [
        (("-f", "tenta", "--exam-date", "2026-11-27"), "--exam-date: --format tenta has no place for it"),
        (("-f", "moodle", "--exam-date", "idag"), "--exam-date: --format moodle has no place for it"),
        (("-f", "grades", "--title", "Tenta"), "--title: --format grades has no place for it"),
        (
            ("-f", "grades", "--title", "Tenta", "--per-question"),
            "--title and --per-question: --format grades has no place for them",
        ),
        (("-f", "tenta", "--title", "Tenta"), "--title: --format tenta has no place for it"),
    ],
)
def test_export_refuses_an_option_its_format_has_no_place_for(
    ctx: AppContext, bank: Bank, tmp_path: Path, options: tuple[str, ...], refused: str
) -> None:
    """The file was written without the date or title, and nothing said so (exit 0)."""
    exam_with_exact_scores(ctx, bank, tmp_path)
    out = tmp_path / "gradebook.csv"

    result = CliRunner().invoke(
        app, ["export", "gradebook", "-b", "teacher-test", "--grade-scale", "ug-vg", *options, "-o", str(out)]
    )

    assert isinstance(result.exception, TentaError), result.output
    assert result.exception.message.startswith(f"{refused} (--title and --per-question are for moodle")
    assert not out.exists()


def test_tenta_export_takes_per_question_as_it_has_a_column_per_question_anyway(
    ctx: AppContext, bank: Bank, tmp_path: Path
) -> None:
    exam_with_exact_scores(ctx, bank, tmp_path)

    rows, _ = _gradebook(tmp_path, "-f", "tenta", "--per-question")

    assert rows["Anna"]["dropout"] == "1.5"


@pytest.mark.parametrize("where", ["/proc/tenta-gradebook.csv", "folder"])
def test_export_gradebook_refuses_an_out_it_cannot_write_in_one_line(
    ctx: AppContext, bank: Bank, tmp_path: Path, where: str
) -> None:
    """A folder, or /proc, as --out ended in a traceback (IsADirectoryError: '.folder.partial' ->
    'folder'; FileNotFoundError: '/proc/.tenta-gradebook.csv.partial') instead of one line naming it."""
    exam_with_exact_scores(ctx, bank, tmp_path)
    out = tmp_path / where if where == "folder" else Path(where)
    if where == "folder":
        out.mkdir()

    result = CliRunner().invoke(app, ["export", "gradebook", "-b", "teacher-test", "-o", str(out)])

    assert isinstance(result.exception, TentaError), result.output
    assert result.exception.message == (
        f"{out}: is a folder; give a file name to write"
        if where == "folder"
        else f"{out}: cannot write there (no file can be made in /proc: No such file or directory)"
    )
    assert not list(out.parent.glob(".*.partial"))


def test_the_answers_file_says_which_answers_wait_on_a_regrade_request(
    ctx: AppContext, bank: Bank, tmp_path: Path
) -> None:
    """Bo asked for a regrade: `tenta review` lists his answer, but the answers CSV a teacher works
    through had only the grader's needs_review (empty for him), so filtering on it missed the request."""
    exam_with_exact_scores(ctx, bank, tmp_path)
    (bos,) = (
        detail.answer.id
        for detail in ctx.repository.answer_history(bank_id="teacher-test", question_id="dropout")
        if detail.answer.student_name == "Bo"
    )
    ctx.repository.request_regrade(bos, "I did name both points", requested_by="Bo")
    out = tmp_path / "answers.csv"

    assert tenta("export", "answers", "-b", "teacher-test", "-o", out)[0] == 0

    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = {row["tenta_answer_id"]: row for row in csv.DictReader(handle)}
    assert rows[str(bos)]["regrade_request"] == "I did name both points"
    assert {row["regrade_request"] for answer_id, row in rows.items() if answer_id != str(bos)} == {""}
    assert str(bos) in tenta("review", "-b", "teacher-test")[1]

    jsonl = tmp_path / "answers.jsonl"
    assert tenta("export", "answers", "-b", "teacher-test", "-o", jsonl)[0] == 0
    records = {record["answer_id"]: record for record in map(json.loads, jsonl.read_text().splitlines())}
    assert (records[bos]["regrade_requested"], records[bos]["regrade_reason"]) == (
        True,
        "I did name both points",
    )
