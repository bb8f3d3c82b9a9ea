"""`tenta export gradebook --format grades` (the file a teacher enters in Ladok) holds the final grade of a
student whose answers wait for review, as Gradescope and Moodle release no grade under review; the
teacher's decision releases it, and --include-pending writes it from the current scores as before. End
to end on a real SQLite file through the real `tenta` app, Fia's answers graded by the real grader."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from question_bank.models import Bank
from quiz.context import AppContext
from quiz.settings import Settings
from quiz.teacher.batch import store_submissions
from quiz.teacher.submissions import read_submissions
from tests.cli.teacher_commands import shared_context, tenta  # noqa: F401 - shared_context is an autouse fixture
from tests.teacher.fixtures import GOOD_DROPOUT, write_csv
from tests.teacher.test_final_grades import exam_with_exact_scores

GRADES = ("export", "gradebook", "-b", "teacher-test", "-f", "grades", "--grade-scale", "ug-vg")
"""On the test bank's 5 points: G from 2.5, VG from 3.75."""


@pytest.fixture
def teacher_settings(settings: Settings) -> Settings:
    """Every auto grade below full confidence goes to review, so Fia's graded answer is in the queue."""
    return settings.model_copy(update={"model": "all-MiniLM-L6-v2", "review_threshold": 1.0})


@pytest.fixture
def in_review(ctx: AppContext, bank: Bank, tmp_path: Path) -> dict[str, int]:
    """The five students of exam_with_exact_scores (scores set by overrides; Dan has an answer not graded
    yet), Bo asking for a regrade of his dropout answer, and Fia, whose dropout answer the grader scored
    and flagged for review. Student name → the answer id in review."""
    exam_with_exact_scores(ctx, bank, tmp_path)
    bos = _answer(ctx, "Bo", "dropout")
    ctx.repository.request_regrade(bos, "I did name both points", requested_by="Bo")
    fias = write_csv(tmp_path / "fia.csv", [["Fia", "fia@uni.se", "1", GOOD_DROPOUT]], _HEADER)
    assert tenta("grade", fias, "--bank", "teacher-test")[0] == 0
    fia = ctx.repository.get_answer(_answer(ctx, "Fia", "dropout"))
    assert fia.needs_review and fia.final_score is not None
    return {"Bo": bos, "Fia": fia.answer.id}


_HEADER = ("student", "student_id", "question", "answer")


def _answer(ctx: AppContext, student: str, question_id: str) -> int:
    """The id of the student's one answer to the question."""
    (detail,) = (
        detail
        for detail in ctx.repository.answer_history(bank_id="teacher-test", question_id=question_id)
        if detail.answer.student_name == student
    )
    return detail.answer.id


def _rows(path: Path) -> dict[str, list[str]]:
    """Name → (student_id, grade, points) of the grades file as Excel in Swedish reads it."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows[0] == ["student_id", "name", "grade", "examination_date", "points", "max_points"]
    return {row[1]: [row[0], row[2], row[4]] for row in rows[1:]}


def test_a_grade_in_review_is_held_until_the_teacher_decides_or_include_pending_asks_for_it(
    ctx: AppContext, in_review: dict[str, int], tmp_path: Path
) -> None:
    out = tmp_path / "ladok.csv"

    code, stdout, stderr = tenta(*GRADES, "-o", out)

    assert code == 0 and "Wrote the grades gradebook of 6 students" in stdout
    rows = _rows(out)
    assert rows["Bo"] == ["bo@uni.se", "", ""]
    assert rows["Fia"] == ["fia@uni.se", "", ""]
    assert rows["Anna"] == ["anna@uni.se", "G", "2,5"]
    assert rows["Cia"] == ["cia@uni.se", "VG", "3,75"]
    assert rows["Dan"] == ["dan@uni.se", "", ""]  # not graded yet, as before
    lines = stderr.splitlines()
    assert (
        "grades: 2 student(s) held without a final grade while answers of theirs wait for review (decide "
        "them with tenta review / tenta override and export again, or write their grades from the current "
        "scores with --include-pending):"
    ) in lines
    bo, fia = in_review["Bo"], in_review["Fia"]
    assert f"grades: held: Bo: answer {bo}, dropout: regrade requested: I did name both points" in lines
    assert f"grades: held: Fia: answer {fia}, dropout: low confidence" in lines
    assert "Final grades: U 1 · G 1 · VG 1 · no grade 3" in lines  # Eva U; Bo, Dan and Fia without
    assert not any("their current scores are exported" in line for line in lines)

    # --include-pending: as before, their grades from the current scores, the answers in review listed.
    code, _, stderr = tenta(*GRADES, "--include-pending", "-o", out)

    assert code == 0
    rows = _rows(out)
    assert rows["Bo"] == ["bo@uni.se", "U", "2,49"]
    fias_score = ctx.repository.get_answer(fia).final_score
    assert fias_score is not None and fias_score < 2.5  # one question of three: U whatever the grader gave
    assert rows["Fia"] == ["fia@uni.se", "U", f"{fias_score:.2f}".rstrip("0").rstrip(".").replace(".", ",")]
    assert "held" not in stderr
    assert "2 answer(s) are in the review queue (tenta review); their current scores are exported:" in stderr
    assert "Final grades: U 3 · G 1 · VG 1 · no grade 1" in stderr.splitlines()

    # The teacher decides both: the grades are released without the option.
    assert tenta("override", bo, "1.49", "--comment", "as before")[0] == 0
    assert tenta("override", fia, "2", "--comment", "both points")[0] == 0

    code, _, stderr = tenta(*GRADES, "-o", out)

    assert code == 0
    rows = _rows(out)
    assert rows["Bo"] == ["bo@uni.se", "U", "2,49"]
    assert rows["Fia"] == ["fia@uni.se", "U", "2"]
    assert "held" not in stderr and "review queue" not in stderr
    assert "Final grades: U 3 · G 1 · VG 1 · no grade 1" in stderr.splitlines()


def test_a_regrade_request_on_an_attempt_answered_again_holds_no_grade(
    ctx: AppContext, bank: Bank, tmp_path: Path
) -> None:
    """The gradebook counts Eva's second dropout answer (decided by the teacher), not the first she asked
    to have regraded: her grade is reported, and the request is still named."""
    exam_with_exact_scores(ctx, bank, tmp_path)
    first = _answer(ctx, "Eva", "dropout")
    again = write_csv(tmp_path / "again.csv", [["Eva", "", "1", f"{GOOD_DROPOUT} Again."]], _HEADER)
    (second,) = store_submissions(ctx.repository, bank, read_submissions(again)).answers
    ctx.repository.add_override(second.id, 2.0, "", "Kim")
    ctx.repository.request_regrade(first, "the first one was better", requested_by="Eva")

    code, stdout, stderr = tenta(*GRADES)

    assert code == 0
    assert ["", "Eva", "U", date.today().isoformat(), "2", "5"] in list(
        csv.reader(stdout.splitlines(), delimiter=";")
    )
    assert "held" not in stderr
    lines = stderr.splitlines()
    assert (
        "1 other answer(s) are in the review queue (tenta review): earlier attempts, not counted here:"
        in lines
    )
    assert f"  answer {first}: Eva, dropout" in lines


def test_include_pending_applies_to_every_format() -> None:
    """Every format holds grades in review now (tests/cli/test_gradebook_hold.py), so the option is no
    longer refused outside --format grades."""
    code, _, stderr = tenta("export", "gradebook", "-b", "teacher-test", "--include-pending")

    assert code == 0, stderr


def test_help_names_the_option() -> None:
    code, stdout, _ = tenta("export", "gradebook", "--help")

    assert code == 0
    assert "--include-pending" in stdout
    assert "waiting for review" in " ".join(stdout.replace("│", " ").split())
