"""One hold for every gradebook format, and statistics that say what is provisional.

A student whose counted answer waits for the teacher (AnswerDetail.waits_for_teacher: an uncertain auto
grade not overridden, a regrade request) gets no total or final grade in tenta's CSV, Moodle's and
Canvas's imports, as in the grades file for Ladok (Moodle shows no grade while an answer "Requires
grading"; Gradescope exports only what was published); the answer's own cell is empty too. The teacher's
override (which also answers a regrade request) releases it, and --include-pending writes the current
scores. `tenta stats` keeps the provisional scores in its numbers and says how many there are. End to end
on a real SQLite file through the real `tenta` app, Fia's answer graded by the real grader.
"""

from __future__ import annotations

import csv
from pathlib import Path

from quiz.context import AppContext
from tests.cli import test_ladok_pending
from tests.cli.teacher_commands import shared_context, tenta  # noqa: F401 - shared_context is an autouse fixture

in_review = test_ladok_pending.in_review
teacher_settings = test_ladok_pending.teacher_settings
"""Bo asking for a regrade, Fia's answer flagged by the grader (see test_ladok_pending), as fixtures."""

EXPORT = ("export", "gradebook", "-b", "teacher-test", "--grade-scale", "ug-vg")
STATS = ("stats", "-b", "teacher-test", "--grade-scale", "ug-vg")
HELD_LINE = (
    "2 student(s) held without {what} while answers of theirs wait for review (decide them with tenta "
    "review / tenta override and export again, or write their {written} from the current scores with "
    "--include-pending):"
)


def _export(tmp_path: Path, *options: str) -> tuple[dict[str, dict[str, str]], list[str]]:
    """The exported file as name → column → cell (Canvas's Points Possible row left out), and stderr."""
    out = tmp_path / "gradebook.csv"
    code, _, stderr = tenta(*EXPORT, *options, "-o", out)
    assert code == 0, stderr
    with out.open(encoding="utf-8-sig", newline="") as handle:
        header, *rows = csv.reader(handle)
    (name,) = (column for column in header if column in ("student", "Full name", "Student", "name"))
    records = [dict(zip(header, row, strict=True)) for row in rows]
    return {
        record[name]: record for record in records if record[name] != "Points Possible"
    }, stderr.splitlines()


def _fias_score(ctx: AppContext, in_review: dict[str, int]) -> str:
    """Fia's current (provisional) score as the exports write it."""
    score = ctx.repository.get_answer(in_review["Fia"]).final_score
    assert score is not None
    return f"{score:.2f}".rstrip("0").rstrip(".")


def _held_reasons(prefix: str, in_review: dict[str, int]) -> list[str]:
    return [
        f"{prefix}: held: Bo: answer {in_review['Bo']}, dropout: regrade requested: I did name both points",
        f"{prefix}: held: Fia: answer {in_review['Fia']}, dropout: low confidence",
    ]


def test_tenta_csv_holds_the_total_grade_and_answer_cell_of_students_in_review(
    ctx: AppContext, in_review: dict[str, int], tmp_path: Path
) -> None:
    rows, lines = _export(tmp_path, "-f", "tenta")

    for name in ("Bo", "Fia"):
        assert (rows[name]["dropout"], rows[name]["total"], rows[name]["percent"], rows[name]["grade"]) == (
            "",
            "",
            "",
            "",
        )
    assert rows["Bo"]["gpu"] == "1"  # his other answers are decided: they stay
    assert (rows["Anna"]["total"], rows["Anna"]["grade"]) == ("2.5", "G")
    assert HELD_LINE.format(what="a total or final grade", written="totals") in " ".join(lines)
    assert all(line in lines for line in _held_reasons("tenta", in_review))
    assert "tenta: the answers in review have empty cells too" in lines
    assert "Final grades: U 1 · G 1 · VG 1 · no grade 3" in lines
    assert not any("their current scores are exported" in line for line in lines)

    rows, lines = _export(tmp_path, "-f", "tenta", "--include-pending")

    assert (rows["Bo"]["dropout"], rows["Bo"]["total"], rows["Bo"]["grade"]) == ("1.49", "2.49", "U")
    fia = _fias_score(ctx, in_review)
    assert (rows["Fia"]["dropout"], rows["Fia"]["total"], rows["Fia"]["grade"]) == (fia, fia, "U")
    assert not any("held" in line for line in lines)
    assert "2 answer(s) are in the review queue (tenta review); their current scores are exported:" in lines


def test_moodle_file_gives_no_grade_to_students_in_review(
    ctx: AppContext, in_review: dict[str, int], tmp_path: Path
) -> None:
    rows, lines = _export(tmp_path, "-f", "moodle", "--per-question", "--title", "Tenta")

    for name in ("Bo", "Fia"):
        assert (rows[name]["Tenta"], rows[name]["Tenta: grade"], rows[name]["Tenta: Q1"]) == ("-", "-", "-")
    assert rows["Bo"]["Tenta: Q3"] == "1"
    assert (rows["Anna"]["Tenta"], rows["Anna"]["Tenta: grade"]) == ("2.5", "G")
    assert HELD_LINE.format(what="a total or final grade", written="totals") in " ".join(lines)
    assert all(line in lines for line in _held_reasons("moodle", in_review))
    assert "moodle: the answers in review have '-' cells too" in lines

    rows, lines = _export(tmp_path, "-f", "moodle", "--per-question", "--title", "Tenta", "--include-pending")

    assert (rows["Bo"]["Tenta"], rows["Bo"]["Tenta: grade"], rows["Bo"]["Tenta: Q1"]) == ("2.49", "U", "1.49")
    assert rows["Fia"]["Tenta: Q1"] == _fias_score(ctx, in_review)
    assert not any("held" in line for line in lines)


def test_canvas_file_leaves_the_total_of_students_in_review_empty(
    ctx: AppContext, in_review: dict[str, int], tmp_path: Path
) -> None:
    rows, lines = _export(tmp_path, "-f", "canvas", "--per-question", "--title", "Tenta")

    for name in ("Bo", "Fia"):
        assert (rows[name]["Tenta"], rows[name]["Tenta: Q1"]) == ("", "")
    assert rows["Bo"]["Tenta: Q3"] == "1"
    assert rows["Anna"]["Tenta"] == "2.5"
    # Canvas's file has no grade column: only the total is held.
    assert HELD_LINE.format(what="a total", written="totals") in " ".join(lines)
    assert all(line in lines for line in _held_reasons("canvas", in_review))

    rows, lines = _export(tmp_path, "-f", "canvas", "--per-question", "--title", "Tenta", "--include-pending")

    assert (rows["Bo"]["Tenta"], rows["Bo"]["Tenta: Q1"]) == ("2.49", "1.49")
    assert rows["Fia"]["Tenta: Q1"] == _fias_score(ctx, in_review)


def test_the_held_total_shows_no_cell_line_without_question_columns(
    in_review: dict[str, int], tmp_path: Path
) -> None:
    """Without --per-question the LMS file has no answer cells to mention."""
    rows, lines = _export(tmp_path, "-f", "moodle", "--title", "Tenta")

    assert rows["Bo"]["Tenta"] == "-"
    assert not any("cells too" in line for line in lines)


RELEASED = {
    "tenta": (("-f", "tenta"), "total", "grade"),
    "moodle": (("-f", "moodle", "--title", "Tenta"), "Tenta", "Tenta: grade"),
    "canvas": (("-f", "canvas", "--title", "Tenta"), "Tenta", None),
    "grades": (("-f", "grades", "--separator", "comma"), "points", "grade"),
}
"""Per format: the options, the total's column and the final grade's column (Canvas has none)."""


def test_the_teachers_decision_releases_the_grade_in_every_format(
    ctx: AppContext, in_review: dict[str, int], tmp_path: Path
) -> None:
    """Bo's regrade request is answered and Fia's uncertain grade decided by an override each."""
    assert tenta("override", in_review["Bo"], "1.49", "--comment", "as before")[0] == 0
    assert not ctx.repository.get_answer(in_review["Bo"]).regrade_requested
    assert tenta("override", in_review["Fia"], "2", "--comment", "both points")[0] == 0

    for format_name, (options, total, grade) in RELEASED.items():
        rows, lines = _export(tmp_path, *options)

        assert (rows["Bo"][total], rows["Fia"][total]) == ("2.49", "2"), format_name
        if grade is not None:
            assert (rows["Bo"][grade], rows["Fia"][grade]) == ("U", "U"), format_name
        assert not any("held" in line for line in lines), format_name
        assert not any("review queue" in line for line in lines), format_name


def test_stats_count_the_provisional_scores_and_say_how_many(
    ctx: AppContext, in_review: dict[str, int]
) -> None:
    code, stdout, _ = tenta(*STATS)

    assert code == 0
    lines = [" ".join(line.replace("│", " ").split()) for line in stdout.splitlines()]
    dropout = next(line for line in lines if line.startswith("dropout "))
    assert dropout.split()[1] == "6"  # Bo's and Fia's current scores are in n, mean and the rest
    assert "2 provisional" in dropout
    early = next(line for line in lines if line.startswith("early-stopping "))
    assert "provisional" not in early
    text = " ".join(lines)
    assert (
        "6 students, 2 with provisional scores (answers waiting for the teacher: tenta review), 1 with "
        "answers not graded yet (tenta grade), left out of the totals;"  # Dan
    ) in text
    # The grade count is the exported one; the held students' grades from their current scores follow.
    assert "U 1 · G 1 · VG 1 · no grade 3" in text
    assert (
        "2 of those without a grade are held for review; from their current scores they would get U 2."
        in text
    )
    assert "provisional: scores waiting for the teacher" in text

    assert tenta("override", in_review["Bo"], "1.49")[0] == 0
    assert tenta("override", in_review["Fia"], "2")[0] == 0
    code, stdout, _ = tenta(*STATS)

    assert code == 0
    assert "provisional" not in stdout.replace("provisional: scores", "")
    assert "U 3 · G 1 · VG 1 · no grade 1" in " ".join(stdout.split())
    assert "held for review" not in stdout


def test_key_point_stats_say_how_many_answers_are_provisional(in_review: dict[str, int]) -> None:
    code, stdout, _ = tenta("stats", "-b", "teacher-test", "--points")

    assert code == 0
    text = " ".join(stdout.split())
    assert (
        "1 of the counted answers wait(s) for the teacher (tenta review): their key points are the grader's"
        in text
    )
