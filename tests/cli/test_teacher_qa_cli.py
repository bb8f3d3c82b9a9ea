"""Teacher CLI QA findings: a negative override score, key point ids in `bank show -q`, open reviews named
by the gradebook export, agreement in bank order, blank answers summarised, wrapped why/detail columns."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from question_bank.errors import TentaError
from quiz.context import AppContext
from tests.cli.teacher_commands import shared_context, tenta  # noqa: F401 - shared_context is an autouse fixture
from tests.teacher.fixtures import GOOD_DROPOUT, GOOD_STOPPING, write_csv


@pytest.fixture
def graded(ctx: AppContext, class_submissions: Path) -> AppContext:
    assert tenta("grade", class_submissions, "--bank", "teacher-test")[0] == 0
    return ctx


def _answer_id(ctx: AppContext, question_id: str, index: int = 0) -> int:
    return ctx.repository.answer_history(bank_id="teacher-test", question_id=question_id)[index].answer.id


def test_a_negative_override_score_gets_the_range_error_and_options_still_work(graded: AppContext) -> None:
    answer_id = _answer_id(graded, "dropout")

    # Before, click read '-0.5' as an unknown option: exit 2, "No such option: -0".
    with pytest.raises(TentaError, match=re.escape("score '-0.5' is outside 0-2 points")):
        tenta("override", answer_id, "-0.5")
    assert graded.repository.get_answer(answer_id).overrides == []

    code, _, _ = tenta("override", answer_id, "--comment", "half", "1.5", "--point", "overfitting=covered")

    assert code == 0
    override = graded.repository.get_answer(answer_id).latest_override
    assert override is not None
    assert (override.score, override.comment, override.point_credits) == (1.5, "half", {"overfitting": 1.0})


def test_b_bank_show_question_names_each_key_points_id_as_override_takes_it(graded: AppContext) -> None:
    code, stdout, _ = tenta("bank", "show", "teacher-test", "-q", "1")

    assert code == 0
    assert "• random-units  50%  Randomly deactivates neurons during training" in stdout
    assert "• overfitting  50%  Reduces overfitting" in stdout
    # The id shown is the one `tenta override --point` takes.
    answer_id = _answer_id(graded, "dropout")
    decisions = ("--point", "random-units=covered", "--point", "overfitting=missing")
    assert tenta("override", answer_id, *decisions)[0] == 0
    assert graded.repository.get_answer(answer_id).final_score == 1.0


def test_f_gradebook_export_names_each_answer_in_the_review_queue_on_stderr(graded: AppContext) -> None:
    queued = {detail.answer.id: detail for detail in graded.repository.review_queue("teacher-test")}
    for question_id in ("dropout", "early-stopping"):
        answer_id = _answer_id(graded, question_id, 1)
        if answer_id not in queued:
            graded.repository.request_regrade(answer_id, "please look again")
    queued = {detail.answer.id: detail for detail in graded.repository.review_queue("teacher-test")}

    code, _, stderr = tenta("export", "gradebook", "--bank", "teacher-test")

    assert code == 0
    # Every format now holds a student whose counted answers are in review: those answers are named on the
    # student's 'held:' line with the reason, any other (an earlier attempt) in the queue's list.
    lines = stderr.splitlines()
    held = [line for line in lines if line.startswith("tenta: held: ")]
    for answer_id, detail in queued.items():
        on_held_line = f"answer {answer_id}, {detail.answer.question_id}: "
        listed = f"  answer {answer_id}: {detail.answer.student_name}, {detail.answer.question_id}"
        assert sum(line.count(on_held_line) for line in held) + lines.count(listed) == 1


def _column(stdout: str, index: int) -> str:
    """One column's text of every table row, joined without the spaces and line breaks of the layout."""
    cells = [line.split("│")[index] for line in stdout.splitlines() if line.startswith("│")]
    return "".join("".join(cells).split())


def test_g_at_80_columns_review_reasons_and_audit_details_wrap_whole(
    graded: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    answer_id = _answer_id(graded, "dropout")
    reason = "the_grader_flagged_low_confidence_but_my_answer_names_both_key_points"
    graded.repository.request_regrade(answer_id, reason)

    code, stdout, _ = tenta("review", "--bank", "teacher-test", "--all")

    assert code == 0
    assert max(len(line) for line in stdout.splitlines()) <= 80
    assert f"regraderequested:{reason}" in _column(stdout, 6)

    comment = "previously_underrated_since_the_answer_covers_overfitting_too"
    assert tenta("override", answer_id, "1.5", "--comment", comment)[0] == 0
    code, stdout, _ = tenta("audit", answer_id)

    assert code == 0
    assert max(len(line) for line in stdout.splitlines()) <= 80
    assert f"comment={comment}" in _column(stdout, 4)
    assert "…" not in stdout


def test_d_grade_sums_up_blank_answers_in_one_line_and_keeps_other_warnings(
    graded: AppContext, tmp_path: Path
) -> None:
    rows = [
        ["Anna", "2024-03-04T10:00", GOOD_DROPOUT, "", "GPU"],
        ["Bo", "last tuesday", "", "", "GPU"],
        ["Cia", "2024-03-04T10:05", "-", GOOD_STOPPING, ""],
    ]
    path = write_csv(tmp_path / "wide.csv", rows, ("Name", "Completed", "Svar 1", "Svar 2", "Svar 3"))

    code, _, stderr = tenta("grade", path, "--bank", "teacher-test")

    assert code == 0
    warnings = [line for line in stderr.splitlines() if line.startswith("warning:")]
    assert warnings == [
        f"warning: {path}:3: Completed: unreadable time 'last tuesday' ignored (use ISO 8601, e.g. "
        "2024-03-04T10:15)",
        f"warning: {path}: 5 blank answers (not answered) were not stored: Svar 1 ×2, Svar 2 ×2, Svar 3 ×1",
    ]


def test_e_the_grading_bar_and_the_summary_give_the_same_rate(class_submissions: Path) -> None:
    code, stdout, _ = tenta("grade", class_submissions, "--bank", "teacher-test", "--batch-size", "5")

    assert code == 0
    bar = re.search(r"18/18 ([\d.]+) answers/s", stdout)
    summary = re.search(r"Graded 18 answers in [\d.]+ s \(([\d.]+) answers/s", stdout)
    assert bar is not None and summary is not None, stdout
    # Before, the bar left out the first batch (rich's speed starts at the first step): 134.9 vs 23.9.
    assert bar.group(1) == summary.group(1)


def test_c_agreement_lists_questions_and_key_points_in_bank_order(graded: AppContext) -> None:
    stopping = min(_ids(graded, "early-stopping"))
    dropout = max(_ids(graded, "dropout"))
    assert stopping < dropout, "the early-stopping answer comes first in answer order"
    for answer_id in (stopping, dropout):
        assert tenta("override", answer_id, "1", "--comment", "checked")[0] == 0

    code, stdout, _ = tenta("agreement", "--bank", "teacher-test")

    assert code == 0
    lines = stdout.splitlines()
    question_rows = [line.split("│")[1].strip() for line in lines if line.startswith("│")]
    assert question_rows[:3] == ["dropout", "early-stopping", "all"]
    point_rows = [line.split("│")[1].strip() for line in lines if line.startswith("│")][3:]
    named = [row.split(":")[0] for row in point_rows if row]
    assert named == ["dropout", "random-units", "overfitting", "early-stopping", "validation", "stop"]


def _ids(ctx: AppContext, question_id: str) -> list[int]:
    details = ctx.repository.answer_history(bank_id="teacher-test", question_id=question_id)
    return [detail.answer.id for detail in details]
